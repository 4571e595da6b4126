"""Colours and text size for everyone (issue 13): the system's light or dark mode, a high-
contrast theme, and a zoom that every view follows.

Every colour the app uses has a name here, in each theme; the style sheet
(resources/styles/app.qss) names them as ``@name``, and widgets that paint for themselves
ask ``colour(name)`` when they paint, so a change of theme shows at once, everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from companion.resources import resource
from companion.services import system_colours

THEMES = ("system", "light", "dark", "high-contrast")
ZOOM_STEPS = (80, 90, 100, 110, 125, 150, 175, 200)

_LIGHT = {
    "window": "#ffffff",
    "surface": "#f5f7f9",
    "text": "#1b2733",
    "title": "#1f3b53",
    "muted": "#4d5b69",
    "link": "#1f5f8b",
    "separator": "#d5dde5",
    "focus": "#0b57d0",
    "focus_on_primary": "#b04a00",  # 3:1 and more on the window, beside a primary button
    "button_border": "#6b7b8b",
    "button_hover": "#e8eef3",
    "disabled_border": "#c5ced6",
    "disabled_text": "#8a99a8",
    "primary": "#1f5f8b",
    "primary_border": "#1a4f74",
    "primary_hover": "#25709f",
    "primary_text": "#ffffff",
    "primary_disabled": "#9fb3c3",
    "primary_disabled_text": "#f4f6f8",
    "marker": "#1f3b53",
    "marker_text": "#ffffff",
    "error_bg": "#fdecea",
    "error_border": "#e6a39d",
    "info_bg": "#e8f1f8",
    "info_border": "#9dc0dc",
    "warning_bg": "#fff4d6",
    "warning_border": "#e5c56b",
    "ok_bg": "#e6f4ea",
    "ok_border": "#7cb98f",
    "scroll": "#eef1f4",
    "scroll_handle": "#9aa9b7",
    "scroll_handle_hover": "#5f7386",
    "right": "#1b6e3a",
    "wrong": "#b3261e",
    "good": "#2e8b57",
    "busy": "#1f5fa8",
    "warning": "#8a5a00",
    "waiting": "#c58b00",
    "bad": "#b3261e",
    "neutral": "#6b6b6b",
    "info": "#3b4a5a",
    # The selection and the home cards' primary button: the primary blue, white text
    # (6.8:1; the system's white on #308cc6 was 3.7:1).
    "highlight": "#1f5f8b",
    "highlight_text": "#ffffff",
    "card": "#ffffff",
    "card_border": "#cfd8e0",
    "bar": "#dde4ea",
    "bar_border": "#6b7b8b",  # the track's edge, 3:1 on the window (was 1.28:1)
    "bar_fill": "#2e7d4f",
}

_DARK = {
    **_LIGHT,
    "window": "#1e2329",
    "surface": "#2a3139",
    "text": "#e6edf3",
    "title": "#cfe3f5",
    "muted": "#a9b6c2",
    "link": "#8cc4ee",
    "separator": "#3d4752",
    "focus": "#7fb2ff",
    "focus_on_primary": "#ffc94d",
    "button_border": "#7d8a97",
    "button_hover": "#343d47",
    "disabled_border": "#3d4752",
    "disabled_text": "#7d8a97",
    "primary": "#2d78ad",
    "primary_border": "#5d9ccc",
    "primary_hover": "#3587c1",
    "primary_disabled": "#3b4f60",
    "primary_disabled_text": "#9aa9b7",
    "marker": "#cfe3f5",
    "marker_text": "#1e2329",
    "error_bg": "#4a2522",
    "error_border": "#b5544c",
    "info_bg": "#1f3447",
    "info_border": "#4f7ea6",
    "warning_bg": "#43361a",
    "warning_border": "#a88a3a",
    "ok_bg": "#1d3b28",
    "ok_border": "#4f9a68",
    "scroll": "#262c33",
    "scroll_handle": "#56636f",
    "scroll_handle_hover": "#7d8a97",
    "right": "#6fd08c",
    "wrong": "#ff8a80",
    "good": "#6fd08c",
    "busy": "#8cc4ee",
    "warning": "#f0c060",
    "waiting": "#f0c060",
    "bad": "#ff8a80",
    "neutral": "#a9b6c2",
    "info": "#c4d0db",
    "highlight": "#2f5b82",
    "highlight_text": "#ffffff",
    "card": "#262c33",
    "card_border": "#3d4752",
    "bar": "#3d4752",
    "bar_border": "#7d8a97",
    "bar_fill": "#6fd08c",
}

# Black on white with pure, strong colours and thick rings: for learners who see poorly.
_HIGH_CONTRAST = {
    **_LIGHT,
    "surface": "#ffffff",
    "text": "#000000",
    "title": "#000000",
    "muted": "#000000",
    "link": "#0000c0",
    "separator": "#000000",
    "focus": "#c00000",
    "focus_on_primary": "#c00000",
    "button_border": "#000000",
    "button_hover": "#ffff80",
    "disabled_border": "#595959",
    "disabled_text": "#595959",
    "primary": "#000080",
    "primary_border": "#000000",
    "primary_hover": "#0000c0",
    "primary_disabled": "#595959",
    "primary_disabled_text": "#ffffff",
    "marker": "#000000",
    "error_bg": "#ffffff",
    "error_border": "#c00000",
    "info_bg": "#ffffff",
    "info_border": "#000080",
    "warning_bg": "#ffffff",
    "warning_border": "#000000",
    "ok_bg": "#ffffff",
    "ok_border": "#006400",
    "scroll": "#ffffff",
    "scroll_handle": "#000000",
    "scroll_handle_hover": "#000080",
    "right": "#006400",
    "wrong": "#c00000",
    "good": "#006400",
    "busy": "#000080",
    "warning": "#000000",
    "waiting": "#000000",
    "bad": "#c00000",
    "neutral": "#000000",
    "info": "#000000",
    "highlight": "#000080",
    "highlight_text": "#ffffff",
    "card": "#ffffff",
    "card_border": "#000000",
    "bar": "#ffffff",
    "bar_border": "#000000",
    "bar_fill": "#006400",
}

PALETTES = {"light": _LIGHT, "dark": _DARK, "high-contrast": _HIGH_CONTRAST}

_current = {"name": "light"}
_applied = False  # a theme was applied: a switch back to light resets the palette


def current() -> str:
    return _current["name"]


def colour(name: str) -> str:
    """A colour of the theme in use, by name (``"muted"``, ``"right"``…)."""
    return PALETTES[_current["name"]][name]


def resolve(choice: str, system_is_dark: bool) -> str:
    """The theme to show for a setting: ``system`` follows the system's light or dark."""
    if choice in PALETTES:
        return choice
    return "dark" if system_is_dark else "light"


