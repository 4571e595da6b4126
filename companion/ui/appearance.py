"""View › Colours and View › Text size (issue 13): the learner's choice, kept in the user
settings and shown at once in every view (theme.py does the showing)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from companion.errors import UserFacingError
from companion.i18n import _
from companion.settings import UI_THEME, UI_ZOOM_PERCENT

from companion.ui import qt, theme
from companion.ui.qt import QAction, QApplication

if TYPE_CHECKING:
    from companion.settings import Settings

    from companion.ui.shell import Shell

log = logging.getLogger("companion.ui")


def _theme_names() -> dict[str, str]:
    return {
        "system": _("As the &system (light or dark)"),
        "light": _("&Light"),
        "dark": _("&Dark"),
        "high-contrast": _("&High contrast"),
    }


class AppearanceMenu:
    """The colours submenu and the zoom actions (Ctrl++, Ctrl+-, Ctrl+0) in ``menu``."""

    def __init__(self, window: Shell, menu: Any, settings: Settings) -> None:
        self.window = window
        self.settings = settings
        self.colours_menu = menu.addMenu("")
        group = qt.QActionGroup(window)
        self.theme_actions: dict[str, QAction] = {}
        for name in theme.THEMES:
            action = QAction(window, checkable=True)
            action.setChecked(name == self.settings.value(UI_THEME))
            action.triggered.connect(lambda _checked=False, n=name: self.choose_theme(n))
            group.addAction(action)
            self.colours_menu.addAction(action)
            self.theme_actions[name] = action
        self.zoom_in = self._action(menu, ("Ctrl++", "Ctrl+="), lambda: self.step_zoom(1))
        self.zoom_out = self._action(menu, ("Ctrl+-",), lambda: self.step_zoom(-1))
        self.zoom_reset = self._action(menu, ("Ctrl+0",), lambda: self.set_zoom(100))

    def _action(self, menu: Any, keys: tuple[str, ...], slot: Any) -> QAction:
        action = QAction(self.window)
        action.setShortcuts([qt.QKeySequence(key) for key in keys])
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def retranslate(self) -> None:
        self.colours_menu.setTitle(_("&Colours"))
        for name, text in _theme_names().items():
            self.theme_actions[name].setText(text)
        self.zoom_in.setText(_("&Larger text"))
        self.zoom_out.setText(_("S&maller text"))
        self.zoom_reset.setText(_("&Usual text size"))
        locked = self.settings.is_locked("ui.theme")
        for action in self.theme_actions.values():
            action.setEnabled(not locked)

    @property
    def zoom(self) -> int:
        return self.settings.value(UI_ZOOM_PERCENT)

    def step_zoom(self, direction: int) -> None:
        steps = theme.ZOOM_STEPS
        nearest = min(range(len(steps)), key=lambda i: abs(steps[i] - self.zoom))
        self.set_zoom(steps[max(0, min(len(steps) - 1, nearest + direction))])

    def set_zoom(self, percent: int) -> None:
        if self._save("ui.zoom_percent", percent):
            self.refresh()

    def choose_theme(self, name: str) -> None:
        if self._save("ui.theme", name):
            self.refresh()
        self.theme_actions[self.settings.value(UI_THEME)].setChecked(True)

    def _save(self, key: str, value: object) -> bool:
        try:
            self.settings.set(key, value)
        except UserFacingError as error:  # managed by the organisation, or not writable
            log.info("appearance not changed: %s", error.message)
            return False
        return True

    def refresh(self) -> None:
        """Show the chosen colours and size again (also when the system's colours change)."""
        app = QApplication.instance()
        theme.apply(app, self.settings.value(UI_THEME), self.zoom)
        self.window.retranslate()  # colours set in code follow too
        self.window.update()
