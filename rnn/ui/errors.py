"""Turn engine exceptions into messages a learner can act on; never show a traceback.

The engine signals every expected problem (a bad upload, a broken checkpoint, a request over the
server's limits) with a ``ValueError`` subclass whose text already says what was wrong and what
was expected: ``DataFormatError``, ``CheckpointError``, ``LimitError``, ``SettingsError``. Those
are shown as they are. Anything else is a bug: it is logged with its traceback on the server and
the visitor gets a short apology instead of a stack dump. Streamlit's own control flow
(``st.rerun``, ``st.stop``) derives from BaseException and passes through untouched.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

import streamlit as st

from rnn.messages import friendly_message  # noqa: F401 (re-exported: rnn.ui.friendly_message)

log = logging.getLogger(__name__)


def show_error(exc: BaseException) -> None:
    """Show ``exc`` as an st.error; log unexpected ones with their traceback."""
    if not isinstance(exc, (ValueError, MemoryError)):
        log.error("unexpected error in the UI", exc_info=exc)
    st.error(friendly_message(exc), icon="⚠️")


@contextmanager
def engine_errors() -> Iterator[None]:
    """``with engine_errors(): exp = Experiment.load(...)`` -- errors become st.error messages.

    The block stops at the error (as with any exception); the rest of the page still renders.
    """
    try:
        yield
    except Exception as exc:  # noqa: BLE001 -- the point is that nothing reaches the browser raw
        show_error(exc)
