"""The first-run welcome (issue 13): shown on a profile's first start only, the platform
chosen there saved in the learner's settings file, and never on a kiosk or where the
organisation fixed the platform."""

from __future__ import annotations

import pytest

from companion.errors import UserFacingError
from companion.services import first_run
from companion.settings import Settings
from tests.conftest import unused_port
from tests.policy_helpers import kiosk_policy, use_policy

from companion.ui.qt import Qt
from companion.ui.welcome import welcome_if_first_run


def saved_platform(window) -> str:
    paths = window.context.paths
    return str(Settings(paths.settings_file, environ={}).get("platform.api_url"))


def test_the_welcome_is_shown_on_the_first_start_and_never_again(make_window, qtbot):
    window = make_window()
    welcome = welcome_if_first_run(window)
    assert welcome is not None
    qtbot.waitUntil(welcome.isVisible)
    assert welcome.windowTitle() == "Bienvenue dans Companion"
    assert "sans connexion" in welcome.explanation.text()
    assert welcome.demo.isChecked()  # nothing configured: the demo platform
    qtbot.mouseClick(welcome.later, Qt.MouseButton.LeftButton)
    assert not welcome.isVisible()
    assert window.tabs.currentWidget() is window.home_view  # "Plus tard": where it was
    assert saved_platform(window) == ""  # the demo: nothing written
    assert welcome_if_first_run(window) is None  # the flag is in the profile


def test_escape_counts_as_an_answer(make_window, qtbot):
    window = make_window()
    welcome = welcome_if_first_run(window)
    qtbot.waitUntil(welcome.isVisible)
    qtbot.keyClick(welcome, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not welcome.isVisible())
    assert welcome_if_first_run(window) is None


def test_the_platform_chosen_is_saved_and_sign_in_comes_next(make_window, qtbot):
    window = make_window()
    welcome = welcome_if_first_run(window)
    qtbot.waitUntil(welcome.isVisible)
    welcome.own.setChecked(True)
    welcome.address.setText("http://")  # not an address: said, and the welcome stays
    qtbot.mouseClick(welcome.sign_in, Qt.MouseButton.LeftButton)
    assert welcome.isVisible() and welcome.problem.isVisible()
    assert "ne peut pas être utilisée" in welcome.problem.text()
    address = f"http://127.0.0.1:{unused_port()}"  # nobody there: the catalogue says so
    welcome.address.setText(address)
    with qtbot.waitSignal(window.catalog_shown, timeout=30_000):
        qtbot.mouseClick(welcome.sign_in, Qt.MouseButton.LeftButton)
    assert not welcome.isVisible()
    assert saved_platform(window) == address
    assert window.current_tab() == "account"  # "Se connecter": next
    assert not window.context.connection.is_demo
    assert window.context.connection.api().address.rstrip("/") == address
    assert welcome_if_first_run(window) is None


def test_a_bare_host_name_is_taken_as_https_and_nonsense_is_refused():
    assert first_run.checked_address(" formation.example.org/ ") == "https://formation.example.org"
    for wrong in ("", "http://", "https://", "http://formation.example.org", "a b.org", "x:y"):
        with pytest.raises(UserFacingError):
            first_run.checked_address(wrong)


def test_no_welcome_on_a_kiosk(companion_home, monkeypatch, make_window):
    use_policy(companion_home, monkeypatch, kiosk_policy(idle_minutes=5))
    assert welcome_if_first_run(make_window()) is None


def test_no_welcome_where_the_organisation_sets_the_platform(
    companion_home, monkeypatch, make_window
):
    use_policy(companion_home, monkeypatch, '[platform]\napi_url = "https://lms.example.org"\n')
    assert welcome_if_first_run(make_window()) is None


def test_a_platform_from_the_environment_is_said_not_offered(platform_env, make_window, qtbot):
    window = make_window()
    welcome = welcome_if_first_run(window)
    qtbot.waitUntil(welcome.isVisible)
    assert not welcome.own.isVisible() and welcome.fixed.isVisible()
    assert platform_env.url in welcome.fixed.text()
    qtbot.mouseClick(welcome.later, Qt.MouseButton.LeftButton)
    assert saved_platform(window) == ""


def test_at_start_up_the_welcome_opens_once_the_home_view_shows_what_it_has(make_window, qtbot):
    from companion.ui.app import WelcomeOnceShown
    from companion.ui.welcome import WelcomeDialog

    window = make_window()

    def welcomes() -> list[WelcomeDialog]:
        return [w for w in window.findChildren(WelcomeDialog) if w.isVisible()]

    WelcomeOnceShown(window)
    assert not welcomes()  # not before the first view has something to show
    with qtbot.waitSignal(window.home.shown, timeout=10_000):
        window.home.refresh()
    qtbot.waitUntil(lambda: len(welcomes()) == 1, timeout=5_000)
    window.home.refresh()  # the home view shown again: no second welcome
    qtbot.wait(200)
    assert len(window.findChildren(WelcomeDialog)) == 1
