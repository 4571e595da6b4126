"""Issue 13: the sign-in waiting screens and the activation say what is going on."""

from __future__ import annotations

import threading

from tests.auth_helpers import Browser, approve_device
from tests.ui.account_fixtures import signed_out_window as signed_out_window  # a fixture

from companion.ui.qt import QGuiApplication, Qt


def test_no_browser_opened_the_link_is_shown_and_copied(signed_out_window, qtbot):
    view = signed_out_window.account_view
    view.open_browser = lambda url: False  # no browser on this computer
    qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.copy_link_button.isVisible, timeout=10_000)
    url = view.waiting_url.text()
    assert url.startswith("http") and "code_challenge" in url
    assert view.waiting_url.isReadOnly()  # selectable and copied, not editable
    assert view.copy_link_button.text() == "Copier le lien"
    qtbot.mouseClick(view.copy_link_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == url
    view.cancel_sign_in()


def test_no_browser_the_link_stays_until_the_learner_signs_in_through_it(signed_out_window, qtbot):
    view = signed_out_window.account_view
    view.open_browser = lambda url: False  # the system says no browser could be opened
    qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: view.waiting_text.text().startswith("Aucun navigateur web n'a pu être ouvert"),
        timeout=10_000,
    )
    qtbot.wait(1_000)  # the flow goes on waiting: no error, no going back
    assert view.pages.currentWidget() is view.waiting
    assert not view.banner.isVisible()
    assert view.copy_link_button.isVisible() and view.waiting_url.isVisible()
    assert "Copiez le lien" in view.waiting_text.text()
    url = view.waiting_url.text()
    browser = Browser("camille")  # the learner pastes the link into a browser by hand
    with qtbot.waitSignal(view.learner_signed_in, timeout=20_000):
        threading.Thread(target=browser._drive, args=(url,), daemon=True).start()
    assert not browser.errors
    assert view.pages.currentWidget() is view.signed_in


def test_no_browser_cancel_goes_back_to_the_sign_in_page(signed_out_window, qtbot):
    view = signed_out_window.account_view
    view.open_browser = lambda url: False
    qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.copy_link_button.isVisible, timeout=10_000)
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    assert view.pages.currentWidget() is view.signed_out
    qtbot.wait(500)
    assert not view.banner.isVisible()  # a cancel is shown to nobody


def test_the_device_code_counts_down_and_activation_is_confirmed(signed_out_window, qtbot):
    view = signed_out_window.account_view
    qtbot.mouseClick(view.device_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.device, timeout=10_000)
    first = view.device_expiry.text()
    assert first.startswith("Le code expire dans ")
    qtbot.waitUntil(lambda: view.device_expiry.text() != first, timeout=3_000)  # each second
    code = view.user_code.text()
    with qtbot.waitSignal(view.account_changed, timeout=20_000):
        threading.Thread(
            target=approve_device, args=(f"{view.device_url.text()}?user_code={code}", "karim")
        ).start()
    view.job_seeker_id.setText("1234567K")
    with qtbot.waitSignal(view.account_changed, timeout=20_000):
        qtbot.mouseClick(view.activate_button, Qt.MouseButton.LeftButton)
    assert view.banner.isVisible()
    assert view.banner.text == "Votre accès premium est activé."


def test_the_sign_in_address_never_widens_the_window(signed_out_window, qtbot):
    """Issue 25: shown as a label, the browser sign-in's address (one unbroken run of 300
    to 700 characters) became the window's minimum width — 1,008 to 2,123 px — kept after
    the sign-in, with *Reprendre* and *Synchroniser* off a 1,280 px screen."""
    view = signed_out_window.account_view
    view.open_browser = lambda url: False  # the address is shown, to be copied
    qtbot.mouseClick(view.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.copy_link_button.isVisible, timeout=10_000)
    view._show_sign_in_url(view.waiting_url.text() + "&state=" + "x" * 1500)
    assert signed_out_window.minimumSizeHint().width() <= 1024
    signed_out_window.resize(1024, 600)
    qtbot.wait(50)
    assert signed_out_window.width() == 1024
    view.cancel_sign_in()
