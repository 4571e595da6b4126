"""How the wallet words a badge from another site: never "verified" like a signed
certificate; confirmed online with a date, not checkable offline, or withdrawn."""

from __future__ import annotations

from pathlib import Path

from companion.services.badges import KeptBadge

from companion.ui.views.badges_section import badge_text


def kept(**changes) -> KeptBadge:
    badge = KeptBadge(
        id="f" * 40,
        site="Centre de formation",
        name="Prévention des risques — niveau 1",
        description="",
        course_title="Sécurité au travail",
        issuer="Centre",
        issued_at=1_796_524_506,
        image=Path("badge.png"),
        recipient_checked=True,
        verified_online_at=None,
        withdrawn=False,
    )
    return badge._replace(**changes)


def test_a_badge_never_checked_online_says_so():
    text = badge_text(kept())
    assert "Not checkable offline" in text and "Confirmed" not in text
    assert "Prévention des risques — niveau 1 · Centre de formation" in text


def test_a_badge_confirmed_online_says_when():
    assert "Confirmed online by the site on" in badge_text(kept(verified_online_at=1_796_530_000))


def test_a_withdrawn_badge_says_it_and_nothing_else_about_checks():
    text = badge_text(kept(verified_online_at=1_796_530_000, withdrawn=True))
    assert "Withdrawn" in text and "Confirmed" not in text


def test_a_badge_for_another_address_says_so():
    assert "does not name your e-mail address" in badge_text(kept(recipient_checked=False))
