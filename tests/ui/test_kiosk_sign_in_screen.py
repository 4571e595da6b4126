"""What a kiosk's sign-in screen shows between learners (issue 25): one countdown at most,
never stacked over the shared-computer notice after an idle sign-out, and the device code
back, without the red banner, once an unreachable platform answers again."""

from __future__ import annotations

import re

import pytest

from tests.policy_helpers import kiosk_policy, use_policy
from tests.sync_helpers import complete_chapters
from tests.ui.conftest import refreshed
from tests.ui.test_kiosk_window import StoppedClock, approved_on_the_phone
from tests.ui.test_kiosk_window import kiosk_window as kiosk_window  # the fixture

from companion.ui import kiosk as kiosk_module
from companion.ui.qt import QApplication, QEvent, QKeyEvent, QLabel, QRect, Qt
from companion.ui.widgets import idle_watch
from companion.ui.widgets.banner import MessageBanner

COUNTDOWN = re.compile(r"dans \d")  # « … dans 29 s », « Le code expire dans 9:58 »


def on_window(window, widget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def visible_countdowns(window) -> list[QLabel]:
    labels = window.findChildren(QLabel)
    return [label for label in labels if label.isVisible() and COUNTDOWN.search(label.text())]


def the_one_countdown(window) -> str:
    """The text of the only countdown on screen; no banner overlaps another, and the
    countdown overlaps nothing but the banner it is in."""
    countdowns = visible_countdowns(window)
    assert [label.text() for label in countdowns][1:] == []  # exactly one...
    assert len(countdowns) == 1  # ...not none
    banners = [banner for banner in window.findChildren(MessageBanner) if banner.isVisible()]
    for index, banner in enumerate(banners):
        for other in banners[index + 1 :]:
            assert not on_window(window, banner).intersects(on_window(window, other)), (
                banner.text,
                other.text,
            )
    countdown = on_window(window, countdowns[0])
    for banner in banners:
        if not banner.isAncestorOf(countdowns[0]):
            assert not countdown.intersects(on_window(window, banner)), banner.text
    return countdowns[0].text()


def someone_touches(window) -> None:
    key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, key)


def a_new_code(qtbot, view, old: str) -> None:
    qtbot.waitUntil(
        lambda: view.pages.currentWidget() is view.device and view.user_code.text() != old,
        timeout=10_000,
    )


def test_one_countdown_through_idle_sign_outs(kiosk_window, qtbot, monkeypatch):
    """Issue 25: after an idle sign-out, the untouched sign-in screen counted down again
    (« Cet écran revient à l'accueil dans … s ») over the shared-computer notice, beside
    the code's own « expire dans » — every idle period, with nothing left to forget."""
    clock = StoppedClock()
    monkeypatch.setattr(idle_watch, "time", clock)
    window = kiosk_window
    kiosk = window.kiosk(idle_seconds=60)  # the countdown starts 30 s before the end
    view = window.account_view
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
    assert "Le code expire dans" in the_one_countdown(window)

    approved_on_the_phone(view, qtbot, "karim")
    qtbot.wait(300)
    clock.advance(qtbot, 31)
    assert the_one_countdown(window) == "Vous serez déconnecté dans 29 s."
    with qtbot.waitSignal(view.learner_signed_out, timeout=20_000):
        clock.advance(qtbot, 30)  # nobody comes back: signed out, wiped
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
    code = view.user_code.text()
    assert window.notice.isVisible() and "Ordinateur partagé" in window.notice.text

    for _period in range(2):  # the screen stays untouched: nothing to count down to
        clock.advance(qtbot, 31)
        assert "Le code expire dans" in the_one_countdown(window)
        assert kiosk.countdown.isHidden()
        clock.advance(qtbot, 31)
        assert view.user_code.text() == code  # the code on screen stays for who comes

    someone_touches(window)  # a passer-by: what they did is forgotten when they leave
    clock.advance(qtbot, 31)
    assert the_one_countdown(window) == "Cet écran revient à l'accueil dans 29 s."
    clock.advance(qtbot, 30)
    a_new_code(qtbot, view, code)
    assert "Le code expire dans" in the_one_countdown(window)

    approved_on_the_phone(view, qtbot, "camille")
    qtbot.wait(300)
    clock.advance(qtbot, 31)
    assert the_one_countdown(window) == "Vous serez déconnecté dans 29 s."
    with qtbot.waitSignal(view.learner_signed_out, timeout=20_000):
        clock.advance(qtbot, 30)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
    clock.advance(qtbot, 31)
    assert "Le code expire dans" in the_one_countdown(window)


def test_an_unused_kiosk_asks_for_a_new_code_when_its_code_expires(kiosk_window, qtbot):
    """No idle countdown renews the code of an untouched screen any more: its expiry does."""
    window = kiosk_window
    kiosk = window.kiosk(idle_seconds=600)
    view = window.account_view
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
    code = view.user_code.text()
    view.code_expires_at = 0.0  # as if ten minutes had gone by with nobody there
    kiosk.retry_sign_in()
    a_new_code(qtbot, view, code)

    window.show_catalogue()  # someone reads the catalogue without signing in
    code = view.user_code.text()
    view.code_expires_at = 0.0
    kiosk.retry_sign_in()
    a_new_code(qtbot, view, code)
    assert window.current_tab() == "catalogue"  # renewed behind it, not pulled away


