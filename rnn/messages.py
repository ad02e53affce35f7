"""What a learner reads when the engine refuses something or fails: one paragraph per exception,
never a traceback. Shared by the pages (rnn.ui.errors shows it) and the training workers
(rnn.jobs sends it back with a failed job), so both say the same thing in the same words.

The engine signals every expected problem with a ``ValueError`` subclass whose text already says
what was wrong; those are shown as they are. Anything else is a bug: the caller logs it and the
learner gets a short apology.
"""
from __future__ import annotations

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
