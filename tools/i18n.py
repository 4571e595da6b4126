"""Keep the translations in step with the code.

    python tools/i18n.py update    # extract strings, merge new ones into fr.po
    python tools/i18n.py compile   # fr.po -> fr .mo used at run time

Source strings are English; resources/translations/fr/LC_MESSAGES/companion.po holds the
French. The test suite fails when a string lacks its translation, when placeholders differ,
or when the .mo is older than the .po.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "companion"
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("fr",)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# gettext's classic French rule; CLDR's third "many" form would need a third msgstr everywhere.
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);"}


def extracted() -> Iterator[tuple[str | tuple[str, ...], str, int]]:
    """(message, file, line) for every translatable string in the package."""
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if "sandbox" in Path(filename).parts:
            continue  # the sandbox plays the server; its texts are not the app's
        yield message, filename, lineno


def template() -> Catalog:
    catalog = Catalog(project="companion", charset="utf-8")
    for message, filename, lineno in extracted():
        catalog.add(message, locations=[(filename, lineno)])
    return catalog


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "companion.po"


def update() -> None:
    fresh = template()
    for language in LANGUAGES:
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            catalog.update(fresh, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=language, project="companion", charset="utf-8")
            catalog.update(fresh)
        _normalise_header(catalog, language)
        with path.open("wb") as handle:
            write_po(
                handle,
                catalog,
                width=100,
                omit_header=False,
                sort_output=True,
                ignore_obsolete=True,
                include_lineno=False,
            )


def _normalise_header(catalog: Catalog, language: str) -> None:
    catalog.project = "companion"
    catalog.copyright_holder = "Companion team"
    catalog.last_translator = "Companion team"
    catalog.language_team = f"Companion {language}"
    catalog.fuzzy = False
    catalog.mime_headers = [
        *[(k, v) for k, v in catalog.mime_headers if k != "Plural-Forms"],
        ("Plural-Forms", PLURAL_FORMS[language]),
    ]


def compile_all() -> None:
    for language in LANGUAGES:
        with po_path(language).open("rb") as handle:
            catalog = read_po(handle, locale=language)
        with po_path(language).with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else ""
    if action == "update":
        update()
    elif action == "compile":
        compile_all()
    else:
        raise SystemExit(__doc__)
