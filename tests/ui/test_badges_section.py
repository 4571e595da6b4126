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


def test_each_badge_shows_its_image_and_a_hostile_one_is_not_decoded(qtbot, tmp_path):
    """Issue 25: certificates as cards with the badge image (the wallet showed the words
    only). The image comes from the site: a file whose header claims a huge image, or that
    is no image at all, is not decoded, and its badge is still listed."""
    import struct
    import zlib
    from typing import Any, cast

    from companion.ui.events import EventHub
    from companion.ui.qt import QColor, QImage
    from companion.ui.views.badges_section import BADGE_SIDE, BadgeRow, BadgesSection

    good = tmp_path / "good.png"
    image = QImage(300, 200, QImage.Format.Format_ARGB32)
    image.fill(QColor("#2e7d4f"))
    assert image.save(str(good))  # PNG, by its name
    huge = tmp_path / "huge.png"  # a PNG header declaring 60,000 × 60,000 pixels
    ihdr = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 6, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    huge.write_bytes(
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )
    text = tmp_path / "text.png"
    text.write_text("<html>not an image</html>", encoding="utf-8")
    badges = [kept(id=str(n), image=path) for n, path in enumerate((good, huge, text))]

    class Sites:
        def badges(self) -> list[KeptBadge]:
            return badges

    section = BadgesSection(EventHub(), lambda: cast(Any, Sites()))
    qtbot.addWidget(section)
    with qtbot.waitSignal(section.shown, timeout=10_000):
        section.refresh()
    rows = section.findChildren(BadgeRow)
    assert len(rows) == 3
    pictures = [row.picture.pixmap() for row in rows]
    assert not pictures[0].isNull() and max(pictures[0].width(), pictures[0].height()) == BADGE_SIDE
    assert pictures[1].isNull() and pictures[2].isNull()
    assert all("Prévention des risques" in row.text.text() for row in rows)
    assert rows[0].picture.accessibleName().endswith("Prévention des risques — niveau 1")
