"""Typing in the library's search runs one search once the learner pauses, not one per
keystroke; a search typed over is not run if its turn has not come, and its hits are
never shown (issue 28: typing "securite chantier" queued 2.8 s of searches at 100,000 chapters)."""

from __future__ import annotations

import threading

from companion.services.library import LibraryService, SearchHit
from tests.ui.conftest import refreshed


def test_typing_runs_one_search_once_the_learner_pauses(
    platform_env, make_window, qtbot, monkeypatch
):
    searched: list[str] = []
    search = LibraryService.search

    def counted(self: LibraryService, text: str, limit: int = 20) -> list[SearchHit]:
        searched.append(text)
        return search(self, text, limit)

    monkeypatch.setattr(LibraryService, "search", counted)
    window = refreshed(qtbot, make_window())
    view = window.library_view
    window.show_library()
    qtbot.keyClicks(view.search, "securite chantier")
    qtbot.waitUntil(lambda: searched == ["securite chantier"], timeout=5_000)
    qtbot.wait(400)
    assert searched == ["securite chantier"]


def test_the_hits_of_a_search_typed_over_are_never_shown(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    controller = window.library_view.controller
    shown: list[list[SearchHit]] = []
    controller.hits_found.connect(shown.append)
    ran: list[str] = []
    gate = threading.Event()
    library = controller.library

    class Slow:
        def search(self, text: str) -> list[SearchHit]:
            ran.append(text)
            gate.wait(5)
            return [SearchHit("c", text, text, "")]

    controller.library = Slow  # type: ignore[assignment]
    controller.search("secu")  # running: typed over while it runs
    qtbot.waitUntil(lambda: ran == ["secu"], timeout=5_000)
    controller.search("securi")  # typed over before its hits come
    controller.search("securite")
    gate.set()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5_000)
    qtbot.wait(200)
    assert [hits[0].chapter_id for hits in shown] == ["securite"]
    controller.library = library
