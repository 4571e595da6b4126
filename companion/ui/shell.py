"""The main window's frame: the tabs, the notices above them, the status bar and the menus.
What fills it, and how the pieces talk, is decided by the composition root
(``main_window.MainWindow``); the frame knows no service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from companion import i18n
from companion.i18n import _
from companion.paths import DEFAULT_PROFILE
from companion.settings import Settings

from companion.ui.events import EventHub
from companion.ui.failures import FailureNotice
from companion.ui.menus import MainMenus, MenuCommands
from companion.ui.qt import (
    QMainWindow,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
    when_namespace_ready,
)
from companion.ui.translations import install_qt_translations
from companion.ui.widgets.banner import settings_problems_banner
from companion.ui.widgets.connection_indicator import ConnectionIndicator, Reachability
from companion.ui.widgets.focus import focus_first, focus_inside, notices_first
from companion.ui.widgets.lazy_tab import LazyTab
from companion.ui.widgets.screen_fit import fit_to_screen
from companion.ui.widgets.sync_indicator import ElidedLabel, SyncIndicator


class Shell(QMainWindow):
    closing = Signal()  # the window is closing: what is open keeps what it must

    def __init__(
        self, events: EventHub, settings: Settings, profile: str, commands: MenuCommands
    ) -> None:
        super().__init__()
        self.events = events
        self.profile = profile
        install_qt_translations(i18n.current_language())  # Qt's own dialogs too
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self._tab_names: list[tuple[QWidget, Callable[[], str]]] = []
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        self.top_banners = QVBoxLayout()
        self.top_banners.setContentsMargins(12, 6, 12, 0)
        column.addLayout(self.top_banners)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.failure_notice = FailureNotice()  # what no view handled: said, not lost
        self._settings_problems = settings.problems
        self.connection = ConnectionIndicator()
        self.sync_indicator = SyncIndicator()
        self.reachability = Reachability(self.connection, self.sync_indicator)
        events.sync_status.connect(self.sync_indicator.show_status)
        events.sync_status.connect(self.reachability.sync_reported)
        # The window's own bar: PySide6's setStatusBar() asks for the old one first, which
        # made a second bar (and its size grip) to throw away at every start.
        status = self.statusBar()
        status.addWidget(self.connection)
        status.addWidget(self.sync_indicator, 1)  # takes the room left; shortens with "…"
        self.profile_label = ElidedLabel(minimum=60)
        self.platform_label = ElidedLabel(minimum=60)  # the full text in its tooltip
        for label in (self.profile_label, self.platform_label):  # shrink only when short
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            status.addPermanentWidget(label)
        self.platform_text: Callable[[], str] = lambda: ""
        self.profile_label.setVisible(profile != DEFAULT_PROFILE)  # see profile_switching
        self.menus = MainMenus(self, settings, commands)
        # Run once the first view has painted with its content (see ``MainWindow.start``).
        self.after_first_paint: list[Callable[[], None]] = []

    def add_tab(self, page: QWidget, name: Callable[[], str]) -> None:
        self.tabs.addTab(page, "")
        self._tab_names.append((page, name))

    def add_banner(self, banner: QWidget, *, first: bool = False) -> None:
        """A notice above every tab (whose progress is kept, a new certificate...)."""
        if first:
            self.top_banners.insertWidget(0, banner)
        else:
            self.top_banners.addWidget(banner)
        when_namespace_ready(self._notices_first_in_tab_order)

    def _notices_first_in_tab_order(self) -> None:
        notices_first(self)  # made after the tabs, a notice's buttons came after the views

    def add_status_marker(self, marker: QWidget) -> None:
        """First thing on the left of the status bar (the kiosk's "shared computer")."""
        self.statusBar().insertWidget(0, marker)

    def finish(self, *, menus_after_first_paint: bool) -> None:
        """Once every part is in: the last notices, the size, the texts, the menus."""
        self.add_banner(self.failure_notice)
        if self._settings_problems:  # a broken settings file is said, not only logged
            self.settings_banner = settings_problems_banner(self._settings_problems)
            self.add_banner(self.settings_banner)
        fit_to_screen(self)  # a 150 % font on a 768-px screen once hid the status bar
        self.retranslate()
        if menus_after_first_paint:  # first of what waits for the paint: F5, Ctrl+Q...
            self.after_first_paint.insert(0, self.menus.fill)
        else:
            self.menus.fill()  # says its own texts: after retranslate, not twice

    def retranslate(self) -> None:
        self.setWindowTitle(_("Companion — study offline"))
        for page, name in self._tab_names:
            self.tabs.setTabText(self.tabs.indexOf(page), name())
            if not isinstance(page, LazyTab) or page.created:  # a tab not built says nothing
                view: Any = page.view() if isinstance(page, LazyTab) else page
                view.retranslate()
        self.tabs.tabBar().setAccessibleName(_("Views"))
        self.profile_label.set_full_text(_("Profile: {name}").format(name=self.profile))
        self.menus.retranslate()
        self.show_platform_label()
        self.connection.retranslate()
        self.sync_indicator.retranslate()
        self.events.language_changed.emit()

    def show_platform_label(self) -> None:
        self.platform_label.set_full_text(self.platform_text())

    # --- going round the tabs ---------------------------------------------------------

    def next_tab(self, step: int) -> None:
        self.go_to_tab((self.tabs.currentIndex() + step) % self.tabs.count())

    def go_to_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        page = self.tabs.currentWidget()
        if page is not None and not focus_inside(page):
            focus_first(page)

    def profile_switching(self, allowed: bool) -> None:
        """A kiosk offers no profile switching (its data is nobody's to keep). The profile
        is named in the status bar only when it is not the usual one: "Profil : default"
        was a fifth item in a crowded bar, telling a learner alone nothing (issue 25)."""
        self.menus.allow_profile_switching(allowed)
        self.profile_label.setVisible(allowed and self.profile != DEFAULT_PROFILE)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's API
        self.closing.emit()  # the chapter being read keeps its study time, sign-in stops
        super().closeEvent(event)
