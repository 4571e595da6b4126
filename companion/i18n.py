"""Translations with stdlib gettext, shared by core and UI.

Source strings are English; French is the users' first language and the default.
Core code cannot use Qt's translator (no Qt outside companion/ui), so one gettext
catalogue serves both layers.
"""

from __future__ import annotations

import functools
import gettext
import threading

from companion.resources import resource

DOMAIN = "companion"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

_lock = threading.Lock()
_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def install(language: str) -> str:
    """Make `language` current; fall back to English when it has no catalogue."""
    global _translation, _language
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    translation = _catalogue(language)
    with _lock:
        _translation = translation
        _language = language
    return language


def _catalogue(language: str) -> gettext.NullTranslations:
    """``language``'s catalogue, read from where tools/i18n.py compiles it; English (the
    source strings) when there is none. Read directly rather than through
    ``gettext.translation``, whose search for locale variants imports ``locale`` and
    normalises names: our languages are two fixed codes (issue 14, start-up)."""
    path = resource("translations", language, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with path.open("rb") as catalogue:
            return gettext.GNUTranslations(catalogue)
    except OSError:
        return gettext.NullTranslations()


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate now."""
    return _translation.gettext(message)


def said_again(text: str) -> str:
    """``text``, translated when another language was current, in today's language: found
    among the translations of every catalogue, or as a source string. A text made from
    figures or names is not in any catalogue as such: it is left as it is."""
    if not text:
        return text
    return _(_sources().get(text, text))


@functools.cache
def _sources() -> dict[str, str]:
    """Each translation of every catalogue mapped back to its source string (read once)."""
    sources: dict[str, str] = {}
    for language in LANGUAGES:
        catalogue = getattr(_catalogue(language), "_catalog", {})
        for source, translated in catalogue.items():
            if isinstance(source, str) and source and isinstance(translated, str):
                sources.setdefault(translated, source)
    return sources


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translation.ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark for extraction; translate later, when the language is known."""
    return message
