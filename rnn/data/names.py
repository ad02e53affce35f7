"""Person-name pools from Faker's locale data (no network, no randomness).

Faker ships first and last names for dozens of locales. We keep the *Latin-script* locales so
every token is readable in the app (names keep their accents: "José", "Łukasz", "Gülşen"), and
keep names that are a single token under ``tokenize_words`` and start with a capital letter.
Result: about 55 locales from ~35 languages, ~20k first names and ~18k last names.

Faker is imported only by ``_locale_names_here``, which ``locale_names`` runs in a child
interpreter (``rnn.data.child``): the long-lived server keeps the pools, never Faker's tables.
"""
from __future__ import annotations

import importlib
import sys
import unicodedata
from functools import lru_cache

from .child import in_child
from .tokenize import tokenize_words

MIN_FIRST, MIN_LAST = 40, 20   # a locale needs this many names to be worth sampling from


def is_latin_name(name: str) -> bool:
    """A capitalised, single-token name written only with Latin letters (plus - and ')."""
    if not name[:1].isupper() or tokenize_words(name) != [name]:
        return False
    return all("LATIN" in unicodedata.name(c, "") or c in "-'" for c in name)


def _provider_names(provider: type, stem: str) -> list[str]:
    """All names in ``first_names`` / ``first_names_male`` / ... (skipping computed properties)."""
    out: list[str] = []
    for attr in (stem, f"{stem}_male", f"{stem}_female", f"{stem}_nonbinary"):
        value = getattr(provider, attr, None)
        if isinstance(value, (list, tuple, dict)):   # dicts map name -> weight
            out.extend(value)
    return out


@lru_cache(maxsize=1)
def locale_names() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """``{locale: (first_names, last_names)}``, each sorted and de-duplicated, Latin script only.

    Computed once per process, in a child interpreter (``_locale_names_here``): Faker's person
    providers (one module per locale, ~14 MB resident in all) are never imported into the server
    (BENCHMARKS.md, issue 16)."""
    pools = in_child("rnn.data.names:_locale_names_here")
    return {locale: (tuple(first), tuple(last)) for locale, (first, last) in pools.items()}


def _locale_names_here() -> dict[str, tuple[list[str], list[str]]]:
    """``locale_names()`` computed in this process, reading Faker (the child's side).

    Should it run in the server (the child failed), the provider modules are unloaded again once
    read, so only the pools stay."""
    from faker.config import AVAILABLE_LOCALES

    loaded = set(sys.modules)
    pools = {}
    try:
        for locale in sorted(AVAILABLE_LOCALES):
            try:
                provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
            except (ImportError, AttributeError):   # locale without its own person provider
                continue
            first = sorted({n for n in _provider_names(provider, "first_names") if is_latin_name(n)})
            last = sorted({n for n in _provider_names(provider, "last_names") if is_latin_name(n)})
            if len(first) >= MIN_FIRST and len(last) >= MIN_LAST:
                pools[locale] = (first, last)
    finally:
        _unload(set(sys.modules) - loaded, "faker.providers.person.")
    return pools


def _unload(names: set[str], prefix: str) -> None:
    """Forget the modules ``names`` under ``prefix`` (imported just now, used by nothing else),
    so their data can be freed; a later import reads them afresh."""
    for name in sorted(names, reverse=True):            # submodules before their packages
        if not name.startswith(prefix):
            continue
        sys.modules.pop(name, None)
        parent, _, child = name.rpartition(".")
        if parent in sys.modules and getattr(sys.modules[parent], child, None) is not None:
            delattr(sys.modules[parent], child)


def all_first_names() -> list[str]:
    """Every first name of every kept locale, sorted, each once."""
    return sorted({n for first, _ in locale_names().values() for n in first})
