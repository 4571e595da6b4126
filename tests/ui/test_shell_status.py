"""Issue 13: the status bar speaks with one voice about the platform being reachable."""

from __future__ import annotations

from companion.sync_status import Phase
from tests.sync_helpers import complete_chapters
from tests.ui.conftest import refreshed, signed_in_from_account_tab

from companion.ui.widgets.connection_indicator import ConnectionState


def phase_is(window, phase, pending=None):
    status = window.sync_indicator.status
    return status is not None and status.phase is phase and pending in (None, status.pending)


def signed_in(window, qtbot):
    signed_in_from_account_tab(qtbot, window)
    window.show_catalogue()
    return window


def test_a_successful_sync_means_online(platform_env, memory_keyring, make_window, qtbot):
    platform_env.faults.set(status=503, path_prefix="/v1/catalog")
    window = signed_in(window=refreshed(qtbot, make_window()), qtbot=qtbot)
    assert window.connection.text == "Hors ligne"  # the catalogue did not come
    window.start_sync()
    qtbot.waitUntil(lambda: phase_is(window, Phase.IDLE, 0), timeout=20_000)
    qtbot.waitUntil(lambda: window.sync_indicator.status.last_success is not None, timeout=5_000)
    assert window.connection.state is ConnectionState.ONLINE
    assert window.connection.text == "En ligne"
    assert "Hors ligne" not in window.sync_indicator.text


def test_a_sync_that_cannot_reach_the_platform_means_offline(
    platform_env, memory_keyring, make_window, qtbot
):
    window = signed_in(refreshed(qtbot, make_window()), qtbot)
    assert window.connection.text == "En ligne"
    platform_env.faults.set(drop_after_bytes=0, path_prefix="/v1/xapi")
    window.start_sync()
    qtbot.waitUntil(lambda: window.context.sync is not None, timeout=10_000)
    complete_chapters(window.context.progress(), 1)
    window.sync_now()
    qtbot.waitUntil(lambda: phase_is(window, Phase.OFFLINE), timeout=30_000)
    # Said once, by the dot; the sync line says what it means for the learner's work, with
    # no reference for an expected situation (issue 25: "Hors ligne" twice, and 32 hex).
    assert "Progression gardée sur cet ordinateur" in window.sync_indicator.text
    assert "Hors ligne" not in window.sync_indicator.text
    assert "réf." not in window.sync_indicator.text
    assert window.sync_indicator.status.reference in window.sync_indicator.toolTip()
    assert window.connection.state is ConnectionState.OFFLINE
    assert window.connection.text == "Hors ligne"
    # The platform answers the catalogue again: both say so, neither says offline.
    platform_env.faults.clear()
    refreshed(qtbot, window)
    assert window.connection.text == "En ligne"
    assert "Hors ligne" not in window.sync_indicator.text


def test_only_a_sync_of_this_session_counts_as_reaching_the_platform(qtbot):
    """The first sync can report IDLE before the window has seen it start (a flaky run
    stayed "Hors ligne" after a successful sync); a success time saved yesterday must not
    turn the dot green at start either."""
    import time

    from companion.sync_status import SyncStatus

    from companion.ui.widgets.connection_indicator import ConnectionIndicator, Reachability
    from companion.ui.widgets.sync_indicator import SyncIndicator

    connection, sync = ConnectionIndicator(), SyncIndicator()
    qtbot.addWidget(connection)
    qtbot.addWidget(sync)
    reachability = Reachability(connection, sync)
    reachability.catalogue_answered(False)
    yesterday = time.time() - 86400
    reachability.sync_reported(SyncStatus(Phase.IDLE, 0, 0, yesterday))
    assert connection.state is ConnectionState.OFFLINE  # nothing reached the platform today
    reachability.sync_reported(SyncStatus(Phase.IDLE, 0, 0, time.time()))  # SYNCING unseen
    assert connection.state.value == ConnectionState.ONLINE.value  # (mypy narrows "is")


def test_a_long_status_is_shortened_once_the_first_paint_is_done(qtbot, monkeypatch):
    """Shortening with "…" needs Qt's namespace (issue 14): before the first paint the line
    is shown clipped at the label's edge, and shortened right after that paint."""
    from companion.ui import qt
    from companion.ui.widgets.sync_indicator import ElidedLabel

    monkeypatch.setattr(qt, "namespace_ready", lambda: False)
    label = ElidedLabel(minimum=40)
    qtbot.addWidget(label)
    text = "Progression enregistrée sur cet ordinateur · connectez-vous pour la synchroniser"
    label.set_full_text(text)
    label.resize(120, 20)
    label.show()
    qtbot.waitExposed(label)
    assert label.text() == text  # clipped, not shortened yet
    assert label.toolTip() == text and label.accessibleName() == text  # whole, as its name
    monkeypatch.undo()  # the window's first paint is done: it sets the namespace up
    qt.set_up_namespace()
    assert label.text().endswith("…") and len(label.text()) < len(text)
    label.resize(2000, 20)
    qtbot.waitUntil(lambda: label.text() == text)  # room again: whole


def test_the_usual_profile_is_not_named_in_the_status_bar(make_window, qtbot):
    """Issue 25: five items crowded the status bar, one of them "Profil : default"."""
    from companion.app.context import AppContext

    from companion.ui.main_window import MainWindow

    window = make_window()
    assert window.profile_label.isHidden()
    context = AppContext.create(profile="karim")
    try:
        other = MainWindow(context)
        qtbot.addWidget(other)
        other.show()
        assert other.profile_label.isVisible() and "karim" in other.profile_label.toolTip()
    finally:
        context.close()
