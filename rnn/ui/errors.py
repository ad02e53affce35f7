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

log = logging.getLogger(__name__)

# Class names rather than imports: the engine modules may be missing or renamed, the UI must not.
_TITLES = {
    "DataFormatError": "This data cannot be read",
    "CheckpointError": "This model file cannot be loaded",
    "LimitError": "That is more than this server allows",
    "SettingsError": "The server's settings are invalid",
}


def friendly_message(exc: BaseException) -> str:
    """One paragraph for ``exc``: a title from its kind, then its own message."""
    if isinstance(exc, MemoryError):
        return ("Out of memory: try a smaller model, a shorter text or a smaller file. "
                "Other sessions on this server were not affected.")
    if isinstance(exc, ValueError):
        title = next((t for c in type(exc).__mro__ if (t := _TITLES.get(c.__name__))),
                     "That input cannot be used")
        detail = str(exc).strip() or type(exc).__name__
        if type(exc).__name__ == "DataFormatError" and getattr(exc, "file", None) is None:
            title = "That input cannot be used"      # typed text, not a file: "data" would mislead
            detail = detail[:1].upper() + detail[1:]
        return f"**{title}.** {detail}"
    return (f"Something went wrong on our side ({type(exc).__name__}). It has been logged; "
            "try again, or reset this experiment.")


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
