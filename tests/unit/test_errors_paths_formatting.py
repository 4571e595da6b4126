import logging
from datetime import date, datetime

import pytest

from companion import formatting, i18n
from companion.errors import UserFacingError, describe
from companion.paths import Paths, check_profile_name


def test_user_facing_errors_keep_their_text(caplog):
    message, hint, reference = describe(UserFacingError("Plain words", "Do this"))
    assert (message, hint) == ("Plain words", "Do this")
    assert reference.startswith("CMP-")


def test_unexpected_errors_get_a_reference_logged_with_the_traceback(caplog):
    caplog.set_level(logging.ERROR, logger="companion")
    logging.getLogger("companion").propagate = True
    try:
        message, hint, reference = describe(KeyError("internal detail"))
    finally:
        logging.getLogger("companion").propagate = False
    assert "internal detail" not in message + hint
    assert reference in hint
    # With the app's handlers set up, the redaction filter has already rendered the
    # traceback (exc_text) and dropped exc_info; either way the traceback is logged.
    assert any(reference in r.getMessage() and (r.exc_info or r.exc_text) for r in caplog.records)


@pytest.mark.parametrize("name", ["", "../etc", "a/b", "Camille", "x" * 41, "con sole", ".hidden"])
def test_hostile_profile_names_are_refused(name):
    with pytest.raises(UserFacingError):
        check_profile_name(name)


def test_profiles_get_separate_folders(companion_home):
    paths = Paths.default()
    assert paths.profile_dir("camille") != paths.profile_dir("karim")
    assert paths.profile_dir("camille").is_relative_to(companion_home)
    assert paths.shared_assets_dir.is_relative_to(companion_home)


def test_formatting_follows_the_language():
    i18n.install("fr")
    assert formatting.size(1_500_000) == "1,5 Mo"
    assert formatting.duration(150) == "2 h 30"
    i18n.install("en")
    assert formatting.size(1_500_000) == "1.5 MB"
    assert formatting.duration(45) == "45 min"


def test_sizes_keep_their_zeros():
    """500 KB was shown as "5 KB": the zeros of a whole number were stripped."""
    assert formatting.size(500_000) == "500 KB"
    assert formatting.size(100_000) == "100 KB"
    assert formatting.size(10_000_000) == "10 MB"
    assert formatting.size(1_500_000) == "1.5 MB"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_dates_and_times_read_as_the_locale_writes_them(language):
    """The medium date of CLDR ("29 nov. 2026", "Nov 29, 2026"), checked against Babel
    (a development tool only: the app formats without a locale library)."""
    from babel.dates import format_date, format_time

    i18n.install(language)
    for month in range(1, 13):
        when = date(2026, month, 29 if month != 2 else 28)
        assert formatting.day(when) == format_date(when, "medium", locale=language)
    afternoon = datetime(2026, 11, 29, 14, 5).astimezone()
    expected_time = format_time(afternoon, "short", locale=language).replace("\u202f", " ")
    assert formatting.clock(afternoon) == expected_time
    joined = "29 nov. 2026 à 14:05" if language == "fr" else "Nov 29, 2026 at 2:05 PM"
    assert formatting.moment(afternoon) == joined


def test_sizes_use_the_locales_decimal_mark():
    from babel.numbers import format_decimal

    i18n.install("fr")
    assert formatting.size(12_500_000) == f"{format_decimal(12.5, locale='fr')} Mo"
    assert formatting.size(12_500_000) == "12,5 Mo"


def test_a_plain_start_is_what_the_parser_gives_without_arguments(monkeypatch):
    """Issue 14: ``companion`` alone opens the window without building the parser; what it
    starts with must be what the parser would have said."""
    from companion import cli

    assert vars(cli.build_parser().parse_args([])) == cli.USUAL_START
    started = []
    monkeypatch.setattr(cli, "build_parser", lambda: pytest.fail("the parser was built"))

    def run(profile: str, **options: object) -> int:
        started.append((profile, options))
        return 0

    monkeypatch.setattr("companion.ui.app.run", run)
    assert cli.main([]) == 0
    assert started == [("default", {"create_profile": False})]