def style_sheet(name: str, zoom_percent: int = 100) -> str:
    """app.qss with this theme's colours (and, for high contrast, thicker rings)."""
    text = resource("styles", "app.qss").read_text(encoding="utf-8")
    check = resource("styles", f"check-{name}.svg").as_posix()  # a check box's tick
    text = text.replace("@check_image", check)
    side = round(14 * zoom_percent / 100)  # px: the box grows with the text, like points
    text = text.replace("@indicator_radius", f"{side // 2 + 2}px")  # round, border included
    text = text.replace("@indicator_size", f"{side}px")
    colours = PALETTES[name]
    for key in sorted(colours, key=len, reverse=True):  # @primary_hover before @primary
        text = text.replace("@" + key, colours[key])
    if name == "high-contrast":
        text = text.replace("2px solid", "3px solid")
    # Sizes given in points grow with the zoom, as the application font does.
    return re.sub(r"(\d+)pt\b", lambda m: f"{round(int(m.group(1)) * zoom_percent / 100)}pt", text)


def system_is_dark() -> bool:
    """Whether the system's colours are dark now (this sets up Qt's namespace: 30-45 ms)."""
    from companion.ui import qt

    return bool(qt.QGuiApplication.styleHints().colorScheme() == qt.Qt.ColorScheme.Dark)


