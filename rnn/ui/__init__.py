"""Streamlit building blocks shared by the pages (the only part of rnn/ that imports streamlit).

    setup_page(title, icon)                     first line of every page
    show_figure(fig, key=None)                  draw an rnn.plots figure in the app's template
    show_diagram(svg)                           draw an rnn.diagrams SVG (no Plotly)
    architecture_sidebar(task, defaults)        -> ModelConfig, clamped to the server's limits
    training_sidebar(defaults, task="")         -> TrainConfig, clamped to the server's limits
    apply_fitted(task, model, train)            "Fit to my data": a fit's choices into the sidebar
    lesson_tabs()                               Learn / Train / Try / Inspect / Compare (in the URL)
    training_panel(exp_key, make(label), metric) live training with Start/Stop/Reset + downloads
    compare_panel(exp_key, make(arch), metric)  RNN vs GRU vs LSTM, one after the other, one chart
    download_buttons(exp)                       model zip + metrics CSV
    show_table(rows, formats=None)              a small table as Markdown (no pandas)
    engine_errors() / show_error(exc)           engine exceptions -> st.error, never a traceback
"""
from importlib import import_module

# Where each name lives. They are imported on first use (PEP 562 module __getattr__), so the home
# page, which needs only setup_page and show_diagram, does not pay for torch through the
# panels and widgets: that was most of the first visit's wait (BENCHMARKS.md, "Start-up").
_HOMES = {"compare_panel": "compare", "download_buttons": "downloads",
          "engine_errors": "errors", "friendly_message": "errors", "show_error": "errors",
          "show_table": "tables", "status_line": "live_training",
          "training_panel": "live_training", "setup_page": "setup", "show_diagram": "setup",
          "show_figure": "setup",
          "ui_settings": "setup", "architecture_sidebar": "widgets", "lesson_tabs": "widgets",
          "training_sidebar": "widgets", "apply_fitted": "widgets"}
__all__ = list(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'rnn.ui' has no attribute {name!r}")
    value = getattr(import_module(f"rnn.ui.{_HOMES[name]}"), name)
    globals()[name] = value          # the next lookup is an ordinary attribute
    return value
