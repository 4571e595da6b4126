"""The main window's menus and shortcuts: File (refresh, sync, profile, demo offline,
quit), View (language, appearance, the tabs), Help (diagnostic, about). Their titles are
made with the window; their actions once the first view has painted (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion import __version__, i18n
from companion.errors import UserFacingError
from companion.i18n import _
from companion.settings import Settings

from companion.ui import qt
from companion.ui.appearance import AppearanceMenu
from companion.ui.qt import QAction
from companion.ui.translations import install_qt_translations

if TYPE_CHECKING:
    from companion.ui.demo_offline import DemoOfflineSwitch
    from companion.ui.shell import Shell

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


@dataclass
class MenuCommands:
    """What the menus do, given by the composition root."""

    refresh: Callable[[], None]
    sync_now: Callable[[], None]
    switch_profile: Callable[[], None]
    show_diagnostic: Callable[[], object]
    show_about: Callable[[], None]
    demo_switch: Callable[[Any], DemoOfflineSwitch]  # made in the File menu given


class MainMenus:
    def __init__(self, window: Shell, settings: Settings, commands: MenuCommands) -> None:
        self.window = window
        self.settings = settings
        self.commands = commands
        self.filled = False
        self.profile_switching = True
        bar = window.menuBar()
        self.file = bar.addMenu("")
        self.view = bar.addMenu("")
        self.help = bar.addMenu("")

    def fill(self) -> None:
        if self.filled:
            return
        window, commands = self.window, self.commands
        self.refresh_action = self._action(commands.refresh, "F5")
        self.sync_action = self._action(commands.sync_now, "Ctrl+Shift+S")
        self.profile_action = self._action(commands.switch_profile)
        self.quit_action = self._action(window.close, "Ctrl+Q")
        self.file.addActions([self.refresh_action, self.sync_action, self.profile_action])
        self.demo_offline = commands.demo_switch(self.file)
        self.file.addSeparator()
        self.file.addAction(self.quit_action)
        self.language_menu = self.view.addMenu("")
        group = qt.QActionGroup(window)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGE_NAMES.items():
            action = QAction(window)  # (text, parent) would set up QIcon for its overloads
            action.setText(name)
            action.setCheckable(True)
            action.setChecked(code == i18n.current_language())
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        self.view.addSeparator()
        self.appearance = AppearanceMenu(window, self.view, self.settings)
        self._build_tab_shortcuts()
        self.diagnostic_action = self._action(commands.show_diagnostic)
        self.help.addAction(self.diagnostic_action)
        self.about_action = self._action(commands.show_about)
        self.help.addAction(self.about_action)
        self.filled = True
        self.allow_profile_switching(self.profile_switching)
        self.retranslate()

    def _action(self, slot: Callable[[], object], key: str = "") -> QAction:
        action = QAction(self.window)
        if key:
            qt.shortcut(action, key)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_tab_shortcuts(self) -> None:
        """Ctrl+1..4 open each tab, Ctrl+Tab and Ctrl+Shift+Tab go round them, from any
        widget: QTabWidget's own Ctrl+Tab works only once the focus is inside it. The
        focus follows into the tab, so the next Tab or arrow acts there."""
        window = self.window
        self.view.addSeparator()
        self.tab_actions: list[QAction] = []
        for index in range(window.tabs.count()):
            action = self._action(partial(window.go_to_tab, index), f"Ctrl+{index + 1}")
            self.view.addAction(action)
            self.tab_actions.append(action)
        for sequence, step in (("Ctrl+Tab", 1), ("Ctrl+Shift+Tab", -1)):
            # In no menu: the habit of every tabbed program.
            window.addAction(self._action(partial(window.next_tab, step), sequence))

    def allow_profile_switching(self, allowed: bool) -> None:
        self.profile_switching = allowed
        if self.filled:
            self.profile_action.setVisible(allowed)
            self.profile_action.setEnabled(allowed)

    def retranslate(self) -> None:
        self.file.setTitle(_("&File"))
        self.view.setTitle(_("&View"))
        self.help.setTitle(_("&Help"))
        if not self.filled:
            return
        self.refresh_action.setText(_("&Refresh the catalogue"))
        self.sync_action.setText(_("&Sync progress now"))
        self.quit_action.setText(_("&Quit"))
        self.profile_action.setText(_("Switch &profile…"))
        for index, action in enumerate(self.tab_actions):
            action.setText(_("Go to {tab}").format(tab=self.window.tabs.tabText(index)))
        self.language_menu.setTitle(_("&Language"))
        self.about_action.setText(_("&About Companion"))
        self.diagnostic_action.setText(_("&Diagnostic…"))
        self._show_managed_language()
        self.demo_offline.retranslate()
        self.appearance.retranslate()

    def _show_managed_language(self) -> None:
        """A language fixed by the machine policy is shown as managed, not offered."""
        locked = self.settings.is_locked("ui.language")
        for action in self.language_actions.values():
            action.setEnabled(not locked)
        if locked:
            self.language_menu.setTitle(_("&Language (managed by your organisation)"))

    def set_language(self, code: str) -> None:
        try:
            self.settings.set("ui.language", code)
        except UserFacingError as error:
            qt.QMessageBox.information(self.window, error.message, error.hint)
            if self.filled:
                self.language_actions[i18n.current_language()].setChecked(True)
            return
        i18n.install(code)
        install_qt_translations(code)
        if self.filled:
            self.language_actions[code].setChecked(True)
        self.window.retranslate()

    @property
    def demo_offline_checked(self) -> bool:
        return self.filled and self.demo_offline.action.isChecked()


def show_about(parent: Any, profile: str, profile_dir: Path) -> None:
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
        profile=profile,
        data=profile_dir,
    )
    qt.QMessageBox.about(parent, _("About Companion"), details)
