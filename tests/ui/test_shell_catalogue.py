"""Issue 13: the catalogue's primary action, its search, and its markers in words."""

from __future__ import annotations

from tests.ui.conftest import refreshed

from companion.ui.qt import Qt
from companion.ui.views.catalog_model import EntryRole, MarkersRole


def rows(view):
    return [view.model.index(row) for row in range(view.model.rowCount())]


def test_a_visible_add_button_search_and_markers(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    window.show_catalogue()
    view = window.catalog_view
    button = view.add_button
    assert button.isVisible() and button.isEnabled()
    assert button.text() == "Ajouter à ma bibliothèque"
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    premium = [i for i in rows(view) if i.data(EntryRole).premium]
    assert premium, "the sample catalogue has a premium course"
    assert all("★ Premium" in i.data(MarkersRole) for i in premium)
    assert all("Premium" in i.data(Qt.ItemDataRole.AccessibleDescriptionRole) for i in premium)
    # Search, accents or not: one course left, the others back when cleared.
    assert view.search.isVisible()
    qtbot.keyClicks(view.search, "securite chantier")
    assert view.model.rowCount() == 1
    course = view.model.index(0).data(EntryRole)
    assert course.title == "Les bases de la sécurité sur un chantier"
    view.search.setText("zzz introuvable")
    assert view.model.rowCount() == 0
    assert "Effacez la recherche" in view.placeholder.text()
    assert view.placeholder.isVisible()
    view.search.clear()
    assert view.model.rowCount() == 4
    # The keyboard alone: choose the course, then the primary action.
    view.list.setFocus()
    view.list.setCurrentIndex(view.model.index(view.model.row_of(course.id)))
    assert course.title in view.hint.text()
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert window.current_tab() == "library"
    # Back in the catalogue the course says it is in the library, in words.
    window.show_catalogue()
    index = view.model.index(view.model.row_of(course.id))
    qtbot.waitUntil(lambda: "✓ Dans ma bibliothèque" in index.data(MarkersRole), timeout=10_000)
    assert view.add_button.text() == "Ouvrir dans ma bibliothèque"
    refreshed(qtbot, window)  # the saved library list marks it after a refresh too
    qtbot.waitUntil(
        lambda: (
            "✓ Dans ma bibliothèque"
            in view.model.index(view.model.row_of(course.id)).data(MarkersRole)
        ),
        timeout=10_000,
    )
