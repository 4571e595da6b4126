"""Start the GUI: one QApplication, the main window, and Qt's messages in our log."""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
from typing import Any

from companion import APP_NAME, __version__, logs
from companion.app.context import AppContext
from companion.child_env import restore_user_environment
from companion.errors import UserFacingError
from companion.i18n import _
from companion.jobs import Prefetch
from companion.resources import resource
from companion.services.first_run import should_welcome
from companion.settings import UI_THEME, UI_ZOOM_PERCENT

from companion.ui import qt, theme, update_notice
from companion.ui.bridge import run_in_background
from companion.ui.failures import install_hooks
from companion.ui.main_window import MainWindow
from companion.ui.qt import (
    QApplication,
    QEvent,
    QObject,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from companion.ui.widgets.first_paint import AfterFirstPaint

log = logging.getLogger("companion.ui")


def _qt_message(mode: Any, context: Any, message: str) -> None:
    if mode == QtMsgType.QtFatalMsg:  # Qt ends the process after this: said, and logged
        logs.release()  # the log held until the first paint is written now, with this
        log.critical("Qt stopped Companion: %s", message)
        print(_("Companion could not start: {reason}").format(reason=message), file=sys.stderr)
        sys.stderr.flush()
        return
    log.warning("Qt: %s", message)


def no_display() -> str:
    """Why the window cannot open before Qt tries (it aborts without a word): a Linux
    session with no display server named (issue 26); "" when one may be there."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return ""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return ""
    return _(
        "No graphical session was found (neither DISPLAY nor WAYLAND_DISPLAY is set), so "
        "Companion's window cannot open. Start it from your desktop, or use its commands "
        "(companion --help)."
    )


def create_application(
    argv: list[str],
    theme_choice: str = "system",
    zoom_percent: int = 100,
    system_dark: bool | None = None,
    *,
    icon: bool = True,
) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("org.companion.Companion")
    if icon:  # the start sets these once the window has painted (see set_window_icon)
        set_window_icon(app)
        press_buttons_with_enter(app)
        give_accessible_roles()
    theme.apply(app, theme_choice, zoom_percent, system_dark)
    return app


def press_buttons_with_enter(app: QApplication) -> None:
    from companion.ui.keyboard import EnterPressesButtons

    if app.findChild(EnterPressesButtons) is None:  # once: it lives as long as the app
        app.installEventFilter(EnterPressesButtons(app))


def give_accessible_roles() -> None:
    """Views' titles, quiz questions and a chapter's headings, links and images given to a
    screen reader with their roles (issue 27)."""
    from companion.ui import accessible_roles

    accessible_roles.install()


def set_window_icon(app: QApplication) -> None:
    """The icon of every window (its title bar, the task bar). Drawing it from the SVG
    loads Qt's image plugins: after the first paint, at start (issue 14)."""
    app.setWindowIcon(qt.QIcon(str(resource("icons", "companion.svg"))))


def print_when_first_view_painted(window: MainWindow) -> None:
    """Benchmark probe (COMPANION_BENCH=1): prints one line once the first view (the home
    view, the first tab) has painted with what it shows (the learner's courses or the way
    to the catalogue) and the catalogue has rows."""
    home = window.home_view
    AfterFirstPaint(
        home.pages,
        lambda: home.loaded and window.has_catalogue(),
        [lambda: print("companion: catalog painted", flush=True)],
        deadline_ms=None,
    )


class WelcomeOnceShown(QObject):
    """The first-run welcome, opened once the home view shows what it has: the learner sees
    where they are, then the welcome over it, and the window's first paint does not wait
    for the welcome's widgets to be made."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.home.shown.connect(self._open)

    def _open(self) -> None:
        self.window.home.shown.disconnect(self._open)
        from companion.ui.welcome import welcome_if_first_run  # its widgets only now

        welcome_if_first_run(self.window)


def settle_heap() -> None:
    """Once the window has painted: put what start-up made out of the garbage collector's
    sight (``gc.freeze``), then let it run again (the command line stopped it for the
    start, see ``cli.main``).

    A full collection otherwise walks every Qt wrapper, module and function object, and
    holds the GIL while it does: 50-75 ms, measured on a background sync thread of the
    sync benchmark, enough to stall the window. Those objects live as long as the app, so
    the collector has nothing to find among them."""
    gc.freeze()
    gc.enable()


def close_on_termination(app: QApplication, window: MainWindow) -> None:
    """A session ending (log-out, shut-down) sends SIGTERM: close as if the learner had
    closed the window, so the open chapter's study time is kept and the last push runs.
    Python runs signal handlers only between its own instructions, so a timer gives it a
    moment five times a second while Qt's loop waits."""
    signal.signal(signal.SIGTERM, lambda _number, _frame: window.close())
    heartbeat = QTimer(app)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(200)


class QuitWithWindow(QObject):
    """Closing the main window (its close button, Ctrl+Q, SIGTERM) ends Companion, even
    with another window open: with "Manage storage…" open, Ctrl+Q and SIGTERM once left
    the process running, the storage window alone on screen (issue 12)."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        super().__init__(window)
        self.app = app
        self.window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's API
        if watched is self.window and event.type() == QEvent.Type.Close:
            QTimer.singleShot(0, self._quit_if_closed)  # once the window has handled it
        return False

    def _quit_if_closed(self) -> None:
        if self.window.isVisible():
            return  # the close was refused
        for widget in self.app.topLevelWidgets():
            if widget is not self.window and widget.isVisible():
                widget.close()
        self.app.quit()


WORKERS_GRACE_MS = 2000  # companion.ui.quitting.QUIT_SECONDS


def end_process(code: int) -> None:
    """A worker waiting on a platform that does not answer would keep the process alive
    after the window closed (Qt waits for every worker at exit). The learner's actions are
    in SQLite by then and the databases closed, so leave without it."""
    log.warning("a background task did not end within %d ms: leaving without it", WORKERS_GRACE_MS)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def refuse_to_start(error: UserFacingError) -> None:
    """Say in a window why there is no window (a broken machine policy, the profile open
    elsewhere, a data folder Companion may not write, an unknown profile): when Companion
    is started from a menu, nobody reads what it prints."""
    from companion.ui.qt import QMessageBox, plain_message_box

    create_application(sys.argv)
    plain_message_box(None, QMessageBox.Icon.Warning, APP_NAME, error.message, error.hint).exec()


def listen_for_sign_ins(window: MainWindow, context: AppContext) -> None:
    """A browser sign-in's answer, handed over by a second Companion the system started:
    the site account is kept (on a worker), the library learns its courses, and the
    account tab shows it. An answer to no sign-in started here is refused, and said."""
    from companion.ui.handoff import SignInHandoff

    handoff = SignInHandoff(window)

    def answered(address: str) -> None:
        def finish() -> object:
            account = context.site_accounts().finish_browser_sign_in(address)
            for course_id in account.courses:  # their titles and chapters in the library
                context.library().update_manifest(course_id)
            return account

        def done(_account: object) -> None:
            window.events.accounts_changed.emit()
            window.show_account()
            window.sync_now()  # what waited for this account goes now

        run_in_background(window, finish, done)

    handoff.received.connect(answered)
    handoff.start()  # the window owns it (its parent): it listens while the window lives


def resume_downloads(window: MainWindow, context: AppContext) -> None:
    from companion.ui import quitting  # the download queue's module: after the first paint

    unfinished = context.profile_dir / quitting.UNFINISHED_DOWNLOADS

    def enqueue(course_id: str, chapter_id: str | None, allow_large: bool) -> None:
        window.library_view.controller.enqueue(course_id, chapter_id, allow_large)

    quitting.resume_downloads(window, unfinished, enqueue)  # the library opens if needed


def quit_work(window: MainWindow, context: AppContext) -> bool:
    from companion.ui import quitting

    unfinished = context.profile_dir / quitting.UNFINISHED_DOWNLOADS
    queue = quitting.download_queue(window)
    return quitting.quit_work(queue, lambda: context.sync, unfinished, context.close)


def run(profile: str, *, create_profile: bool = False) -> int:
    try:
        context = AppContext.create(profile, create_profile=create_profile, hold_log=True)
    except UserFacingError as error:
        log.error("not started: %s", error.message)
        refuse_to_start(error)
        raise  # and the command line prints it too
    if reason := no_display():
        logs.release()
        log.error("not started: no display")
        print(reason, file=sys.stderr)
        context.close()
        return 1
    # While the window is made: the demo platform gets ready, the saved catalogue is read.
    context.connection.warm_up()
    first = Prefetch(context.first_view)
    qInstallMessageHandler(_qt_message)
    colours = theme.SystemColours(context.paths.cache_dir)
    app = create_application(
        sys.argv,
        context.settings.value(UI_THEME),
        context.settings.value(UI_ZOOM_PERCENT),
        colours.remembered,
        icon=False,
    )
    install_hooks()  # an exception in a slot or a thread: in the log and on screen
    window = MainWindow(context, menus_after_first_paint=True)
    window.after_first_paint.extend(
        (
            qt.set_up_namespace,
            restore_user_environment,  # Qt has read its paths: what it opens gets the user's
            lambda: colours.check(window.appearance.refresh),
            lambda: set_window_icon(app),
            lambda: press_buttons_with_enter(app),
            give_accessible_roles,
            settle_heap,
            logs.release,
        )
    )
    window.after_first_paint.append(lambda: listen_for_sign_ins(window, context))
    window.after_first_paint.append(lambda: resume_downloads(window, context))  # the last quit's
    window.after_first_paint.append(lambda: check_for_updates(window, context))  # once a day
    window.start(first)  # the saved catalogue, then the platform's, both read off this thread
    if os.environ.get("COMPANION_BENCH") == "1":
        print_when_first_view_painted(window)
    if context.areas.kiosk:
        window.kiosk()
        window.showFullScreen()
    else:
        window.show()
        if should_welcome(context.settings, context.profile_dir):
            WelcomeOnceShown(window)  # a profile's first start: once, over the window
    close_on_termination(app, window)
    QuitWithWindow(app, window)
    ended = False
    try:
        code = app.exec()
    finally:
        ended = quit_work(window, context)  # within 2 s; the databases closed if all ended
    if not ended:
        end_process(code)
    return code


def check_for_updates(window: Any, context: AppContext) -> None:
    """The update notice, given only what it uses: when to ask, and how."""
    from companion.services.updates import UpdateCheck, fetch_from

    check = UpdateCheck(
        context.settings, context.profile_dir / "update-check.json", kiosk=context.areas.kiosk
    )
    update_notice.start(window, check, fetch_from(context.connection))
