"""Streamlit building blocks shared by the pages (the only part of rnn/ that imports streamlit).

    setup_page(title, icon)                     first line of every page
    show_figure(fig, key=None)                  draw an rnn.plots figure in the app's template
    architecture_sidebar(task, defaults)        -> ModelConfig, clamped to the server's limits
    training_sidebar(defaults, task="")         -> TrainConfig, clamped to the server's limits
    lesson_tabs()                               Learn / Train / Try / Inspect / Compare (in the URL)
    training_panel(exp_key, make, metric)       live training with Start/Stop/Reset + downloads
    compare_panel(exp_key, make(arch), metric)  RNN vs GRU vs LSTM, one after the other, one chart
    download_buttons(exp)                       model zip + metrics CSV
    engine_errors() / show_error(exc)           engine exceptions -> st.error, never a traceback
"""
from rnn.ui.compare import compare_panel
from rnn.ui.downloads import download_buttons
from rnn.ui.errors import engine_errors, friendly_message, show_error
from rnn.ui.live_training import status_line, training_gate, training_panel
from rnn.ui.setup import setup_page, show_figure, ui_settings
from rnn.ui.widgets import architecture_sidebar, lesson_tabs, training_sidebar

__all__ = ["compare_panel", "download_buttons", "engine_errors", "friendly_message", "show_error",
           "status_line", "training_gate", "training_panel", "setup_page", "show_figure",
           "ui_settings", "architecture_sidebar", "lesson_tabs", "training_sidebar"]
