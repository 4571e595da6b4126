"""The account screen offscreen, signing in against the sandbox's provider over HTTP."""

from __future__ import annotations

import threading

import keyring
import pytest

from tests.auth_helpers import Browser, MemoryKeyring, approve_device
from tests.ui.conftest import refreshed

from companion.ui.qt import Qt


@pytest.fixture
def no_keyring():
    """A machine without any keyring backend, as on many kiosks and servers."""
    import keyring.backends.fail

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def window(platform_env, make_window, qtbot):
    platform_env.oidc.device_interval = 1
    created = refreshed(qtbot, make_window())
    view = created.show_account()  # built now; it looks for a saved account on a worker
    with qtbot.waitSignal(view.account_changed, timeout=10_000):
        pass  # that first answer must not be mistaken for the sign-in's below
    assert view.pages.currentWidget() is view.signed_out
    return created


def test_device_sign_in_activation_and_sign_out(no_keyring, window, qtbot, tmp_path):
    view = window.account_view
    qtbot.mouseClick(view.device_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
    code = view.user_code.text()
    assert len(code) >= 8 and not view.qr.pixmap().isNull()
    assert view.qr.accessibleName().startswith("QR code")  # issue 27: it had no name
    assert "/device" in view.qr.accessibleName()
    assert view.device_url.text().endswith("/device")
    window.grab().save(str(tmp_path / "device.png"))
    with qtbot.waitSignal(view.account_changed, timeout=20_000):
        threading.Thread(
            target=approve_device, args=(f"{view.device_url.text()}?user_code={code}", "karim")
        ).start()
    assert view.name.text() == "Karim Benali"
    assert "En attente d'activation" in view.entitlements.text()
    assert view.activation.isVisible()
    # Without a keyring the learner is told that sign-in will not be remembered.
    qtbot.waitUntil(view.session_note.isVisible, timeout=10_000)
    assert "trousseau" in view.session_note.text()
    view.job_seeker_id.setText("12")
    with qtbot.waitSignal(view.account_changed, timeout=20_000):
        qtbot.mouseClick(view.activate_button, Qt.MouseButton.LeftButton)
    assert "7 chiffres" in view.banner.text
    assert "Référence" not in view.banner.details and "CMP-" not in view.banner.details
    view.job_seeker_id.setText("1234567K")
    with qtbot.waitSignal(view.account_changed, timeout=20_000):
        qtbot.mouseClick(view.activate_button, Qt.MouseButton.LeftButton)
    assert "Actif du" in view.entitlements.text()
    assert not view.activation.isVisible()
    window.grab().save(str(tmp_path / "signed-in.png"))
    with qtbot.waitSignal(view.account_changed, timeout=20_000):
        qtbot.mouseClick(view.sign_out_button, Qt.MouseButton.LeftButton)
    assert view.pages.currentWidget() is view.signed_out


def test_browser_sign_in_and_the_account_after_a_restart(window, qtbot, make_window):
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        view = window.account_view
        view.open_browser = Browser("camille")
        with qtbot.waitSignal(view.account_changed, timeout=20_000):
            qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
        assert view.name.text() == "Camille Martin"
        qtbot.waitUntil(lambda: not view.session_note.isVisible(), timeout=5_000)
        restarted = make_window()
        with qtbot.waitSignal(restarted.account_view.account_changed, timeout=20_000):
            restarted.start()
        assert restarted.account_view.name.text() == "Camille Martin"
    finally:
        keyring.set_keyring(previous)


def test_consent_refused_is_explained(window, qtbot):
    view = window.account_view
    view.open_browser = Browser("camille", decision="deny")
    with qtbot.waitSignal(view.account_changed, timeout=20_000):
        qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
    assert view.banner.text == "Vous n'avez pas autorisé Companion à accéder à votre compte."
    assert view.pages.currentWidget() is view.signed_out


def test_a_new_sign_in_stops_the_one_still_waiting(window, qtbot):
    """A kiosk going back to its start screen shows a new code: the worker polling for the
    old one must stop, or two of them held every background thread (all work stalled)."""
    view = window.account_view
    view.sign_in_with_device()
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
    first = view.wait_stop
    view.sign_in_with_device()
    assert first.is_set()
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
    window.close()
    assert view.wait_stop.is_set()  # nothing goes on waiting behind a closed window


def test_the_signed_in_account_keeps_no_room_for_other_pages(
    platform_env, memory_keyring, make_window, qtbot
):
    """Issue 25: signed in, the tab kept the height of its QR-code page and the next part
    (other sites) spread its lines over the room left: a void a third of the screen high."""
    from tests.ui.conftest import signed_in_from_account_tab

    window = signed_in_from_account_tab(qtbot, refreshed(qtbot, make_window()))
    account = window.account_view
    window.resize(1024, 600)
    qtbot.wait(100)
    page, sites = account.pages.currentWidget(), window.sites_panel
    assert page is not None and page is not account.device
    needed = page.heightForWidth(page.width())
    assert account.pages.height() <= max(needed, page.sizeHint().height()) + 2
    gap = sites.mapTo(account, sites.rect().topLeft()).y()
    gap -= account.pages.mapTo(account, account.pages.rect().bottomLeft()).y()
    assert gap < 40, gap  # the next part right under the account
    assert sites.height() <= sites.sizeHint().height() + 2, (sites.height(), sites.sizeHint())
