"""The main window: menus, the catalogue view and the status bar. Views hold the screens."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from companion import __version__, formatting, i18n
from companion.context import AppContext, FirstView
from companion.domain import CatalogEntry
from companion.errors import UserFacingError, describe
from companion.i18n import _
from companion.jobs import Prefetch
from companion.paths import check_profile_name, list_profiles
from companion.services.catalog import CatalogResult
from companion.sync_status import Phase

from companion.ui import qt, words
from companion.ui.appearance import AppearanceMenu
from companion.ui.bridge import SyncRelay, run_in_background
from companion.ui.demo_offline import DemoOfflineSwitch, platform_text
from companion.ui.failures import FailureNotice
from companion.ui.ownership import OwnershipController
from companion.ui.qt import (
    QAction,
    QMainWindow,
    QSizePolicy,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.translations import install_qt_translations
from companion.ui.views.home import HomeController
from companion.ui.views.home_view import HomeView
from companion.ui.widgets.banner import MessageBanner, settings_problems_banner
from companion.ui.widgets.connection_indicator import (
    ConnectionIndicator,
    ConnectionState,
    Reachability,
)
from companion.ui.widgets.first_paint import AfterFirstPaint
from companion.ui.widgets.focus import focus_first, focus_inside
from companion.ui.widgets.lazy_tab import LazyTab
from companion.ui.widgets.screen_fit import fit_to_screen
from companion.ui.widgets.sync_indicator import ElidedLabel, SyncIndicator

if TYPE_CHECKING:  # built when their tab is first opened
    from companion.services.progress import ProgressService

    from companion.ui.diagnostic import DiagnosticController
    from companion.ui.views.account_view import AccountView
    from companion.ui.views.catalog_view import CatalogView
    from companion.ui.views.certificates_view import CertificatesView
    from companion.ui.views.library_view import LibraryView

log = logging.getLogger("companion.ui")

SYNC_START_DELAY_MS = 1500

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


class MainWindow(QMainWindow):
    catalog_shown = Signal()  # after the view got a result or an error; tests wait on it
    owner_changed = Signal()  # progress changed hands (emitted from any thread)

    def __init__(self, context: AppContext, *, menus_after_first_paint: bool = False) -> None:
        """``menus_after_first_paint``: the menu bar shows its titles at once and the menus'
        actions are made once the first view has painted (``start``), which the learner
        does not wait for (issue 14); otherwise, as tests build windows, made here."""
        super().__init__()
        self.context = context
        self._menus_filled = False
        self._profile_switching = True
        install_qt_translations(i18n.current_language())  # Qt's own dialogs too
        # Only the home view is built before the first paint; the other tabs when opened.
        # The catalogue's state is kept here and shown by its view once built.
        self._catalog_tab = LazyTab(self._make_catalog_view)
        self._catalog_error: tuple[str, str, str] | None = None
        self._in_library: list[str] | None = None
        self._courses: list[CatalogEntry] = []
        self._library_tab = LazyTab(self._make_library_view)
        self._account_tab = LazyTab(self._make_account_view)
        self._certificates_tab = LazyTab(self._make_certificates_view)
        # Home first: each course's progress and the way back to the chapter left open.
        self.home_view = HomeView()
        self.home = HomeController(context, self.home_view, self)
        self.home_view.resume_requested.connect(self.resume_course)
        self.home_view.catalogue_requested.connect(self.show_catalogue)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.home_view, "")
        self.tabs.addTab(self._catalog_tab, "")
        self.tabs.addTab(self._library_tab, "")
        self.tabs.addTab(self._account_tab, "")
        self.tabs.addTab(self._certificates_tab, "")
        # Above the tabs: whose progress is kept (a shared profile), and the kiosk's count.
        self.ownership = OwnershipController(self, context, claimed=self.sync_now)
        self.notice = self.ownership.notice
        self.notice.action_requested.connect(self.show_account)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        self.top_banners = QVBoxLayout()
        self.top_banners.setContentsMargins(12, 6, 12, 0)
        self.top_banners.addWidget(self.notice)
        # A certificate that arrives while the learner is elsewhere: said above any tab.
        self.certificate_notice = MessageBanner()
        self.certificate_notice.action_requested.connect(self.show_certificates)
        self.top_banners.addWidget(self.certificate_notice)
        self.failure_notice = FailureNotice()  # what no view handled: said, not lost
        self.top_banners.addWidget(self.failure_notice)
        self.tabs.currentChanged.connect(self._tab_changed)
        if context.settings.problems:  # a broken settings file is said, not only logged
            self.settings_banner = settings_problems_banner(context.settings.problems)
            self.top_banners.addWidget(self.settings_banner)
        column.addLayout(self.top_banners)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.owner_changed.connect(self.learner_changed)
        context.owner_listeners.append(self.owner_changed.emit)
        self.connection = ConnectionIndicator()
        self._platform_label = ElidedLabel(minimum=60)  # the full text in its tooltip
        self.sync_indicator = SyncIndicator()
        self.sync_indicator.sync_requested.connect(self.sync_now)
        self.sync_indicator.diagnostic_requested.connect(self.show_diagnostic)
        self._diagnostic: DiagnosticController | None = None
        self._sync_relay = SyncRelay(self)
        self.reachability = Reachability(self.connection, self.sync_indicator)
        self._sync_relay.status.connect(self.sync_indicator.show_status)
        self._sync_relay.status.connect(self.reachability.sync_reported)
        self._sync_relay.status.connect(self._synced)
        # The window's own bar: PySide6's setStatusBar() asks for the old one first, which
        # made a second bar (and its size grip) to throw away at every start.
        status = self.statusBar()
        status.addWidget(self.connection)
        status.addWidget(self.sync_indicator, 1)  # takes the room left; shortens with "…"
        self._profile_label = ElidedLabel(minimum=60)
        for label in (self._profile_label, self._platform_label):  # shrink only when short
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        status.addPermanentWidget(self._profile_label)
        status.addPermanentWidget(self._platform_label)
        self._build_menu_titles()
        self._last_result: CatalogResult | None = None
        self._new_certificates: list[str] = []  # titles not announced yet, for the notice
        self._catalog_asked = False  # an answer is awaited: F5 again takes no second worker
        # Run once the first view has painted with its content (see ``start``).
        self.after_first_paint: list[Callable[[], None]] = []
        fit_to_screen(self)  # a 150 % font on a 768-px screen once hid the status bar
        self.retranslate()
        if not menus_after_first_paint:
            self._fill_menus()  # says its own texts: after retranslate, not twice

    def _build_menu_titles(self) -> None:
        bar = self.menuBar()
        self._file_menu = bar.addMenu("")
        self._view_menu = bar.addMenu("")
        self._help_menu = bar.addMenu("")

    def _fill_menus(self) -> None:
        if self._menus_filled:
            return
        self._refresh_action = QAction(self)
        qt.shortcut(self._refresh_action, "F5")
        self._refresh_action.triggered.connect(self.refresh_catalog)
        self._sync_action = QAction(self)
        qt.shortcut(self._sync_action, "Ctrl+Shift+S")
        self._sync_action.triggered.connect(self.sync_now)
        self._profile_action = QAction(self)
        self._profile_action.triggered.connect(self._switch_profile)
        self._quit_action = QAction(self)
        qt.shortcut(self._quit_action, "Ctrl+Q")
        self._quit_action.triggered.connect(self.close)
        self._file_menu.addActions([self._refresh_action, self._sync_action, self._profile_action])
        self._demo_offline = DemoOfflineSwitch(self, self.context.connection, self._file_menu)
        self._file_menu.addSeparator()
        self._file_menu.addAction(self._quit_action)
        self._language_menu = self._view_menu.addMenu("")
        group = qt.QActionGroup(self)
        self._language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGE_NAMES.items():
            action = QAction(self)  # (text, parent) would set up QIcon for its overloads
            action.setText(name)
            action.setCheckable(True)
            action.setChecked(code == i18n.current_language())
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            group.addAction(action)
            self._language_menu.addAction(action)
            self._language_actions[code] = action
        self._view_menu.addSeparator()
        self.appearance = AppearanceMenu(self, self._view_menu)
        self._build_tab_shortcuts()
        self._diagnostic_action = QAction(self)
        self._diagnostic_action.triggered.connect(self.show_diagnostic)
        self._help_menu.addAction(self._diagnostic_action)
        self._about_action = QAction(self)
        self._about_action.triggered.connect(self._show_about)
        self._help_menu.addAction(self._about_action)
        self._menus_filled = True
        self._profile_action.setVisible(self._profile_switching)
        self._profile_action.setEnabled(self._profile_switching)
        self._retranslate_menus()

    def _build_tab_shortcuts(self) -> None:
        """Ctrl+1..4 open each tab, Ctrl+Tab and Ctrl+Shift+Tab go round them, from any
        widget: QTabWidget's own Ctrl+Tab works only once the focus is inside it. The
        focus follows into the tab, so the next Tab or arrow acts there."""
        self._view_menu.addSeparator()
        self._tab_actions: list[QAction] = []
        for index in range(self.tabs.count()):
            action = QAction(self)
            qt.shortcut(action, f"Ctrl+{index + 1}")
            action.triggered.connect(lambda _checked=False, i=index: self.go_to_tab(i))
            self._view_menu.addAction(action)
            self._tab_actions.append(action)
        for sequence, step in (("Ctrl+Tab", 1), ("Ctrl+Shift+Tab", -1)):
            around = QAction(self)
            qt.shortcut(around, sequence)
            around.triggered.connect(lambda _checked=False, s=step: self._next_tab(s))
            self.addAction(around)  # in no menu: the habit of every tabbed program

    def _next_tab(self, step: int) -> None:
        self.go_to_tab((self.tabs.currentIndex() + step) % self.tabs.count())

    def go_to_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        page = self.tabs.currentWidget()
        if page is not None and not focus_inside(page):
            focus_first(page)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Companion — study offline"))
        for page, text in (
            (self.home_view, _("Home")),
            (self._catalog_tab, _("Catalogue")),
            (self._library_tab, _("Library")),
            (self._account_tab, _("Account")),
            (self._certificates_tab, _("Certificates")),
        ):
            self.tabs.setTabText(self.tabs.indexOf(page), text)
        self.tabs.tabBar().setAccessibleName(_("Views"))
        self._profile_label.set_full_text(_("Profile: {name}").format(name=self.context.profile))
        self._retranslate_menus()
        self.show_platform_label()
        self.ownership.show()
        self._show_updated()
        self.connection.retranslate()
        self.sync_indicator.retranslate()
        if self._catalog_tab.created:
            self.catalog_view.retranslate()
        self.home_view.retranslate()
        self._say_new_certificates()
        for tab in (self._library_tab, self._account_tab, self._certificates_tab):
            if tab.created:
                tab.view().retranslate()

    def _retranslate_menus(self) -> None:
        self._file_menu.setTitle(_("&File"))
        self._view_menu.setTitle(_("&View"))
        self._help_menu.setTitle(_("&Help"))
        if not self._menus_filled:
            return
        self._refresh_action.setText(_("&Refresh the catalogue"))
        self._sync_action.setText(_("&Sync progress now"))
        self._quit_action.setText(_("&Quit"))
        self._profile_action.setText(_("Switch &profile…"))
        for index, action in enumerate(self._tab_actions):
            action.setText(_("Go to {tab}").format(tab=self.tabs.tabText(index)))
        self._language_menu.setTitle(_("&Language"))
        self._about_action.setText(_("&About Companion"))
        self._diagnostic_action.setText(_("&Diagnostic…"))
        self._show_managed_language()
        self._demo_offline.retranslate()
        self.appearance.retranslate()

    def show_platform_label(self) -> None:
        offline = self._menus_filled and self._demo_offline.action.isChecked()
        self._platform_label.set_full_text(platform_text(self.context.connection, offline))

    # --- catalogue ------------------------------------------------------------------

    def start(self, first: Prefetch[FirstView] | None = None) -> None:
        """Show what is saved on this computer at once, then ask the platform. ``first``:
        the saved catalogue, the home view's saved cards and whose progress is kept, being
        read since before the window was made (``AppContext.first_view``): when they are
        read, the window's first paint shows them, and the rest waits until after it."""
        seen = first.result() if first is not None and first.done() else None
        if seen is None:  # read the usual way, off this thread
            run_in_background(
                self,
                self.context.catalog.cached,
                self._saved_ready,
                self._saved_failed,
                local=True,
            )
            self.ownership.refresh()
        else:
            self._show_first(seen)
        if not self._menus_filled:  # first of what waits for the paint: F5, Ctrl+Q...
            self.after_first_paint.insert(0, self._fill_menus)
        AfterFirstPaint(self.home_view.pages, lambda: self.home_view.loaded, self.after_first_paint)
        # The sync starts once the window has painted and the catalogue has been asked
        # for: opening it imports the HTTP stack and SQLite files, which would compete with
        # the first paint for the GIL (measured: start-up went from 1.8x to 2.5x the bare
        # window when both ran at once).
        QTimer.singleShot(SYNC_START_DELAY_MS, self.start_sync)

    def _show_first(self, seen: FirstView) -> None:
        if seen.ownership is None:
            self.ownership.refresh()
        else:
            self.ownership.show_ownership(seen.ownership)
        if seen.home is not None:
            self.home.show_saved(seen.home)
            self.after_first_paint.append(self.home.refresh)  # read anew after the paint
        if seen.catalog is None:
            self.refresh_catalog()  # nothing saved to show: the platform's, at once
        else:
            self._show_saved(seen.catalog)
            # Asking the platform (the HTTP stack's import, a request) waits until the
            # first view has painted with the saved copy.
            self.after_first_paint.append(self.refresh_catalog)

    def start_sync(self) -> None:
        if self.context.sync is not None:
            return
        self._watch_network()
        run_in_background(
            self,
            lambda: self.context.start_sync(self._sync_relay.report),
            None,
            self._sync_failed_to_start,
        )

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's API
        if self._library_tab.created:  # the chapter being read: its study time is kept
            self.library_view.study.pause(wait=True)
        if self._account_tab.created:
            self.account_view.stop_waiting()
        super().closeEvent(event)

    # --- progress sync --------------------------------------------------------------

    def sync_now(self) -> None:
        if self.context.sync is not None:
            self.context.sync.sync_now()

    def _watch_network(self) -> None:
        """The system says when the network comes and goes: the sync (and the catalogue)
        follow at once, instead of waiting for the next probe. Where no backend answers,
        the sync's own probes still find the platform again."""
        info_type = qt.QNetworkInformation
        if not info_type.loadDefaultBackend() or info_type.instance() is None:
            log.info("no network information backend: relying on the sync's probes")
            return
        info_type.instance().reachabilityChanged.connect(self.reachability_changed)

    def reachability_changed(self, reachability: Any) -> None:
        kinds = qt.QNetworkInformation.Reachability
        if reachability == kinds.Unknown:
            return
        online = reachability != kinds.Disconnected  # a centre's platform may be on its LAN
        if self.context.sync is not None:
            self.context.sync.network_changed(online)
        if online and self.connection.state is ConnectionState.OFFLINE:
            self.refresh_catalog()

    def _synced(self, status: Any) -> None:
        """A sync may have brought certificates (an open wallet shows them; elsewhere a
        notice says so) and progress from other devices (the home view shows it)."""
        if status.phase is not Phase.IDLE:
            return
        if self._certificates_tab.created and self.certificates_view.isVisible():
            self.certificates_view.refresh()
        else:
            self._look_for_new_certificates()
        if self.home_view.isVisible():
            self.home.refresh()

    # --- a certificate arrives --------------------------------------------------------

    def _look_for_new_certificates(self) -> None:
        context = self.context

        def load() -> tuple[ProgressService, list[str]]:
            progress = context.progress()
            return progress, context.unannounced_certificates()

        run_in_background(self, load, self._new_certificates_found, local=True)

    def _new_certificates_found(self, found: tuple[ProgressService, list[str]]) -> None:
        progress, titles = found
        wallet_open = self._certificates_tab.created and self.certificates_view.isVisible()
        if not self.context.is_current(progress) or wallet_open:
            return  # a learner who has left, or the wallet says it itself
        self._new_certificates = titles
        self._say_new_certificates()

    def _say_new_certificates(self) -> None:
        titles = self._new_certificates
        if not titles:
            self.certificate_notice.hide()
            return
        self.certificate_notice.show_message(
            "info",
            words.new_certificates(titles),
            _("Congratulations! It is in your certificates, to print or to share."),
            action=_("See my certificates"),
        )

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self._certificates_tab:  # the wallet says it now
            self._new_certificates = []
            self.certificate_notice.hide()

    def _sync_failed_to_start(self, error: BaseException) -> None:
        self._show_catalog_error(*describe(error))

    def _saved_ready(self, result: CatalogResult | None) -> None:
        if result is not None:
            self._show_saved(result)
        self.refresh_catalog()

    def _saved_failed(self, error: BaseException) -> None:
        """The saved copy could not be read: logged, and the platform's is asked for."""
        describe(error)
        self.refresh_catalog()

    def _show_saved(self, result: CatalogResult) -> None:
        if self._last_result is None:
            self._last_result = result
            self._show_catalog_result(result)

    def refresh_catalog(self) -> None:
        if self._catalog_asked:  # a slow platform: the answer on its way will be shown
            return
        self._catalog_asked = True
        self.reachability.connecting()
        if self._catalog_tab.created:
            self.catalog_view.show_loading()
        run_in_background(
            self, self.context.catalog.refresh, self._catalog_ready, self._catalog_failed
        )

    def _catalog_ready(self, result: CatalogResult) -> None:
        self._catalog_asked = False
        self._last_result = result
        self.reachability.catalogue_answered(result.online)
        if result.online and self.context.sync is not None:
            self.context.sync.network_changed(True)  # back online: send what waited
        self._show_catalog_result(result)
        self._mark_my_courses()
        self.catalog_shown.emit()

    def _catalog_failed(self, error: BaseException) -> None:
        self._catalog_asked = False
        message, hint, reference = describe(error)
        offline = isinstance(error, UserFacingError)
        self.reachability.catalogue_answered(not offline)
        self._show_catalog_error(message, hint, reference)
        self.catalog_shown.emit()

    # --- the catalogue tab, built when first shown -----------------------------------------

    @property
    def catalog_view(self) -> CatalogView:
        """The catalogue screen, built the first time it is shown or asked for: its list,
        search and delegate are not needed for the first paint (issue 14)."""
        return self._catalog_tab.view()

    def has_catalogue(self) -> bool:
        """Courses from the platform (or its saved copy) are known."""
        return bool(self._courses)

    def _make_catalog_view(self) -> CatalogView:
        from companion.ui.views.catalog_view import CatalogView

        view = CatalogView()
        view.retry_requested.connect(self.refresh_catalog)
        view.add_requested.connect(self._open_in_library)
        if self._last_result is not None:
            view.show_result(self._last_result)
        if self._catalog_error is not None:
            view.show_error(*self._catalog_error)
        elif self._catalog_asked:
            view.show_loading()
        if self._in_library is not None:
            view.set_in_library(self._in_library)
        view.updated.setText(self._updated_text())
        return view

    def _show_catalog_result(self, result: CatalogResult) -> None:
        self._catalog_error = None
        if self._catalog_tab.created:
            self.catalog_view.show_result(result)
        self._show_courses(result.courses)
        self._show_updated()

    def _show_catalog_error(self, message: str, hint: str, reference: str) -> None:
        self._catalog_error = (message, hint, reference)
        if self._catalog_tab.created:
            self.catalog_view.show_error(message, hint, reference)

    def _in_library_ready(self, course_ids: list[str]) -> None:
        self._in_library = course_ids
        if self._catalog_tab.created:
            self.catalog_view.set_in_library(course_ids)

    def _show_updated(self) -> None:
        if self._catalog_tab.created:
            self.catalog_view.updated.setText(self._updated_text())

    def _updated_text(self) -> str:
        result = self._last_result
        if result is None or result.fetched_at is None:
            return ""
        when = formatting.moment(result.fetched_at)
        if result.online:
            return _("Catalogue updated {when}").format(when=when)
        return _("Saved copy from {when}").format(when=when)

    def platform_changed(self) -> None:
        """The learner chose another platform (the first-run welcome): the connection is
        opened again on a worker (stopping the demo platform may wait), then the catalogue
        is asked of the new one, after any answer still on its way from the old one."""

        def ask_again(_closed: object) -> None:
            self.retranslate()  # the status bar's platform
            if self._catalog_asked:
                self.catalog_shown.connect(self._ask_once_more)
            else:
                self.refresh_catalog()

        run_in_background(self, self.context.connection.close, ask_again, self._catalog_failed)

    def _ask_once_more(self) -> None:
        self.catalog_shown.disconnect(self._ask_once_more)
        self.refresh_catalog()

    # --- language and about ---------------------------------------------------------

    def _show_managed_language(self) -> None:
        """A language fixed by the machine policy is shown as managed, not offered."""
        locked = self.context.settings.is_locked("ui.language")
        for action in self._language_actions.values():
            action.setEnabled(not locked)
        if locked:
            self._language_menu.setTitle(_("&Language (managed by your organisation)"))

    def set_language(self, code: str) -> None:
        try:
            self.context.settings.set("ui.language", code)
        except UserFacingError as error:
            qt.QMessageBox.information(self, error.message, error.hint)
            self._language_actions[i18n.current_language()].setChecked(True)
            return
        i18n.install(code)
        install_qt_translations(code)
        self._language_actions[code].setChecked(True)
        self.retranslate()

    def profile_switching(self, allowed: bool) -> None:
        """A kiosk offers no profile switching (its data is nobody's to keep)."""
        self._profile_switching = allowed
        if self._menus_filled:
            self._profile_action.setVisible(allowed)
            self._profile_action.setEnabled(allowed)
        self._profile_label.setVisible(allowed)

    @property
    def library_view(self) -> LibraryView:
        return self._library_tab.view()

    @property
    def account_view(self) -> AccountView:
        return self._account_tab.view()

    @property
    def certificates_view(self) -> CertificatesView:
        return self._certificates_tab.view()

    def show_certificates(self) -> CertificatesView:
        self.tabs.setCurrentWidget(self._certificates_tab)
        return self.certificates_view

    def show_catalogue(self) -> None:
        self.go_to_tab(self.tabs.indexOf(self._catalog_tab))

    def resume_course(self, course_id: str, chapter_id: str | None) -> None:
        """From the home view: the course in the library, its chapter in the reader."""
        self.show_library().open_course(course_id, chapter_id)

    def show_library(self) -> LibraryView:
        self.tabs.setCurrentWidget(self._library_tab)
        return self.library_view

    def show_account(self) -> AccountView:
        self.tabs.setCurrentWidget(self._account_tab)
        return self.account_view

    def _make_library_view(self) -> LibraryView:
        from companion.ui.views.library_view import LibraryView

        view = LibraryView(self.context)
        if self._courses:
            view.set_courses(self._courses)
        QTimer.singleShot(0, self._mark_my_courses)
        return view

    def _make_account_view(self) -> AccountView:
        from companion.ui.views.account_view import AccountView

        view = AccountView(
            self.context.account,
            sign_out=self.context.sign_out,
            methods=self.context.settings.sign_in_methods(),
        )
        view.account_changed.connect(self.sync_now)  # signed in: send what waited
        view.signing_out.connect(self._keep_study_time)
        view.learner_signed_in.connect(self.ownership.offer_unclaimed)
        view.learner_signed_out.connect(self.ownership.refresh)
        view.start()
        return view

    # --- whose progress ------------------------------------------------------------------

    def learner_changed(self) -> None:
        """Nothing of the previous learner (or anonymous kiosk user) stays on screen."""
        if self._library_tab.created:
            self.library_view.learner_changed()
        if self._certificates_tab.created:
            self.certificates_view.refresh()
        self._new_certificates = []  # the one who left's: never shown to the next
        self.certificate_notice.hide()
        self.home.learner_changed()
        self.ownership.refresh()
        self._mark_my_courses()

    def _keep_study_time(self) -> None:
        """Before a sign-out: the chapter being read is the leaving learner's study time."""
        if self._library_tab.created:
            self.library_view.study.pause(wait=True)

    def _make_certificates_view(self) -> CertificatesView:
        from companion.ui.views.certificates_view import CertificatesView

        return CertificatesView(self.context)

    def _show_courses(self, courses: list[CatalogEntry]) -> None:
        self._courses = courses
        self.home.set_titles(courses)
        if self._library_tab.created:
            self.library_view.set_courses(courses)

    def _open_in_library(self, course: CatalogEntry) -> None:
        self.show_library().add_course(course.id)

    def _mark_my_courses(self) -> None:
        """The catalogue says which courses are already in the learner's library. Read once
        the library is open: opening the learner's progress earlier would settle whose it
        is before a sign-in or a kiosk hand-over had their say."""
        if not self._library_tab.created:
            return
        run_in_background(
            self,
            lambda: self.context.progress().my_courses(),
            self._in_library_ready,
            local=True,
        )

    def _switch_profile(self) -> None:
        """Profiles are switched explicitly: Companion restarts on the chosen one."""
        existing = list_profiles(self.context.paths) or [self.context.profile]
        name, chosen = qt.QInputDialog.getItem(
            self,
            _("Switch profile"),
            _("Learner profile (type a new name to create one):"),
            existing,
            existing.index(self.context.profile) if self.context.profile in existing else 0,
            True,
        )
        if not chosen or name == self.context.profile:
            return
        try:
            check_profile_name(name)
        except UserFacingError as error:
            qt.QMessageBox.warning(self, error.message, error.hint)
            return
        arguments = ["-m", "companion", "--profile", name]
        if name not in existing:
            arguments.append("--create-profile")  # typed in the picker: the learner's choice
        qt.QProcess.startDetached(sys.executable, arguments)
        self.close()

    def show_diagnostic(self) -> DiagnosticController:
        if self._diagnostic is None:
            from companion.ui.diagnostic import DiagnosticController

            self._diagnostic = DiagnosticController(self, self.context)
        self._diagnostic.open()
        return self._diagnostic

    def _show_about(self) -> None:
        import platform

        details = _(
            "Companion {version}\nStudy your courses with or without a connection.\n\n"
            "Qt {qt}, Python {python}, {os}\nProfile: {profile}\nData: {data}\n\n"
            "Something wrong? Help › Diagnostic checks everything and makes a support bundle."
        ).format(
            version=__version__,
            qt=qt.qVersion(),
            python=platform.python_version(),
            os=platform.platform(terse=True),
            profile=self.context.profile,
            data=self.context.profile_dir,
        )
        qt.QMessageBox.about(self, _("About Companion"), details)
