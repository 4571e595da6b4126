"""The composition root of the window: the one place in ui/ (with ``app.run``, which makes
it) that sees ``AppContext``. It builds each view and controller with only the services or
callables it uses, feeds the event hub from the services, and says which tab is which.
Views refresh themselves from the hub (``events.py``); nothing here relays."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from companion.app.context import AppContext, FirstView
from companion.domain import CatalogEntry
from companion.errors import describe
from companion.i18n import _
from companion.jobs import Prefetch
from companion.paths import list_profiles
from companion.settings import KIOSK_IDLE_MINUTES

from companion.ui.bridge import run_in_background
from companion.ui.catalogue import CatalogueController
from companion.ui.certificate_notice import CertificateAnnouncer
from companion.ui.demo_offline import DemoOfflineSwitch, platform_text
from companion.ui.events import EventHub, ForLearner
from companion.ui.menus import MenuCommands, show_about
from companion.ui.network import NetworkWatcher
from companion.ui.ownership import OwnershipController
from companion.ui.profiles import ProfileSwitcher
from companion.ui.qt import QTimer
from companion.ui.shell import Shell
from companion.ui.views import home
from companion.ui.views.home import HomeController
from companion.ui.views.home_view import HomeView
from companion.ui.widgets.first_paint import AfterFirstPaint
from companion.ui.widgets.lazy_tab import LazyTab

if TYPE_CHECKING:  # built when their tab is first opened
    from companion.services.home import CourseCard
    from companion.services.progress import ProgressService

    from companion.ui.appearance import AppearanceMenu
    from companion.ui.diagnostic import DiagnosticController
    from companion.ui.kiosk import KioskController
    from companion.ui.views.account_view import AccountView
    from companion.ui.views.catalog_view import CatalogView
    from companion.ui.views.certificates_view import CertificatesView
    from companion.ui.views.library_view import LibraryView
    from companion.ui.views.site_accounts_panel import SiteAccountsPanel
    from companion.ui.welcome import WelcomeNeeds

log = logging.getLogger("companion.ui")

SYNC_START_DELAY_MS = 1500

T = TypeVar("T")


class MainWindow(Shell):
    def __init__(self, context: AppContext, *, menus_after_first_paint: bool = False) -> None:
        """``menus_after_first_paint``: the menu bar shows its titles at once and the menus'
        actions are made once the first view has painted (``start``), which the learner
        does not wait for (issue 14); otherwise, as tests build windows, made here."""
        events = EventHub()
        commands = MenuCommands(
            refresh=lambda: self.catalogue.refresh(),
            sync_now=lambda: self.sync_now(),
            switch_profile=lambda: self.profiles.switch(),
            show_diagnostic=lambda: self.show_diagnostic(),
            show_about=lambda: show_about(self, context.profile, context.profile_dir),
            demo_switch=lambda menu: DemoOfflineSwitch(
                self,
                context.connection,
                menu,
                label_changed=self.show_platform_label,
                switched=self._ask_platform_now,
            ),
        )
        super().__init__(events, context.settings, context.profile, commands)
        self.context = context  # the services behind the window (tests use it): no view gets it
        events.setParent(self)
        context.owner_listeners.append(events.report_learner_changed)  # any thread
        events.network_changed.connect(self._network_changed)  # the sync first, then the rest
        self.platform_text = lambda: platform_text(
            context.connection, self.menus.demo_offline_checked
        )
        # Only the home view is built before the first paint; the other tabs when opened.
        self.home_view = HomeView()
        self.home = HomeController(self.home_view, self._read_home_cards, events, self)
        self.home_view.resume_requested.connect(self.resume_course)
        self.home_view.catalogue_requested.connect(self.show_catalogue)
        self.catalogue = CatalogueController(
            self,
            events,
            self.reachability,
            saved=lambda: context.catalog.cached(),
            ask=lambda: context.catalog.refresh(),
            my_courses=lambda: context.progress().my_courses(),
            answered=lambda: self._network_changed(True),  # back online: send what waited
            close_connection=lambda: context.connection.close(),
        )
        self.catalogue.add_requested.connect(self._open_in_library)
        self.catalogue.platform_switched.connect(self.retranslate)  # the status bar's
        self._library_tab: LazyTab[LibraryView] = LazyTab(self._make_library_view)
        self._account_tab: LazyTab[AccountView] = LazyTab(self._make_account_view)
        self._certificates_tab: LazyTab[CertificatesView] = LazyTab(self._make_certificates_view)
        for page, name in (
            (self.home_view, lambda: _("Home")),
            (self.catalogue.tab, lambda: _("Catalogue")),
            (self._library_tab, lambda: _("Library")),
            (self._account_tab, lambda: _("Account")),
            (self._certificates_tab, lambda: _("Certificates")),
        ):
            self.add_tab(page, name)
        # Above the tabs: whose progress is kept (a shared profile), a new certificate.
        self.ownership = OwnershipController(
            self,
            events,
            ownership=context.ownership,
            unclaimed_count=context.unclaimed_count,
            claim=context.claim_unclaimed,
            claimed=self.sync_now,
        )
        self.notice = self.ownership.notice
        self.notice.action_requested.connect(self.show_account)
        self.add_banner(self.notice)
        self.announcer = CertificateAnnouncer(
            self, events, self._unannounced_certificates, self._wallet_open
        )
        self.certificate_notice = self.announcer.notice
        self.announcer.wallet_requested.connect(self.show_certificates)
        self.add_banner(self.certificate_notice)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.network = NetworkWatcher(self, events)
        self.sync_indicator.sync_requested.connect(self.sync_now)
        self.sync_indicator.diagnostic_requested.connect(self.show_diagnostic)
        self.profiles = ProfileSwitcher(self, context.profile, lambda: list_profiles(context.paths))
        self._diagnostic: DiagnosticController | None = None
        self.closing.connect(self._keep_study_time)
        self.closing.connect(self._stop_waiting)
        self.finish(menus_after_first_paint=menus_after_first_paint)

    def _for_learner(self, read: Callable[[ProgressService], T]) -> ForLearner[T]:
        """On a worker: what ``read`` finds in the progress of the learner here now, and
        a way to ask, on the GUI thread, whether they still are."""
        context = self.context
        progress = context.progress()
        return ForLearner(read(progress), lambda: context.is_current(progress))

    def _read_home_cards(self, titles: Mapping[str, str]) -> ForLearner[list[CourseCard]]:
        library, sites = self.context.library, self.context.site_progress  # on a worker: files
        return self._for_learner(
            lambda mine: home.read_cards(mine, library().outline, titles, sites().by_course())
        )

    def _unannounced_certificates(self) -> ForLearner[list[str]]:
        context = self.context
        return self._for_learner(lambda _progress: context.unannounced_certificates())

    # --- start ------------------------------------------------------------------------

    def start(self, first: Prefetch[FirstView] | None = None) -> None:
        """Show what is saved on this computer at once, then ask the platform. ``first``:
        the saved catalogue, the home view's saved cards and whose progress is kept, being
        read since before the window was made (``AppContext.first_view``): when they are
        read, the window's first paint shows them, and the rest waits until after it."""
        seen = first.result() if first is not None and first.ready() else None
        if seen is None:  # read the usual way, off this thread
            self.catalogue.load_saved()
            self.ownership.refresh()
        else:
            self._show_first(seen)
        AfterFirstPaint(self.home_view.pages, lambda: self.home_view.loaded, self.after_first_paint)
        # The sync starts once the window has painted (a slow machine's paint may take
        # longer than the delay) and the catalogue has been asked for: opening it imports
        # the HTTP stack and SQLite files, which would compete with the first paint for the
        # GIL (measured: start-up went from 1.8x to 2.5x the bare window when both ran).
        self.after_first_paint.append(
            lambda: QTimer.singleShot(SYNC_START_DELAY_MS, self.start_sync)
        )

    def _show_first(self, seen: FirstView) -> None:
        if seen.ownership is None:
            self.ownership.refresh()
        else:
            self.ownership.show_ownership(seen.ownership)
        if seen.home is not None:
            self.home.show_saved(seen.home)
            self.after_first_paint.append(self.home.refresh)  # read anew after the paint
        if seen.catalog is None:
            self.catalogue.refresh()  # nothing saved to show: the platform's, at once
        else:
            self.catalogue.show_saved(seen.catalog)
            # Asking the platform (the HTTP stack's import, a request) waits until the
            # first view has painted with the saved copy.
            self.after_first_paint.append(self.catalogue.refresh)

    def start_sync(self) -> None:
        if self.context.sync is not None:
            return
        self.network.watch()
        context, report = self.context, self.events.report_sync
        run_in_background(self, lambda: context.start_sync(report), None, self._sync_failed)

    def _sync_failed(self, error: BaseException) -> None:
        self.catalogue.show_error(*describe(error))

    # --- progress sync --------------------------------------------------------------

    def sync_now(self) -> None:
        if self.context.sync is not None:
            self.context.sync.sync_now()

    def _network_changed(self, online: bool) -> None:
        if self.context.sync is not None:
            self.context.sync.network_changed(online)

    def _ask_platform_now(self) -> None:
        """The demo platform was switched off or on: said now, not at the next probe."""
        self.catalogue.refresh()
        self.sync_now()

    # --- the catalogue, as tests and tools know it --------------------------------------

    @property
    def catalog_shown(self) -> Any:  # the catalogue controller's ``shown`` signal
        return self.catalogue.shown

    @property
    def catalog_view(self) -> CatalogView:
        return self.catalogue.view

    def refresh_catalog(self) -> None:
        self.catalogue.refresh()

    def has_catalogue(self) -> bool:
        return self.catalogue.has_catalogue()

    @property
    def appearance(self) -> AppearanceMenu:
        return self.menus.appearance

    def set_language(self, code: str) -> None:
        self.menus.set_language(code)

    # --- the tabs -----------------------------------------------------------------------

    @property
    def library_view(self) -> LibraryView:
        return self._library_tab.view()

    @property
    def account_view(self) -> AccountView:
        return self._account_tab.view()

    @property
    def certificates_view(self) -> CertificatesView:
        return self._certificates_tab.view()

    def current_tab(self) -> str:
        """Which tab is shown: "home", "catalogue", "library", "account", "certificates"."""
        names = ("home", "catalogue", "library", "account", "certificates")
        return names[self.tabs.currentIndex()]

    def tab_built(self, name: str) -> bool:
        """Whether a tab's view is built yet (each is built when first opened)."""
        index = ("home", "catalogue", "library", "account", "certificates").index(name)
        page = self.tabs.widget(index)
        return not isinstance(page, LazyTab) or page.created

    def show_certificates(self) -> CertificatesView:
        self.tabs.setCurrentWidget(self._certificates_tab)
        return self.certificates_view

    def show_catalogue(self) -> None:
        self.go_to_tab(self.tabs.indexOf(self.catalogue.tab))

    def resume_course(self, course_id: str, chapter_id: str | None) -> None:
        """From the home view: the course in the library, its chapter in the reader."""
        self.show_library().open_course(course_id, chapter_id)

    def show_library(self) -> LibraryView:
        self.tabs.setCurrentWidget(self._library_tab)
        return self.library_view

    def show_account(self) -> AccountView:
        self.tabs.setCurrentWidget(self._account_tab)
        return self.account_view

    def _open_in_library(self, course: CatalogEntry) -> None:
        self.show_library().add_course(course.id)

    def _wallet_open(self) -> bool:
        return self._certificates_tab.created and self.certificates_view.isVisible()

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self._certificates_tab:  # the wallet says it now
            self.announcer.seen()

    def _make_library_view(self) -> LibraryView:
        from companion.ui.views.library_view import LibraryView

        view = LibraryView(
            self.events,
            self.context.library,
            self.context.progress,
            self.context.paths.cache_dir / "open",
            self.context.progress_for,
        )
        view.catalogue_requested.connect(self.show_catalogue)
        if self.catalogue.courses:
            view.set_courses(self.catalogue.courses)
        QTimer.singleShot(0, self.events.library_opened.emit)
        return view

    def _make_sites_panel(self) -> SiteAccountsPanel:
        from companion.ui.views.site_accounts_panel import SiteAccountsPanel

        context = self.context
        self.sites_panel = SiteAccountsPanel.of(  # the account tab's other sites
            context.site_accounts, context.site_progress, context.library, self.events
        )
        self.sites_panel.changed.connect(self.sync_now)  # a new account: send what waited
        return self.sites_panel

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
        view.add_section(self._make_sites_panel())
        return view

    def _make_certificates_view(self) -> CertificatesView:
        from companion.ui.views.badges_section import BadgesSection
        from companion.ui.views.certificates_view import CertificatesView

        context = self.context
        view = CertificatesView(
            self.events,
            my_certificates=context.my_certificates,
            wallet=context.certificates,
            attestation=context.attestation,
        )
        view.add_section(BadgesSection(self.events, context.site_progress))
        return view

    def _keep_study_time(self) -> None:
        """Before a sign-out or the window closing: the chapter being read is the learner's
        study time, kept now."""
        if self._library_tab.created:
            self.library_view.study.pause(wait=True)

    def _stop_waiting(self) -> None:
        if self._account_tab.created:
            self.account_view.stop_waiting()

    # --- other windows ------------------------------------------------------------------

    @property
    def diagnostic(self) -> DiagnosticController | None:
        """The Diagnostic window's controller, once opened."""
        return self._diagnostic

    def show_diagnostic(self) -> DiagnosticController:
        if self._diagnostic is None:
            from companion.ui.diagnostic import DiagnosticController

            self._diagnostic = DiagnosticController(self, self.context.diagnosis)
        self._diagnostic.open()
        return self._diagnostic

    def kiosk(self, idle_seconds: float | None = None) -> KioskController:
        """The shared computer's window (machine policy): full screen sign-in, idle wipe."""
        from companion.ui.kiosk import KioskController

        context = self.context
        idle_seconds = idle_seconds or context.settings.value(KIOSK_IDLE_MINUTES) * 60
        end, sessions = (lambda: context.end_kiosk_session(None)), context.kiosk
        return KioskController(self, idle_seconds, end, sessions)

    def welcome_needs(self) -> WelcomeNeeds:
        """What the first-run welcome uses (``welcome.welcome_if_first_run``)."""
        from companion.ui.welcome import WelcomeNeeds

        context = self.context
        return WelcomeNeeds(
            context.settings,
            context.profile_dir,
            self.catalogue.platform_changed,
            self.show_account,
        )
