"""Run one of our data generators in a short-lived child interpreter, and keep only its result.

Why: the Streamlit server is one long-lived process. Some built-in data sets are read from large
packages: the NER names and the "names" corpus from Faker's person providers (~55 locale
modules, ~14 MB resident once imported, fragmentation included), the number words of the
translation sets and of the "numbers" corpus from num2words (~60 language modules, ~3 MB). Their
results are small (a few hundred KB of strings), but once such a package is imported into the
server its modules, and the heap they fragmented, stay there for good (BENCHMARKS.md, issue 16).
So the server asks a fresh interpreter to compute the result and send it back as JSON; the
child's memory goes back to the system when it exits, and the server never imports Faker or
num2words at all. Starting the child costs about half a second, paid once per server per
generator (callers cache the result).

``in_child("rnn.data.names:_locale_names_here")`` imports ``rnn.data.names`` in the child, calls
``_locale_names_here()`` there, and returns what it returned, through JSON: tuples come back as
lists, dict keys as strings, key order kept. Callers turn the lists back into the types their
public functions promise.

It never breaks the app: if the child cannot run or fails in any way (no subprocesses allowed
here, no interpreter at ``sys.executable``, a time-out, a non-zero exit, output that is not JSON),
one warning is logged and the same function is called in this process instead; its result goes
through the same JSON round trip, so callers see the same shape either way. Only functions of
this package can be named (``target`` must be ``"rnn.<module>:<function>"``): nothing from a
user's file or a URL ever reaches the child's command line as code.

The child imports only what ``target``'s module imports (``rnn`` and ``rnn.data`` import nothing
heavy themselves: ``python -X importtime -c "import rnn.data.names"``).
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Callable

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]          # the directory that holds the ``rnn`` package
_TARGET = re.compile(r"rnn(\.[A-Za-z_]\w*)+:[A-Za-z_]\w*")

# Run in the child: call the target and write its JSON result as stdout's only content. Anything
# the target prints goes to stderr, so it cannot corrupt the result.
_CODE = """\
import json, sys
from importlib import import_module
module, _, name = sys.argv[1].partition(":")
out, sys.stdout = sys.stdout, sys.stderr
result = getattr(import_module(module), name)(*json.loads(sys.argv[2]))
out.write(json.dumps(result))
out.flush()
"""


def _check(target: str) -> tuple[str, str]:
    """``(module, function)`` of ``target``; ValueError unless it names a function in ``rnn``."""
    if not isinstance(target, str) or not _TARGET.fullmatch(target):
        raise ValueError(f"in_child runs only this package's functions ('rnn.<module>:<function>'),"
                         f" not {target!r}")
    module, _, name = target.partition(":")
    return module, name


def _in_process(module: str, name: str) -> Callable[..., Any]:
    return getattr(import_module(module), name)


def in_child(target: str, *args: Any, timeout: float = 120) -> Any:
    """``module.function(*args)`` (``target`` = ``"rnn.module:function"``) computed in a fresh
    interpreter, as JSON data; in this process if the child fails (see the module docstring).

    ``args`` must be JSON-serialisable (numbers, strings, lists...). Raises ValueError for a
    target outside ``rnn``; an error of the function itself is raised by the in-process call.
    """
    import subprocess              # here, not at the top: the child itself imports this module

    module, name = _check(target)
    payload = json.dumps(args)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    try:
        done = subprocess.run([sys.executable, "-c", _CODE, target, payload], cwd=ROOT, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                              check=False)
        if done.returncode != 0:
            err = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(f"exit status {done.returncode}: {err[-1] if err else ''}")
        return json.loads(done.stdout)
    except Exception as exc:        # noqa: BLE001 - whatever went wrong, the app must go on
        log.warning("could not compute %s in a child process (%s: %s); computing it in this "
                    "process instead", target, type(exc).__name__, exc)
    result = _in_process(module, name)(*json.loads(payload))
    return json.loads(json.dumps(result))
