"""The first window, offscreen, against the real sandbox over HTTP."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import unused_port
from tests.ui.conftest import refreshed

from companion.ui.qt import QColor, QStatusBar
from companion.ui.widgets.connection_indicator import ConnectionState


def test_the_window_lists_the_catalogue_in_french(platform_env, make_window, qtbot, tmp_path):
    window = refreshed(qtbot, make_window())
    window.show_catalogue()  # the home view comes first
    view = window.catalog_view
    assert view.model.rowCount() == 4
    titles = {view.model.index(row).data() for row in range(4)}
    assert "Les bases de la sécurité sur un chantier" in titles
    assert window.connection.state is ConnectionState.ONLINE
    assert window.connection.text == "En ligne"
    assert view.banner.isHidden()
    assert window.windowTitle() == "Companion — étudier hors ligne"
    assert "4 formations disponibles" in view.subtitle.text()
    assert window.statusBar().isVisible()
    shot = window.grab()
    path = Path(tmp_path) / "catalogue.png"
    assert shot.save(str(path))
    image = shot.toImage()
    colours = {
        QColor(image.pixel(x, y)).name()
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20, "the window painted text and cards, not a blank surface"


def test_the_gui_thread_does_not_wait_for_the_network(platform_env, make_window, qtbot):
    platform_env.faults.set(latency_ms=1500, path_prefix="/v1/catalog")
    window = make_window()
    window.refresh_catalog()
    # Had refresh blocked on HTTP, the courses would be there already.
    assert window.catalog_view.model.rowCount() == 0
    assert window.connection.state is ConnectionState.CONNECTING
    qtbot.waitUntil(lambda: window.catalog_view.model.rowCount() == 4, timeout=20_000)


def test_unreachable_platform_shows_a_clear_message_and_retry_works(
    platform_env, make_window, qtbot
):
    platform_env.faults.set(status=503, retry_after=0)
    window = refreshed(qtbot, make_window())
    window.show_catalogue()
    banner = window.catalog_view.banner
    assert banner.isVisible()
    assert banner.text == "La plateforme rencontre des difficultés en ce moment."
    assert "Référence" in banner.details
    assert window.connection.state is ConnectionState.OFFLINE
    platform_env.faults.clear()
    with qtbot.waitSignal(window.catalog_shown, timeout=20_000):
        qtbot.mouseClick(banner.action_button, qtbot_left_button())
    assert window.catalog_view.model.rowCount() == 4
    assert banner.isHidden()


def test_no_platform_at_all(monkeypatch, make_window, qtbot):
    monkeypatch.setenv("COMPANION_PLATFORM_API_URL", f"http://127.0.0.1:{unused_port()}")
    monkeypatch.setenv("COMPANION_NETWORK_RETRIES", "0")
    window = refreshed(qtbot, make_window())
    assert window.catalog_view.banner.text == "La plateforme est injoignable."
    assert window.connection.text == "Hors ligne"


def test_offline_start_shows_the_saved_catalogue(platform_env, make_window, qtbot):
    refreshed(qtbot, make_window())
    platform_env.faults.set(status=503, retry_after=0)
    window = refreshed(qtbot, make_window())
    assert window.catalog_view.model.rowCount() == 4
    assert window.catalog_view.banner.text.startswith("Hors ligne")
    assert window.catalog_view.updated.text().startswith("Copie enregistrée le")


def test_switching_to_english_relabels_everything_and_is_remembered(
    platform_env, make_window, qtbot
):
    window = refreshed(qtbot, make_window())
    window.set_language("en")
    assert window.windowTitle() == "Companion — study offline"
    assert window.connection.text == "Online"
    assert window.menus.file.title() == "&File"
    assert "4 courses available" in window.catalog_view.subtitle.text()
    assert window.context.settings.get("ui.language") == "en"
    window.set_language("fr")
    assert window.menus.file.title() == "&Fichier"


def qtbot_left_button():
    from companion.ui.qt import Qt

    return Qt.MouseButton.LeftButton


def test_a_name_typed_in_the_profile_picker_is_created(platform_env, make_window, monkeypatch):
    from companion.paths import Paths

    from companion.ui import qt

    Paths.default().open_profile("atelier", create=True)
    window = make_window()
    started: list[list[str]] = []
    monkeypatch.setattr(qt.QProcess, "startDetached", lambda _program, args: started.append(args))
    for typed in ("atelier", "nouveau"):
        monkeypatch.setattr(qt.QInputDialog, "getItem", lambda *_a, name=typed: (name, True))
        window.profiles.switch()
    assert started == [
        ["-m", "companion", "--profile", "atelier"],
        ["-m", "companion", "--profile", "nouveau", "--create-profile"],
    ]


def test_a_broken_settings_file_is_shown_and_a_language_switch_keeps_it(
    platform_env, make_window, companion_home, monkeypatch
):
    from companion.ui import qt

    broken = '# the proxy\n[network]\nproxy = "http://proxy:3128"\ntimeout_seconds = = 9\n'
    settings_file = companion_home / "config" / "settings.toml"
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(broken, encoding="utf-8")
    window = make_window()
    assert window.settings_banner.isVisible()
    assert window.settings_banner.text == "Certains de vos réglages ne sont pas utilisés."
    assert f"{settings_file} contient une erreur à la ligne 4" in window.settings_banner.details
    _keep_screenshot(window, "broken-settings-banner")
    told: list[str] = []
    monkeypatch.setattr(qt.QMessageBox, "information", lambda _w, text, _hint: told.append(text))
    window.set_language("en")
    assert told and "ligne 4" in told[0]
    assert settings_file.read_text(encoding="utf-8") == broken


# Read at import: each test's environment is cleared of COMPANION_ variables.
_SHOTS = os.environ.get("COMPANION_SCREENSHOTS")


def _keep_screenshot(widget, name: str) -> None:
    """For a person to look at: COMPANION_SCREENSHOTS=/some/folder keeps them."""
    if _SHOTS:
        Path(_SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(_SHOTS) / f"{name}.png"))


def test_the_window_makes_one_status_bar(platform_env, make_window):
    """PySide6's setStatusBar() asks for the window's bar first, which makes one: a second
    bar and its size grip were made at every start, only to be thrown away (issue 14)."""
    window = make_window()
    bars = window.findChildren(QStatusBar)
    assert bars == [window.statusBar()]
    assert window.sync_indicator.parent() is window.statusBar()


def test_menus_made_after_the_first_paint_keep_what_was_asked_before(platform_env, qtbot, qapp):
    """The learner's start makes the menus' actions once the first view has painted (issue
    14): the menu bar shows its titles at once, and a kiosk's "no profile switching", asked
    before, holds once the actions are made."""
    from companion.app.context import AppContext

    from companion.ui.app import create_application
    from companion.ui.main_window import MainWindow

    create_application([])
    context = AppContext.create()
    try:
        window = MainWindow(context, menus_after_first_paint=True)
        qtbot.addWidget(window)
        titles = [entry.text() for entry in window.menuBar().actions()]
        assert titles == ["&Fichier", "Affic&hage", "&Aide"]
        assert not window.menus.file.actions()
        window.profile_switching(False)  # as the kiosk asks, before the paint
        window.start(None)
        window.show()
        qtbot.waitUntil(lambda: bool(window.menus.file.actions()), timeout=10_000)
        assert not window.menus.profile_action.isVisible()
        assert window.menus.refresh_action.shortcut().toString() == "F5"
        assert window.menus.sync_action.text() == "&Synchroniser la progression maintenant"
    finally:
        context.close()
