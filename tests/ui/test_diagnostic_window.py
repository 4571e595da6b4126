"""The Diagnostic window (issue 10): reached from the status bar when sync fails and from
the Help menu; shows the doctor's findings with what to do; makes the support bundle and
shows its code. In French, as learners see it."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from companion.sync_status import Phase
from tests.auth_helpers import Browser
from tests.sync_helpers import complete_chapters
from tests.ui.conftest import refreshed

from companion.ui.qt import Qt

_SHOTS = os.environ.get("COMPANION_SCREENSHOTS")


def shoot(widget, tmp_path: Path, name: str) -> None:
    folder = Path(_SHOTS) if _SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(folder / f"{name}.png"))


def failing(window) -> bool:
    status = window.sync_indicator.status
    return status is not None and status.phase is Phase.FAILING


def findings_text(controller) -> str:
    items = controller.window.findings
    return "\n".join(items.item(i).text() for i in range(items.count()))


def test_sync_failure_leads_to_the_diagnostic_and_a_support_code(
    platform_env, memory_keyring, make_window, qtbot, tmp_path
):
    window = refreshed(qtbot, make_window())
    window.start()
    view = window.show_account()
    view.open_browser = Browser("camille")
    qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.context.account.saved_account() is not None, timeout=30_000)
    platform_env.faults.set(status=503, path_prefix="/v1/xapi")
    platform_env.oidc.clock_offset_seconds = -2 * 3600  # and this computer two hours ahead
    complete_chapters(window.context.progress(), 2)
    window.sync_now()
    qtbot.waitUntil(lambda: failing(window), timeout=30_000)
    button = window.sync_indicator.diagnostic
    qtbot.waitUntil(button.isVisible, timeout=5_000)
    assert button.text() == "Diagnostic…"
    shoot(window, tmp_path, "status-bar-diagnostic-link")

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    controller = window.diagnostic
    assert controller is not None and controller.window.isVisible()
    qtbot.waitUntil(lambda: controller.diagnosis is not None, timeout=30_000)
    text = findings_text(controller)
    assert "✗ PROBLÈME — L'horloge de cet ordinateur a 2 h d'avance" in text
    assert "→ Réglez la date et l'heure automatiquement" in text
    assert "2 actions attendent d'être envoyées" in text
    assert "Camille" not in text
    assert "✗ PROBLÈME — La dernière synchronisation a échoué : La plateforme rencontre" in text
    assert "2 problème" in controller.window.verdict.text()

    controller.bundle_folder = tmp_path / "bundles"
    qtbot.mouseClick(controller.window.bundle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.bundle is not None, timeout=30_000)
    bundle_made = controller.bundle
    assert bundle_made is not None
    code = bundle_made.code
    assert code in controller.window.bundle_code.text()
    assert controller.window.show_bundle.isVisible()
    with zipfile.ZipFile(bundle_made.path) as bundle:
        assert "doctor.txt" in bundle.namelist()
    controller.window.resize(900, 640)
    shoot(controller.window, tmp_path, "diagnostic-window")


def test_help_menu_opens_the_diagnostic(platform_env, make_window, qtbot):
    window = refreshed(qtbot, make_window())
    actions = [a.text() for a in window.menus.help.actions()]
    assert "&Diagnostic…" in actions
    window.menus.diagnostic_action.trigger()
    controller = window.diagnostic
    assert controller is not None
    qtbot.waitUntil(lambda: controller.diagnosis is not None, timeout=30_000)
    assert "Aucun problème" in controller.window.verdict.text()
    controller.window.close()


def test_about_box_gives_what_support_staff_ask_for(platform_env, make_window, qtbot, monkeypatch):
    from companion.ui import qt

    shown: list[str] = []
    monkeypatch.setattr(qt.QMessageBox, "about", lambda _parent, _title, text: shown.append(text))
    window = make_window()
    window.menus.about_action.trigger()
    (text,) = shown
    assert f"Qt {qt.qVersion()}" in text and "Python 3." in text
    assert "Profil : default" in text
    assert f"Données : {window.context.profile_dir}" in text
    assert "Aide › Diagnostic" in text
