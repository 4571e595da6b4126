"""Every interface string has a French translation with the same placeholders (STYLE 11)."""

import gettext
import re

import pytest
from babel.messages.pofile import read_po

from tools import i18n as i18n_tool

PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def french_catalog():
    with i18n_tool.po_path("fr").open("rb") as handle:
        return read_po(handle, locale="fr")


def as_tuple(value):
    return (value,) if isinstance(value, str) else tuple(value)


def test_every_source_string_is_translated_into_french():
    catalog = french_catalog()
    missing = []
    for message, filename, line in i18n_tool.extracted():
        entry = catalog.get(message if isinstance(message, str) else message[0])
        if entry is None or not all(as_tuple(entry.string)) or entry.fuzzy:
            missing.append(f"{filename}:{line}: {message!r}")
    assert not missing, "run `python tools/i18n.py update`, translate, then compile:\n" + "\n".join(
        missing
    )


def test_placeholders_match_their_source():
    wrong = []
    for entry in french_catalog():
        if not entry.id:
            continue
        expected = sorted(PLACEHOLDER.findall(as_tuple(entry.id)[-1]))
        for text in as_tuple(entry.string):
            if sorted(PLACEHOLDER.findall(text)) != expected:
                wrong.append((entry.id, text))
    assert not wrong


def test_compiled_catalogue_matches_the_po_file():
    mo = i18n_tool.po_path("fr").with_suffix(".mo")
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in french_catalog():
        if not entry.id:
            continue
        if isinstance(entry.id, str):
            assert compiled.gettext(entry.id) == entry.string, "run tools/i18n.py compile"
        else:
            assert compiled.ngettext(entry.id[0], entry.id[1], 1) == entry.string[0]
            assert compiled.ngettext(entry.id[0], entry.id[1], 5) == entry.string[1]


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 formation disponible"), (1, "1 formation disponible"), (2, "2 formations disponibles")],
)
def test_french_plurals(count, expected):
    from companion import i18n

    i18n.install("fr")
    text = i18n.ngettext("{n} course available", "{n} courses available", count)
    assert text.format(n=count) == expected


# A count followed by a noun in the plural ("{n} files"): its singular must exist too.
COUNTED_NOUN = re.compile(r"\{(\w+)(?::[^{}]*)?\}\s+(\w{4,}s)\b")


def test_counts_use_plural_forms():
    """A message that counts something is an ngettext pair: "{count} file(s)" and a bare
    "{n} files" read wrong for one, and French agrees the words around the count too."""
    offenders = []
    for message, filename, line in i18n_tool.extracted():
        if not isinstance(message, str):
            continue  # an ngettext pair
        if "(s)" in message or COUNTED_NOUN.search(message):
            offenders.append(f"{filename}:{line}: {message!r}")
    for entry in french_catalog():
        for text in as_tuple(entry.string) if entry.id else ():
            if "(s)" in text:
                offenders.append(f"fr: {text!r}")
    assert offenders == [], "use ngettext for these counts:\n" + "\n".join(offenders)


def test_the_plural_check_sees_a_fake_plural():
    assert COUNTED_NOUN.search("{count} files were not downloaded.")
    assert not COUNTED_NOUN.search("next try in {n} s")
