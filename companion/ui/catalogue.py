"""The catalogue's controller: the saved copy first, then the platform's; the error when it
cannot be asked; which courses are already in the learner's library. Its view (the
Catalogue tab) is built when first shown and given what is known by then."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from companion import formatting
from companion.domain import CatalogEntry
from companion.errors import UserFacingError, describe
from companion.i18n import _
from companion.services.catalog import CatalogResult

from companion.ui.bridge import run_in_background
from companion.ui.events import EventHub
from companion.ui.qt import QObject, Signal
from companion.ui.widgets.connection_indicator import ConnectionState, Reachability
from companion.ui.widgets.lazy_tab import LazyTab

if TYPE_CHECKING:
    from companion.ui.views.catalog_view import CatalogView


class CatalogueController(QObject):
    shown = Signal()  # after the view got a result or an error; tests wait on it
    platform_switched = Signal()  # the connection was opened again on the new platform
    add_requested = Signal(object)  # a CatalogEntry the learner wants in their library

    def __init__(
        self,
        parent: QObject,
        events: EventHub,
        reachability: Reachability,
        *,
        saved: Callable[[], CatalogResult | None],
        ask: Callable[[], CatalogResult],
        my_courses: Callable[[], list[str]],
        answered: Callable[[], None],
        close_connection: Callable[[], object],
    ) -> None:
        """``saved``: the copy kept on this computer; ``ask``: the platform's (a worker
        waits on the network); ``my_courses``: the learner's library, read once it is
        open; ``answered``: told when the platform answered (the sync sends what
        waited); ``close_connection``: before asking another platform."""
        super().__init__(parent)
        self.events = events
        self.reachability = reachability
        self._saved = saved
        self._ask = ask
        self._my_courses = my_courses
        self._answered = answered
        self._close_connection = close_connection
        self.tab: LazyTab[CatalogView] = LazyTab(self._make_view)
        self.courses: list[CatalogEntry] = []
        self._last_result: CatalogResult | None = None
        self._error: tuple[str, str, str] | None = None
        self._in_library: list[str] | None = None
        self._asked = False  # an answer is awaited: F5 again takes no second worker
        self._library_open = False
        events.learner_changed.connect(self.mark_my_courses)
        events.library_opened.connect(self._library_opened)
        events.network_changed.connect(self._network_changed)
        events.language_changed.connect(self.retranslate)

    @property
    def view(self) -> CatalogView:
        """The catalogue screen, built the first time it is shown or asked for: its list,
        search and delegate are not needed for the first paint (issue 14)."""
        return self.tab.view()

    def has_catalogue(self) -> bool:
        """Courses from the platform (or its saved copy) are known."""
        return bool(self.courses)

    def retranslate(self) -> None:  # the view says its own texts (the window asks it)
        self._show_updated()

    # --- the saved copy, then the platform's ------------------------------------------

    def load_saved(self) -> None:
        """Read the saved copy off this thread, show it, then ask the platform."""
        run_in_background(self, self._saved, self._saved_ready, self._saved_failed, local=True)

    def _saved_ready(self, result: CatalogResult | None) -> None:
        if result is not None:
            self.show_saved(result)
        self.refresh()

    def _saved_failed(self, error: BaseException) -> None:
        """The saved copy could not be read: logged, and the platform's is asked for."""
        describe(error)
        self.refresh()

    def show_saved(self, result: CatalogResult) -> None:
        if self._last_result is None:
            self._last_result = result
            self._show_result(result)

    def refresh(self) -> None:
        if self._asked:  # a slow platform: the answer on its way will be shown
            return
        self._asked = True
        self.reachability.connecting()
        if self.tab.created:
            self.view.show_loading()
        run_in_background(self, self._ask, self._ready, self._failed)

    def _ready(self, result: CatalogResult) -> None:
        self._asked = False
        self._last_result = result
        self.reachability.catalogue_answered(result.online)
        if result.online:
            self._answered()  # back online: send what waited
        self._show_result(result)
        self.mark_my_courses()
        self.shown.emit()

    def _failed(self, error: BaseException) -> None:
        self._asked = False
        message, hint, reference = describe(error)
        offline = isinstance(error, UserFacingError)
        self.reachability.catalogue_answered(not offline)
        self.show_error(message, hint, reference)
        self.shown.emit()

    def _network_changed(self, online: bool) -> None:
        if online and self.reachability.state is ConnectionState.OFFLINE:
            self.refresh()

    def platform_changed(self) -> None:
        """The learner chose another platform (the first-run welcome): the connection is
        opened again on a worker (stopping the demo platform may wait), then the catalogue
        is asked of the new one, after any answer still on its way from the old one."""

        def ask_again(_closed: object) -> None:
            self.platform_switched.emit()  # the status bar's platform
            if self._asked:
                self.shown.connect(self._ask_once_more)
            else:
                self.refresh()

        run_in_background(self, self._close_connection, ask_again, self._failed)

    def _ask_once_more(self) -> None:
        self.shown.disconnect(self._ask_once_more)
        self.refresh()

    # --- what the view shows ----------------------------------------------------------

    def _make_view(self) -> CatalogView:
        from companion.ui.views.catalog_view import CatalogView

        view = CatalogView()
        view.retry_requested.connect(self.refresh)
        view.add_requested.connect(self.add_requested)
        if self._last_result is not None:
            view.show_result(self._last_result)
        if self._error is not None:
            view.show_error(*self._error)
        elif self._asked:
            view.show_loading()
        if self._in_library is not None:
            view.set_in_library(self._in_library)
        view.updated.setText(self._updated_text())
        return view

    def _show_result(self, result: CatalogResult) -> None:
        self._error = None
        if self.tab.created:
            self.view.show_result(result)
        self.courses = result.courses
        self.events.courses_known.emit(result.courses)
        self._show_updated()

    def show_error(self, message: str, hint: str, reference: str) -> None:
        self._error = (message, hint, reference)
        if self.tab.created:
            self.view.show_error(message, hint, reference)

    def _show_updated(self) -> None:
        if self.tab.created:
            self.view.updated.setText(self._updated_text())

    def _updated_text(self) -> str:
        result = self._last_result
        if result is None or result.fetched_at is None:
            return ""
        when = formatting.moment(result.fetched_at)
        if result.online:
            return _("Catalogue updated {when}").format(when=when)
        return _("Saved copy from {when}").format(when=when)

    # --- the learner's courses, marked ------------------------------------------------

    def _library_opened(self) -> None:
        self._library_open = True
        self.mark_my_courses()

    def mark_my_courses(self) -> None:
        """The catalogue says which courses are already in the learner's library. Read once
        the library is open: opening the learner's progress earlier would settle whose it
        is before a sign-in or a kiosk hand-over had their say."""
        if self._library_open:
            run_in_background(self, self._my_courses, self._in_library_ready, local=True)

    def _in_library_ready(self, course_ids: list[str]) -> None:
        self._in_library = course_ids
        if self.tab.created:
            self.view.set_in_library(course_ids)