def apply(app: Any, choice: str, zoom_percent: int, system_dark: bool | None = None) -> str:
    """Show ``choice`` (a THEMES value) at ``zoom_percent``; returns the theme shown.
    ``system_dark``: the system's colours as last seen (see ``SystemColours``); None asks."""
    if choice in PALETTES:
        name = choice
    else:
        name = resolve(choice, system_is_dark() if system_dark is None else system_dark)
    global _applied
    shown_before, _applied = _applied, True
    _current["name"] = name
    if name == "light":
        # The system's own light look: what an application starts with, so only a switch
        # back from another theme sets it (QStyle takes 15 ms to set up at start)...
        base = app.style().standardPalette() if shown_before else app.palette()
        app.setPalette(_light_accents(base))  # ...with readable selection and hints
    else:
        app.setStyle("Fusion")  # the one style that draws every control from the palette
        app.setPalette(_palette(name))
    _zoom(app, zoom_percent)
    app.setStyleSheet(style_sheet(name, zoom_percent))
    return name


_BASE_POINT_SIZE: dict[str, float] = {}


def _zoom(app: Any, zoom_percent: int) -> None:
    """The application font at ``zoom_percent`` of the system's: every widget, the style
    sheet's sizes in points and the painted catalogue follow it."""
    if zoom_percent == 100 and "size" not in _BASE_POINT_SIZE:
        return  # never changed: the application has the system's font already
    font = app.font()
    base = _BASE_POINT_SIZE.setdefault("size", font.pointSizeF() or 10.0)
    font.setPointSizeF(base * zoom_percent / 100)
    app.setFont(font)


def _palette(name: str) -> Any:
    from companion.ui import qt

    colours = PALETTES[name]
    palette = qt.QPalette()
    role = qt.QPalette.ColorRole
    pairs = {
        role.Window: "window",
        role.WindowText: "text",
        role.Base: "window",
        role.AlternateBase: "surface",
        role.Text: "text",
        role.Button: "surface",
        role.ButtonText: "text",
        role.ToolTipBase: "surface",
        role.ToolTipText: "text",
        role.PlaceholderText: "muted",
        role.Highlight: "highlight",
        role.HighlightedText: "highlight_text",
        role.Link: "link",
        role.BrightText: "wrong",
    }
    for which, key in pairs.items():
        palette.setColor(which, qt.QColor(colours[key]))
    disabled = qt.QPalette.ColorGroup.Disabled
    for which in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, which, qt.QColor(colours["disabled_text"]))
    return palette


def _light_accents(palette: Any) -> Any:
    """The system's light palette with this theme's selection and placeholder colours: the
    system's white on #308cc6 selection is 3.7:1 and its placeholder grey 4.0:1, under
    WCAG AA's 4.5:1 for text (issue 27)."""
    from companion.ui import qt

    colours, role = PALETTES["light"], qt.QPalette.ColorRole
    for which, key in (
        (role.Highlight, "highlight"),
        (role.HighlightedText, "highlight_text"),
        (role.PlaceholderText, "muted"),
    ):
        palette.setColor(which, qt.QColor(colours[key]))
    return palette


class SystemColours:
    """The system's light or dark as seen at the last start (services/system_colours.py),
    so that a start can apply the theme without asking Qt before its first paint; asked
    once the window has painted, and followed when it changes while Companion runs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.remembered = system_colours.remembered(folder)  # None: the start asks Qt

    def check(self, reapply: Callable[[], None]) -> None:
        """After the first paint: the system's colours now; ``reapply`` when they are not
        the ones remembered, and whenever they change from now on."""
        from companion.ui import qt

        self._keep(reapply)
        hints = qt.QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(lambda _scheme: self._keep(reapply))

    def _keep(self, reapply: Callable[[], None]) -> None:
        dark = system_is_dark()
        if dark == self.remembered:
            return
        known_before = self.remembered is not None
        self.remembered = dark
        if known_before:
            reapply()  # the system changed since the last start, or just now
        system_colours.remember(self.folder, dark)
