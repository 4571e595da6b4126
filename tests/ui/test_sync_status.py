"""The sync state in the status bar, with the engine syncing to the sandbox over HTTP."""

from __future__ import annotations

from companion.sync_status import Phase
from tests.auth_helpers import Browser
from tests.sync_helpers import complete_chapters
from tests.ui.conftest import refreshed

from companion.ui.qt import QMessageBox, Qt


def phase_is(window, phase, pending=None):
    status = window.sync_indicator.status
    return status is not None and status.phase is phase and pending in (None, status.pending)


def test_progress_made_before_sign_in_is_sent_after_it(
    platform_env, memory_keyring, make_window, qtbot, tmp_path
):
    window = refreshed(qtbot, make_window())
    window.start()
    qtbot.waitUntil(lambda: phase_is(window, Phase.SIGNED_OUT), timeout=20_000)
    complete_chapters(window.context.progress(), 2)  # studied before signing in
    qtbot.waitUntil(lambda: phase_is(window, Phase.SIGNED_OUT, 2), timeout=10_000)
    assert "2 actions à envoyer" in window.sync_indicator.text
    assert "connectez-vous" in window.sync_indicator.text
    view = window.show_account()
    view.open_browser = Browser("camille")
    qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
    # Nobody had signed in on this profile: the first learner is asked, never assumed.
    qtbot.waitUntil(lambda: window.ownership.claim_box is not None, timeout=30_000)
    assert "2 actions" in window.ownership.claim_box.text()
    window.grab().save(str(tmp_path / "claim.png"))
    window.ownership.claim_box.button(QMessageBox.StandardButton.Yes).click()
    # A sync may end (idle, nothing of Camille's own waiting) just before the claim hands
    # her the two actions; the next one sends them: wait for that, not the first idle.
    qtbot.waitUntil(
        lambda: platform_env.statements.count() == 2 and phase_is(window, Phase.IDLE, 0),
        timeout=30_000,
    )
    assert "Dernière synchronisation" in window.sync_indicator.text
    window.grab().save(str(tmp_path / "synced.png"))


def test_a_failing_sync_says_why_with_a_reference_and_sync_now_retries(
    platform_env, memory_keyring, make_window, qtbot, tmp_path
):
    window = refreshed(qtbot, make_window())
    view = window.show_account()
    view.open_browser = Browser("camille")
    with qtbot.waitSignal(view.account_changed, timeout=20_000):
        qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
    platform_env.faults.set(status=500, path_prefix="/v1/xapi")
    window.start()
    qtbot.waitUntil(lambda: window.context.sync is not None, timeout=10_000)
    complete_chapters(window.context.progress(), 1)
    qtbot.waitUntil(lambda: phase_is(window, Phase.FAILING, 1), timeout=20_000)
    indicator = window.sync_indicator
    assert "Échec de la synchronisation" in indicator.text
    assert "1 action à envoyer" in indicator.text
    assert "prochain essai" in indicator.text
    assert "Référence : " in indicator.toolTip()
    window.grab().save(str(tmp_path / "failing.png"))
    platform_env.faults.clear()
    qtbot.mouseClick(indicator.button, Qt.MouseButton.LeftButton)  # "Synchroniser"
    qtbot.waitUntil(lambda: phase_is(window, Phase.IDLE, 0), timeout=20_000)
    assert platform_env.statements.count() == 1


def test_the_network_coming_back_syncs_at_once(platform_env, memory_keyring, make_window, qtbot):
    from companion.ui import qt

    window = refreshed(qtbot, make_window())
    view = window.show_account()
    view.open_browser = Browser("camille")
    with qtbot.waitSignal(view.account_changed, timeout=20_000):
        qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
    window.start_sync()
    # The first sync done, not merely the engine's initial "nothing to send": otherwise
    # it could run after the actions below and send them (a fresh-clone CI run did).
    qtbot.waitUntil(
        lambda: (
            window.context.sync is not None
            and window.context.sync.syncs >= 1
            and phase_is(window, Phase.IDLE, 0)
        ),
        timeout=20_000,
    )
    engine = window.context.sync
    assert engine is not None
    engine.debounce = 3600  # no sync on change: only the network's return may start one
    reachability = qt.QNetworkInformation.Reachability
    window.network.reachability_changed(reachability.Disconnected)  # as the system reports it
    complete_chapters(window.context.progress(), 3)
    qtbot.waitUntil(lambda: phase_is(window, Phase.IDLE, 3), timeout=10_000)
    before = engine.syncs
    window.network.reachability_changed(reachability.Online)
    qtbot.waitUntil(
        lambda: engine.syncs > before and phase_is(window, Phase.IDLE, 0), timeout=20_000
    )
    assert platform_env.statements.count() == 3
