"""The AT-SPI test stack itself (issue 27): Companion, started under the X server with the
accessibility bus, is found and read over D-Bus as a screen reader finds and reads it, and
its events reach the listener."""

from __future__ import annotations

from tests.a11y.atspi import STATE_FOCUSABLE, STATE_SELECTED


def test_companion_is_read_over_at_spi_as_a_screen_reader_reads_it(companion):
    tree = companion.tree()
    assert tree.role == "application"
    frame = tree.one("frame")
    assert frame.name.startswith("Companion")
    tabs = [tab.name for tab in tree.find("page tab")]
    assert tabs[:5] == ["Accueil", "Catalogue", "Bibliothèque", "Compte", "Certificats"]
    assert all(STATE_FOCUSABLE in tab.states for tab in tree.find("page tab"))
    # What AT-SPI says follows what the app does: the tab opened is the one selected, and
    # the focus moving to it is an event this listener hears.
    companion.bus.forget_events()
    companion.run("window.tabs.setCurrentIndex(1); window.tabs.tabBar().setFocus()")
    assert STATE_SELECTED in companion.tree().one("page tab", "Catalogue").states
    companion.bus.wait_for_event("StateChanged", lambda body: body[:2] == ("focused", 1))
