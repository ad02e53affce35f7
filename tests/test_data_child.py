"""Generators run in a child interpreter (rnn.data.child, issue 16): the server builds every
built-in data set without importing Faker or num2words, the child's results are the in-process
ones, and a failing child falls back to the in-process call."""
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnn.data import child
from rnn.data.child import in_child
from rnn.data.names import _locale_names_here, locale_names
from rnn.data.textgen import TARGET_CHARS, _number_lines, _number_lines_here
from rnn.data.translation import _number_table, english_number, french_number, number_words

ROOT = Path(__file__).resolve().parents[1]
CHEAP = "rnn.data.translation:_number_words_here"     # a quick target for the fallback tests


def test_name_pools_from_the_child_are_the_in_process_ones(caplog):
    here = _locale_names_here()
    with caplog.at_level(logging.WARNING, logger="rnn.data.child"):
        assert in_child("rnn.data.names:_locale_names_here") == json.loads(json.dumps(here))
    assert not caplog.records                           # it did run in the child
    pools = locale_names()
    assert list(pools) == list(here)                    # same locales, same order
    assert pools == {loc: (tuple(f), tuple(l)) for loc, (f, l) in here.items()}
    assert all(type(first) is tuple and type(last) is tuple and type(first[0]) is str
               for first, last in pools.values())
    assert len(pools) > 40 and all(len(f) >= 40 and len(l) >= 20 for f, l in pools.values())


def test_number_words_from_the_child_are_num2words_own():
    table = _number_table()
    assert len(table) == 10_000 and type(table) is tuple and type(table[0]) is tuple
    assert table == tuple((english_number(n), french_number(n)) for n in range(10_000))
    assert table[312] == ("three hundred and twelve", "trois cent douze")
    assert number_words(100) == table[:100]


def test_number_corpus_lines_from_the_child_are_the_in_process_ones():
    lines = _number_lines()
    assert lines == tuple(_number_lines_here(TARGET_CHARS))
    assert lines[:3] == ("one", "two", "three")
    assert sum(map(len, lines)) + len(lines) >= TARGET_CHARS


# Every built-in set of the three tasks whose data came from Faker / num2words, built the way the
# server builds them, in a fresh interpreter (this process has imported both already).
_BUILD_ALL = """
import sys
from rnn.tasks import get_task
for task in ('ner', 'translation', 'textgen'):
    for name in get_task(task).datasets():
        assert len(get_task(task).load_builtin(name, seed=0).train) > 0, (task, name)
print(sorted(m for m in sys.modules if m.split('.')[0] in ('faker', 'num2words')))
"""


def test_building_the_builtin_sets_imports_neither_faker_nor_num2words():
    done = subprocess.run([sys.executable, "-c", _BUILD_ALL], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert "computing it in this process instead" not in done.stderr     # no fallback taken


def _raise(*args, **kwargs):
    raise OSError("no subprocesses here")


def _exit_1(*args, **kwargs):
    return subprocess.CompletedProcess(args, 1, b"", b"Traceback ...\nMemoryError")


def _not_json(*args, **kwargs):
    return subprocess.CompletedProcess(args, 0, b"[[\"zero\", \"z\xc3\xa9", b"")


def _too_slow(*args, **kwargs):
    raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])


@pytest.mark.parametrize("run", [_raise, _exit_1, _not_json, _too_slow])
def test_a_failing_child_falls_back_to_this_process_with_one_warning(monkeypatch, caplog, run):
    expected = in_child(CHEAP, 25)
    monkeypatch.setattr(subprocess, "run", run)
    with caplog.at_level(logging.WARNING, logger="rnn.data.child"):
        assert in_child(CHEAP, 25) == expected
    warnings = [r for r in caplog.records if r.name == "rnn.data.child"]
    assert len(warnings) == 1 and CHEAP in warnings[0].getMessage()


def test_no_interpreter_falls_back_too(monkeypatch, caplog):
    monkeypatch.setattr(sys, "executable", str(ROOT / "no-such-python"))
    with caplog.at_level(logging.WARNING, logger="rnn.data.child"):
        got = in_child("rnn.data.names:_locale_names_here")
    assert got == json.loads(json.dumps(_locale_names_here()))     # lists, as from the child
    assert len([r for r in caplog.records if r.name == "rnn.data.child"]) == 1


def test_the_functions_own_error_is_raised_after_the_fallback(caplog):
    with caplog.at_level(logging.WARNING, logger="rnn.data.child"), pytest.raises(TypeError):
        in_child(CHEAP, "not a count")


@pytest.mark.parametrize("target", ["os:system", "subprocess:run", "rnn:__version__",
                                    "rnn.data.names", "rnnx.data:f", "rnn.data.names:f; import os",
                                    "rnn.data.names:_locale_names_here\nimport os",
                                    "rnn..data:f", "rnn.data.names:", " rnn.data.names:f", None])
def test_only_this_packages_functions_can_be_run(monkeypatch, target):
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("a child was started"))
    with pytest.raises(ValueError, match="only this package's functions"):
        in_child(target)


def test_the_child_gets_no_stdin_and_the_project_root(monkeypatch):
    seen = {}

    def spy(cmd, **kwargs):
        seen.update(kwargs, cmd=cmd)
        return subprocess.CompletedProcess(cmd, 0, b"[]", b"")

    monkeypatch.setattr(subprocess, "run", spy)
    assert in_child(CHEAP, 0) == []
    assert seen["stdin"] == subprocess.DEVNULL and Path(seen["cwd"]) == ROOT == child.ROOT
    assert seen["cmd"][0] == sys.executable and seen["cmd"][-2:] == [CHEAP, "[0]"]
    assert str(ROOT) in seen["env"]["PYTHONPATH"].split(os.pathsep)
