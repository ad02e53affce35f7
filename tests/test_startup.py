"""Start-up and the page preamble (issue 16, issue 10): the home page's first visit does not wait
for torch, the training panels or the data generators; setup_page draws the sidebar header once per run however often it is called."""
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def test_the_home_page_imports_neither_torch_nor_the_panels_nor_the_data_generators():
    # bare mode (no server): the script runs top to bottom, Streamlit calls do nothing.
    code = ("import runpy, sys\n"
            "runpy.run_path('app.py', run_name='__main__')\n"
            "print(sorted(m for m in ('torch', 'faker', 'num2words', 'rnn.ui.widgets',"
            " 'rnn.ui.live_training') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


# Every page and every tab, one session, in a fresh process: then neither pandas nor pyarrow may
# be loaded (150 MB per server, BENCHMARKS.md issue 16; and plotly's lookup of a half-imported
# pandas was a race, rnn/plots/theme.py). AppTest itself imports neither (checked first).
_EVERY_PAGE = """
import sys
from pathlib import Path
from streamlit.testing.v1 import AppTest
assert not {'pandas', 'pyarrow'} & set(sys.modules), 'AppTest imported pandas itself'
import rnn.ui.setup
rnn.ui.setup._lesson_links = lambda: None       # AppTest cannot resolve the menu's app.py link
ran = []
for page in ['app.py'] + sorted(str(p) for p in Path('pages').glob('*.py')):
    for tab in ('Learn', 'Train', 'Try', 'Inspect', 'Compare'):
        at = AppTest.from_file(str(Path(page).resolve()), default_timeout=300)
        at.session_state['tab'] = tab
        at.run()
        assert not at.exception, (page, tab, [e.value for e in at.exception])
        ran.append((page, tab, len(at.markdown)))
print(len(ran), sum(n for *_, n in ran))
print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'pyarrow'}))
"""


def test_no_page_or_tab_imports_pandas_or_pyarrow():
    done = subprocess.run([sys.executable, "-c", _EVERY_PAGE], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    count, *_, modules = done.stdout.strip().splitlines()
    runs, markdown = map(int, count.split())
    assert runs == 5 * (1 + len(list((ROOT / "pages").glob("*.py")))) and markdown > 100
    assert modules == "[]", modules


def test_the_lazy_package_still_offers_every_name():
    import rnn.ui

    for name in rnn.ui.__all__:
        assert callable(getattr(rnn.ui, name)), name


def test_the_lazy_data_package_still_offers_every_name_and_submodule():
    import rnn.data

    assert sorted(rnn.data.__all__) == sorted(rnn.data._HOMES)
    for name in rnn.data.__all__:
        assert getattr(rnn.data, name) is not None, name
    assert rnn.data.vocab.Vocab is rnn.data.Vocab
    with pytest.raises(AttributeError):
        rnn.data.no_such_thing


def _twice():
    from rnn.ui.setup import setup_page

    setup_page("Test", ":material/home:")
    setup_page("Test", ":material/home:")


def test_setup_page_draws_the_header_once_per_run_and_again_next_run():
    at = AppTest.from_function(_twice)
    at.run()
    assert not at.exception
    header = [m for m in at.sidebar.markdown if "RNN Playground" in m.value]
    assert len(header) == 1
    at.run()                                # the next run draws it again (once)
    assert not at.exception
    assert len([m for m in at.sidebar.markdown if "RNN Playground" in m.value]) == 1


def test_run_marker_is_none_outside_a_run():
    from rnn.ui.setup import _first_call_this_run
    from rnn.ui.streamlit_private import script_run_marker

    assert script_run_marker() is None
    assert _first_call_this_run() is True


def test_every_page_starts_the_periodic_collector(monkeypatch):
    """Memory: the collector and heap trim run from the first page on (rnn.ui.memory), not only
    once someone trains; periodic_gc itself is tested in test_gate_release.py."""
    calls = []
    monkeypatch.setattr("rnn.ui.setup.periodic_gc", lambda: calls.append(1) or True)
    at = AppTest.from_function(_twice)
    at.run()
    assert not at.exception and len(calls) == 2


def test_setup_page_starts_loading_the_chart_script_streamlit_has():
    """setup_page (every page calls it) asks the browser for Streamlit's own chart script (the lazily loaded Plotly
    chunk) as the page opens; the name it asks for is a file this Streamlit really serves."""
    import re

    import streamlit

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120).run()
    assert not at.exception
    bodies = [el.proto.body for el in at.get("html")]
    asked = [m for b in bodies for m in re.findall(r"PlotlyChart\.[\w-]+\.js", b)]
    assert len(asked) == 1, bodies
    served = Path(streamlit.__file__).parent / "static" / "static" / "js" / asked[0]
    assert served.is_file() and served.stat().st_size > 1_000_000
