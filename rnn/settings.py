"""Limits that keep the playground safe on a laptop and on a small shared server.

Every limit is a field of `Settings`. Values come, in this order (later wins):

1. the defaults below (generous: a laptop run by one person);
2. the tighter hosted defaults (`HOSTED_DEFAULTS`) when hosted mode is on;
3. environment variables `RNN_PLAYGROUND_<FIELD>` (e.g. `RNN_PLAYGROUND_MAX_HIDDEN=128`);
4. an optional mapping passed to `get_settings` (the UI layer passes Streamlit secrets; this
   module never imports streamlit). Keys are field names (`max_hidden`) or the environment
   variable names (`RNN_PLAYGROUND_MAX_HIDDEN`), case-insensitive; other keys are ignored.

Hosted mode is switched on by `RNN_PLAYGROUND_HOSTED=1` (or `hosted = true` in the mapping).
An invalid value raises `SettingsError` naming the variable and the value it got.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

ENV_PREFIX = "RNN_PLAYGROUND_"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


class LimitError(ValueError):
    """A request (model size, budget, upload) goes beyond the configured limits."""


@dataclass(frozen=True)
class Settings:
    """Resource limits for one app process.

    hosted:                   True on a shared server: tighter defaults (see HOSTED_DEFAULTS)
    max_hidden:               largest hidden size H a page may build
    max_embed:                largest embedding size E
    max_layers:               most stacked recurrent layers
    max_seconds:              longest training budget, in seconds, per training run
    max_steps:                most optimizer steps per training run
    max_upload_mb:            largest uploaded file (data or checkpoint), in megabytes
    max_text_chars:           longest text a visitor may type into a "Try" box
    max_concurrent_trainings: trainings allowed at the same time in this process (a semaphore)
    tick_seconds:             training time per UI refresh (one fragment tick)
    classroom_db:             the class polls' SQLite file (relative: to the app's folder)
    classroom_room_hours:     a class (room) and its votes are deleted this long after it starts
    classroom_max_rooms:      classes running at the same time on this server
    classroom_max_students:   students in one class
    classroom_max_votes:      votes kept on this server, all running classes together
    classroom_poll_seconds:   how often the teacher's vote chart re-reads the votes (students' views: 2x)
    """

    hosted: bool = False
    max_hidden: int = 256
    max_embed: int = 256
    max_layers: int = 3
    max_seconds: float = 300.0
    max_steps: int = 20_000
    max_upload_mb: float = 5.0
    max_text_chars: int = 2000
    max_concurrent_trainings: int = 2
    tick_seconds: float = 0.3
    classroom_db: str = ".classroom/polls.sqlite3"
    classroom_room_hours: float = 4.0
    classroom_max_rooms: int = 50
    classroom_max_students: int = 200
    classroom_max_votes: int = 100_000
    classroom_poll_seconds: float = 0.5

    @property
    def max_upload_bytes(self) -> int:
        """`max_upload_mb` in bytes (1 MB = 2**20 bytes)."""
        return int(self.max_upload_mb * 2**20)


# On a shared server 30 students train at once: shorter runs, smaller uploads.
HOSTED_DEFAULTS: dict[str, object] = {"max_seconds": 60.0, "max_upload_mb": 1.0}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_name(field_name: str) -> str:
    """The environment variable that sets `field_name`, e.g. RNN_PLAYGROUND_MAX_HIDDEN."""
    return ENV_PREFIX + field_name.upper()


def _parse(name: str, kind: type, value: object) -> object:
    """Convert `value` (a string from the environment, or a TOML value) to `kind`.

    Numbers must be positive and finite. `name` is only used in error messages.
    """
    if kind is str:                      # a path: any text, surrounding spaces dropped
        if isinstance(value, (bool, int, float)) or not str(value).strip():
            raise SettingsError(f"{name}={value!r} must be a non-empty text")
        return str(value).strip()
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise SettingsError(f"{name}={value!r} is not a yes/no value (use 1 or 0, true or false)")
    # bool is an int in Python; a stray `true` for a size is almost certainly a mistake.
    if isinstance(value, bool):
        raise SettingsError(f"{name}={value!r} must be a number, not true/false")
    try:
        number = kind(str(value).strip()) if kind is float else _to_int(value)
    except (TypeError, ValueError):
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name}={value!r} is not {what}") from None
    if not (math.isfinite(number) and number > 0):
        raise SettingsError(f"{name}={value!r} must be greater than 0")
    return number


def _to_int(value: object) -> int:
    """int("12") and int(12.0) are fine; "12.5" and 12.5 are errors, not silently truncated."""
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    return int(str(value).strip())


def _index(source: Mapping) -> dict[str, tuple[str, object]]:
    """``source``'s keys lower-cased (the first of keys that differ only in case wins), so each
    setting is one dict lookup rather than a scan of the whole environment (every page run
    reads the settings)."""
    index: dict[str, tuple[str, object]] = {}
    for key, value in source.items():
        index.setdefault(str(key).lower(), (str(key), value))
    return index


def _lookup(index: Mapping[str, tuple[str, object]], field_name: str) -> tuple[str, object] | None:
    """Find `field_name` in an ``_index`` by field name or env name, ignoring case."""
    for wanted in (field_name.lower(), env_name(field_name).lower()):
        if wanted in index:
            return index[wanted]
    return None


def get_settings(overrides: Mapping | None = None, environ: Mapping | None = None) -> Settings:
    """Build the Settings for this process from the environment and an optional mapping.

    overrides: e.g. `st.secrets` (or a section of it); wins over the environment.
    environ:   the environment to read; `os.environ` when None (tests pass a dict).
    Raises SettingsError on an invalid value.
    """
    environ = os.environ if environ is None else environ
    sources = [_index(environ)] + ([_index(overrides)] if overrides is not None else [])
    kinds = {f.name: f.type for f in fields(Settings)}
    types = {"bool": bool, "int": int, "float": float, "str": str}

    def value_of(field_name: str) -> object | None:
        found = None
        for source in sources:  # later sources win
            hit = _lookup(source, field_name)
            if hit is not None:
                found = _parse(hit[0], types[kinds[field_name]], hit[1])
        return found

    hosted = value_of("hosted")
    settings = Settings(hosted=bool(hosted))
    if settings.hosted:
        settings = replace(settings, **HOSTED_DEFAULTS)
    changes = {}
    for name in kinds:
        value = value_of(name)
        if value is not None and name != "hosted":
            changes[name] = value
    return replace(settings, **changes)


def validate_model_size(hidden: int, embed: int, layers: int, settings: Settings | None = None,
                        strict: bool = False) -> list[str]:
    """Check a model's sizes against the limits.

    Returns one human-readable message per problem (empty list when all is well); with
    `strict=True` raises LimitError with all the messages instead of returning them.
    """
    settings = settings or get_settings()
    checks = [("hidden size", hidden, settings.max_hidden),
              ("embedding size", embed, settings.max_embed),
              ("number of layers", layers, settings.max_layers)]
    problems = []
    for label, value, limit in checks:
        if value < 1:
            problems.append(f"The {label} must be at least 1 (got {value}).")
        elif value > limit:
            problems.append(f"The {label} is {value}; this server allows at most {limit}.")
    if strict and problems:
        raise LimitError(" ".join(problems))
    return problems


def clamp_budget(seconds: float | None, steps: int | None,
                 settings: Settings | None = None) -> tuple[float, int]:
    """The training budget actually allowed: each of `seconds`/`steps` capped by the limits.

    None means "as much as allowed".
    """
    settings = settings or get_settings()
    seconds = settings.max_seconds if seconds is None else min(seconds, settings.max_seconds)
    steps = settings.max_steps if steps is None else min(steps, settings.max_steps)
    return seconds, steps


def check_upload_size(n_bytes: int, settings: Settings | None = None) -> None:
    """Raise LimitError if an upload of `n_bytes` is larger than allowed."""
    settings = settings or get_settings()
    if n_bytes > settings.max_upload_bytes:
        raise LimitError(f"The file is {n_bytes / 2**20:.1f} MB; the limit is "
                         f"{settings.max_upload_mb:g} MB.")


def check_text_length(text: str, settings: Settings | None = None) -> None:
    """Raise LimitError if typed `text` is longer than allowed."""
    settings = settings or get_settings()
    if len(text) > settings.max_text_chars:
        raise LimitError(f"The text has {len(text)} characters; the limit is "
                         f"{settings.max_text_chars}.")