@pytest.mark.parametrize("when", ["at start", "while the code is shown"])
def test_the_red_banner_goes_once_the_platform_answers_again(
    when, platform_env, companion_home, monkeypatch, make_window, qtbot
):
    """Issue 25: the red « injoignable » banner stayed on the kiosk's sign-in screen after
    the platform was back. Here the system's network never changes (the platform, not the
    network, was down): the screen asks again by itself, within its retry interval."""
    assert kiosk_module.SIGN_IN_RETRY_MS <= 20_000  # what a learner in front of it waits
    use_policy(companion_home, monkeypatch, kiosk_policy(idle_minutes=1))
    platform_env.oidc.device_interval = 1
    window = refreshed(qtbot, make_window())
    if when == "at start":
        platform_env.faults.set(status=503)
    window.start()
    kiosk = window.kiosk(idle_seconds=600)
    kiosk.retry.setInterval(2_000)  # the test's patience, not the product's
    view = window.account_view
    if when != "at start":
        qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
        platform_env.faults.set(status=503)  # down while the code waits for the phone
    qtbot.waitUntil(view.banner.isVisible, timeout=20_000)
    assert view.pages.currentWidget() is view.signed_out
    platform_env.faults.clear()
    qtbot.waitUntil(
        lambda: view.pages.currentWidget() is view.device and not view.banner.isVisible(),
        timeout=10_000,
    )
    assert view.user_code.text() and visible_countdowns(window)
    qtbot.wait(3_000)  # a retry later: still the code, no banner back
    assert view.pages.currentWidget() is view.device and not view.banner.isVisible()


def test_no_second_countdown_while_a_slow_idle_sign_out_sends(
    kiosk_window, platform_env, qtbot, monkeypatch
):
    """Issue 25: on a slow line the idle sign-out (sending the progress, then revoking)
    outlasted the countdown; « Vous serez déconnecté dans 29 s » came back over the
    signed-out learner's screen, then a second sign-out started beside the first."""
    clock = StoppedClock()
    monkeypatch.setattr(idle_watch, "time", clock)
    window = kiosk_window
    kiosk = window.kiosk(idle_seconds=60)
    view = window.account_view
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
    approved_on_the_phone(view, qtbot, "karim")
    qtbot.wait(300)
    complete_chapters(window.context.progress(), 1)
    sign_outs: list[bool] = []
    view.signing_out.connect(lambda: sign_outs.append(True))
    platform_env.faults.set(latency_ms=6_000)  # every answer takes 6 s
    clock.advance(qtbot, 60)  # the idle time is over: the sign-out starts, slowly
    assert sign_outs == [True] and view.account is not None
    # Meanwhile nothing of Karim shows to the next person (it stayed visible, clickable).
    assert window.tabs.isHidden() and kiosk.leaving.isVisible()
    shown = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    assert not any("Karim" in text or "@" in text for text in shown), shown
    clock.advance(qtbot, 31)
    assert visible_countdowns(window) == [] and kiosk.countdown.isHidden()
    clock.advance(qtbot, 30)  # another idle period while it still sends
    assert sign_outs == [True]
    platform_env.faults.clear()
    with qtbot.waitSignal(view.learner_signed_out, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
    assert "Le code expire dans" in the_one_countdown(window)
    assert sign_outs == [True]
    assert window.tabs.isVisible() and kiosk.leaving.isHidden()


def test_the_retries_leave_an_anonymous_reader_where_they_are(
    platform_env, companion_home, monkeypatch, make_window, qtbot
):
    """The sign-in screen's retries went through the kiosk's home: whoever read the
    catalogue without signing in while the platform was down was pulled to the account
    tab every 20 s."""
    use_policy(companion_home, monkeypatch, kiosk_policy(idle_minutes=1))
    platform_env.oidc.device_interval = 1
    window = refreshed(qtbot, make_window())
    platform_env.faults.set(status=503)
    window.start()
    kiosk = window.kiosk(idle_seconds=600)
    kiosk.retry.setInterval(1_000)
    view = window.account_view
    qtbot.waitUntil(view.banner.isVisible, timeout=20_000)
    window.show_catalogue()
    qtbot.wait(2_500)  # two retries, still down
    assert window.current_tab() == "catalogue"
    platform_env.faults.clear()
    qtbot.waitUntil(
        lambda: view.pages.currentWidget() is view.device and view.banner.isHidden(),
        timeout=10_000,
    )
    assert view.user_code.text() and window.current_tab() == "catalogue"


def test_waiting_for_a_code_is_not_called_finishing_in_a_browser(kiosk_window, platform_env, qtbot):
    """While the platform is slow to give a code (each new code, every retry of an
    outage), a device-only kiosk said « Terminez la connexion dans votre navigateur… »."""
    window = kiosk_window
    kiosk = window.kiosk(idle_seconds=600)
    view = window.account_view
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
    platform_env.faults.set(latency_ms=3_000, path_prefix="/oauth/device")
    view.code_expires_at = 0.0
    kiosk.retry_sign_in()
    qtbot.wait(500)
    assert view.pages.currentWidget() is view.waiting
    assert "navigateur" not in view.waiting_text.text()
    assert "code" in view.waiting_text.text()
