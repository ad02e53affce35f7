"""The private or undocumented Streamlit APIs the app relies on, one wrapper each.

Each wrapper says why we need it, which test fails first if a Streamlit upgrade changes it, and
how to drop it (the same rule as ``rnn/private_apis.py`` for torch's). Nothing else in ``rnn/``
calls them directly. Streamlit floor: ``requirements.txt``.
"""
from __future__ import annotations

import functools


def script_run_marker() -> object | None:
    """An object that is the same throughout one script run and new in the next, or None
    outside a Streamlit run (bare mode, ``python app.py``).

    Why: Streamlit 1.67 has no public run id (``st.context`` holds cookies, headers, locale,
    theme, timezone and url only), and ``rnn.ui.setup.setup_page`` must draw the sidebar header
    once per run however often it is called. The script run context is internal; its ``cursors``
    dict is replaced at the start of each run.
    If it changes: the import moves or ``cursors`` goes, this raises and tests/test_startup.py
    (``test_setup_page_draws_the_header_once_per_run_and_again_next_run``,
    ``test_run_marker_is_none_outside_a_run``) fails, as does every page test on its first run.
    To drop it: use a public run id once Streamlit has one; or make every page call
    ``setup_page`` exactly once per run (the kit's frames do) and drop the de-duplication.
    """
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.cursors


def option_set_by_deployer(name: str) -> bool:
    """True when a config file, the environment or a command-line flag set option ``name``.

    Why: ``rnn.ui.memory.periodic_gc`` leaves ``runner.postScriptGC`` alone where a deployer
    chose it. ``streamlit.config.is_manually_set`` is not part of the documented API.
    If it changes: tests/test_memory_gc.py (``test_a_deployer_who_wants_gc_after_every_run_keeps_it``)
    fails.
    To drop it: compare ``streamlit.config.get_where_defined(name)`` with the default's
    definition, or stop honouring a deployer's choice (document it in docs/DEPLOY.md).
    """
    from streamlit import config

    return bool(config.is_manually_set(name))


def set_hidden_option(name: str, value, *, where: str) -> None:
    """Set the Streamlit config option ``name`` from inside the running server.

    Why: ``runner.postScriptGC`` (a full ``gc.collect()`` after every script run, fragment ticks
    included) cost ten sessions the whole CPU (rnn/ui/memory.py); it is a hidden option, not in
    ``config.toml``'s documented list, and ``streamlit.config.set_option`` is internal (the
    public ``st.set_option`` accepts client options only). ``where`` names the code that set it
    (``streamlit config show`` prints it).
    If it changes: tests/test_memory_gc.py
    (``test_periodic_gc_turns_per_run_gc_off_and_starts_one_collector``) fails: the option is
    still true, or ``set_option`` no longer takes ``where_defined``.
    To drop it: set ``runner.postScriptGC = false`` in ``.streamlit/config.toml`` and the
    deployment's environment (``STREAMLIT_RUNNER_POST_SCRIPT_GC=false``) instead, or drop the
    periodic collector once Streamlit's own collection is cheap (bench/classroom.py measures it).
    """
    from streamlit import config

    config.set_option(name, value, where_defined=where)


@functools.lru_cache(maxsize=1)
def chart_script_name() -> str | None:
    """The file name of the script Streamlit's frontend loads for ``st.plotly_chart``
    (``PlotlyChart.<hash>.js`` in its static folder), or None when there is none.

    Why: Streamlit loads its 4.7 MB chart library only when a chart first arrives, so charts
    stay grey placeholders for seconds on a phone (bench/charts.py); ``rnn.ui.setup`` asks the
    browser for it as every page opens. The name is a build detail (hashed by Vite), not an API.
    If it changes: a renamed chunk makes this None and the pages simply stop preloading;
    tests/test_startup.py (``test_setup_page_starts_loading_the_chart_script_streamlit_has``)
    fails.
    To drop it: once Streamlit preloads or bundles its chart library itself, delete this and
    ``rnn.ui.setup._preload_charts``. Looked up once per process (the folder is Streamlit's).
    """
    from pathlib import Path

    import streamlit
    found = sorted((Path(streamlit.__file__).parent / "static" / "static" / "js").glob(
        "PlotlyChart.*.js"))
    return found[0].name if found else None
