"""The one place that imports PySide6 (STYLE 2): swapping bindings touches only this file.

PySide6 sets up each Python type the first time it is imported, which costs up to a few
milliseconds per class. The names the first window needs are imported now; the others
(the library, reader and account screens' widgets) on first use, through ``__getattr__``.
"""

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    QRect,
    QRunnable,
    QSize,
    QThreadPool,
    QTimer,
    QtMsgType,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStatusBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtWidgets import QLabel as _QtLabel
from shiboken6 import VoidPtr, getCppPointer
from shiboken6 import isValid as is_alive  # noqa: N813 - true while the C++ object lives


def _uses_pyside(module: Any) -> bool:
    """Whether ``module`` works with PySide6's types: in Companion, the ui package only."""
    name = getattr(module, "__name__", "")
    return name == "__main__" or name == "companion.ui" or name.startswith("companion.ui.")


def _no_source_scan() -> None:
    """PySide6 reads the source of every module imported after it (``inspect.getsource``)
    to look for the word "PySide6": a module that has it may switch on its ``__feature__``
    options (snake_case names, true properties). Companion uses none, and knows which of
    its modules use PySide6 (this package, STYLE 2): said by name instead of read from
    disk, 46 modules, 9-10 ms before the first paint (issue 14), and every import after.
    Were PySide6 to move this, the scan would come back (tests/ui/test_qt_binding.py)."""
    feature = import_module("PySide6.support.feature")
    if callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = _uses_pyside  # type: ignore[attr-defined]


_no_source_scan()


class _QtNamespace:
    """``Qt`` (alignments, keys, roles...), made when first used.

    PySide6 sets up all of the namespace's 93 enums the first time any is used: 30-45 ms,
    on this 2-core machine, which the window's first paint does not need to wait for
    (issue 14). Everything else behaves as ``PySide6.QtCore.Qt``."""

    def __getattr__(self, name: str) -> Any:
        real = import_module("PySide6.QtCore").Qt
        global Qt
        Qt = real  # type: ignore[misc] # later imports of ``Qt`` from here get the real one
        return getattr(real, name)


if TYPE_CHECKING:
    from PySide6.QtCore import Qt
else:
    Qt = _QtNamespace()

_namespace_waiters: list[Callable[[], None]] = []


def namespace_ready() -> bool:
    """Whether ``Qt`` is set up (by us or by PySide6 itself): using it then costs nothing.
    PySide6 puts a type in its module once made (PYSIDE-2404); were that to change, this
    would say True, and nothing would wait."""
    return "Qt" in vars(import_module("PySide6.QtCore"))


def when_namespace_ready(callback: Callable[[], None]) -> None:
    """Call ``callback`` now if ``Qt`` is set up, else once ``set_up_namespace`` has run
    (the window does, after its first paint): for refinements the first paint can do
    without, such as shortening a label with "…"."""
    if namespace_ready():
        callback()
    elif callback not in _namespace_waiters:  # asked again before: once is enough
        _namespace_waiters.append(callback)


def set_up_namespace() -> None:
    Qt.AlignmentFlag  # noqa: B018 - the first use sets it up
    waiting, _namespace_waiters[:] = list(_namespace_waiters), []
    for callback in waiting:
        callback()


class Early:
    """A few of ``Qt``'s values as the numbers they are, for the widgets of the window's
    first paint, set through Qt properties (``widget.setProperty("alignment",
    Early.ALIGN_CENTER)``): naming them through ``Qt`` would set up its whole namespace
    first (see ``_QtNamespace``). tests/ui/test_qt_binding.py holds them equal to Qt's."""

    PLAIN_TEXT = 0  # Qt.TextFormat.PlainText
    ALIGN_CENTER = 0x0084  # Qt.AlignmentFlag.AlignCenter
    NO_FOCUS = 0  # Qt.FocusPolicy.NoFocus
    SELECTABLE_BY_MOUSE = 1  # Qt.TextInteractionFlag.TextSelectableByMouse


def shortcut(action: Any, keys: str) -> None:
    """``action.setShortcut(keys)``, without setting up ``Qt`` (its overloads do)."""
    action.setShortcuts([import_module("PySide6.QtGui").QKeySequence(keys)])


class QLabel(_QtLabel):
    """A label that shows its text as written: never as rich text, whatever it holds.

    Qt guesses (``Qt.AutoText``) and renders anything that looks like HTML, so a course
    title from the platform once drew a huge red "PAYEZ ICI" and a link (issue 12). The
    few labels that format text of their own choose ``Qt.TextFormat.RichText`` explicitly,
    and escape what they put in it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setProperty("textFormat", Early.PLAIN_TEXT)  # setTextFormat(Qt...PlainText)


def rich_label(html_text: str = "") -> QLabel:
    """A label for formatting made here; every outside text in it must be escaped."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(html_text)
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip showing ``text`` as written (Qt renders tooltips that look like HTML)."""
    if "<" not in text:  # no tag: Qt's guess is plain text (and its namespace not set up)
        return text
    from html import escape

    from PySide6.QtGui import Qt as GuiQt  # Qt's namespace as QtGui extends it

    if not GuiQt.mightBeRichText(text):
        return text
    return "<p style='white-space:pre-wrap'>" + escape(text).replace("\n", "<br>") + "</p>"


def plain_message_box(parent: Any, icon: Any, title: str, text: str, details: str = "") -> Any:
    """A message box whose texts show as written (they may quote the platform)."""
    boxes = import_module("PySide6.QtWidgets").QMessageBox
    box = boxes(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if details:
        box.setInformativeText(details)
        for label in box.findChildren(_QtLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)
    return box


if TYPE_CHECKING:
    from PySide6.QtCore import (
        QAbstractListModel,
        QCoreApplication,
        QLibraryInfo,
        QLocale,
        QModelIndex,
        QPersistentModelIndex,
        QProcess,
        QTranslator,
        QUrl,
        qVersion,
    )
    from PySide6.QtGui import (
        QAccessible,
        QAccessibleActionInterface,
        QAccessibleAnnouncementEvent,
        QAccessibleAttributesInterface,
        QAccessibleEvent,
        QActionGroup,
        QColor,
        QDesktopServices,
        QFont,
        QFontMetrics,
        QIcon,
        QImage,
        QImageReader,
        QKeySequence,
        QPageSize,
        QPainter,
        QPalette,
        QPdfWriter,
        QPen,
        QPixmap,
        QTextDocument,
        QTextFormat,
    )
    from PySide6.QtNetwork import QLocalServer, QLocalSocket, QNetworkInformation
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAccessibleWidget,
        QButtonGroup,
        QCheckBox,
        QFileDialog,
        QFormLayout,
        QHeaderView,
        QInputDialog,
        QLineEdit,
        QListView,
        QListWidget,
        QListWidgetItem,
        QMessageBox,
        QProgressBar,
        QRadioButton,
        QScrollArea,
        QSplitter,
        QStyle,
        QStyledItemDelegate,
        QStyleOptionViewItem,
        QTabBar,
        QTextBrowser,
        QTreeWidget,
        QTreeWidgetItem,
    )

_LATER = {
    # The catalogue's model: built with the catalogue tab, when first shown.
    **dict.fromkeys(
        ("QAbstractListModel", "QModelIndex", "QPersistentModelIndex"), "PySide6.QtCore"
    ),
    "QProcess": "PySide6.QtCore",
    "QLibraryInfo": "PySide6.QtCore",
    "QLocale": "PySide6.QtCore",
    "QTranslator": "PySide6.QtCore",
    # Shortcuts and the menus' groups: set up with the menus, after the first paint.
    **dict.fromkeys(("QKeySequence", "QActionGroup"), "PySide6.QtGui"),
    "QUrl": "PySide6.QtCore",
    "qVersion": "PySide6.QtCore",
    "QNetworkInformation": "PySide6.QtNetwork",
    "QLocalServer": "PySide6.QtNetwork",  # the sign-in hand-over, after the first paint
    "QCoreApplication": "PySide6.QtCore",
    "QLocalSocket": "PySide6.QtNetwork",
    "QDesktopServices": "PySide6.QtGui",
    "QPixmap": "PySide6.QtGui",
    "QImageReader": "PySide6.QtGui",
    "QImage": "PySide6.QtGui",  # the reader's images, decoded on a worker
    "QKeyEvent": "PySide6.QtGui",
    # The home view's cards (issue 28), painted with what needs neither Qt nor QStyle.
    **dict.fromkeys(("QBrush", "QMouseEvent", "QPainterPath"), "PySide6.QtGui"),
    **dict.fromkeys(("QPointF", "QRectF"), "PySide6.QtCore"),
    # Said to a screen reader (companion.ui.announce), when something changes.
    **dict.fromkeys(("QAccessible", "QAccessibleAnnouncementEvent"), "PySide6.QtGui"),
    # Roles of our own: headings, and a chapter's links and images (accessible_roles).
    **dict.fromkeys(
        ("QAccessibleActionInterface", "QAccessibleAttributesInterface", "QAccessibleEvent"),
        "PySide6.QtGui",
    ),
    "QAccessibleWidget": "PySide6.QtWidgets",
    "QTextFormat": "PySide6.QtGui",
    "QPageSize": "PySide6.QtGui",
    "QPdfWriter": "PySide6.QtGui",
    "QTextDocument": "PySide6.QtGui",
    # Not needed for the first paint: set up when first used (QStyle alone is 15 ms).
    **dict.fromkeys(
        ("QColor", "QFont", "QFontMetrics", "QIcon", "QPainter", "QPalette", "QPen"),
        "PySide6.QtGui",
    ),
    **dict.fromkeys(
        (
            "QAbstractButton",
            "QButtonGroup",
            "QCheckBox",
            "QDialog",
            "QFileDialog",
            "QFormLayout",
            "QHeaderView",
            "QInputDialog",
            "QLineEdit",
            "QListView",
            "QListWidget",
            "QListWidgetItem",
            "QMessageBox",
            "QProgressBar",
            "QRadioButton",
            "QScrollArea",
            "QSplitter",
            "QStyle",
            "QStyledItemDelegate",
            "QStyleOptionViewItem",
            "QTabBar",
            "QTextBrowser",
            "QTreeWidget",
            "QTreeWidgetItem",
        ),
        "PySide6.QtWidgets",
    ),
}


_multimedia: Any = False  # not looked for yet


def base_pointer(obj: Any, base: int) -> Any:
    """The address of ``obj``'s C++ part for its ``base``-th wrapped base class, as Qt
    takes a ``void *`` (a Python class that implements two Qt interfaces has one C++
    object for each)."""
    return VoidPtr(getCppPointer(obj)[base])


def pointer_or_null(pointer: Any) -> Any:
    """``pointer`` as Qt takes a ``void *``: PySide gives None for a null one, and
    crashes when given None back (or a plain int)."""
    return VoidPtr(0) if pointer is None else pointer


def multimedia() -> Any | None:
    """Qt's multimedia modules when installed (PySide6-Addons), else None.

    PySide6-Essentials, which Companion installs to stay small, has none: audio and video
    then open in the system's player."""
    global _multimedia
    if _multimedia is False:
        try:
            from types import SimpleNamespace

            media = import_module("PySide6.QtMultimedia")
            widgets = import_module("PySide6.QtMultimediaWidgets")
            _multimedia = SimpleNamespace(
                QMediaPlayer=media.QMediaPlayer,
                QAudioOutput=media.QAudioOutput,
                QVideoWidget=widgets.QVideoWidget,
            )
        except ImportError:
            _multimedia = None
    return _multimedia


_speech: Any = False  # not looked for yet


def text_to_speech() -> Any | None:
    """Qt's text-to-speech class when installed (PySide6-Addons) with an engine, else None:
    chapters are then not read aloud (the system's own screen reader still can)."""
    global _speech
    if _speech is False:
        try:
            speech = import_module("PySide6.QtTextToSpeech").QTextToSpeech
            _speech = speech if speech.availableEngines() else None
        except ImportError:
            _speech = None
    return _speech


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(name)
    value = getattr(import_module(module), name)
    globals()[name] = value  # once is enough
    return value


__all__ = [
    "Early",
    "QAbstractButton",
    "QAbstractListModel",
    "QAccessible",
    "QAccessibleActionInterface",
    "QAccessibleAnnouncementEvent",
    "QAccessibleAttributesInterface",
    "QAccessibleEvent",
    "QAccessibleWidget",
    "QAction",
    "QActionGroup",
    "QApplication",
    "QButtonGroup",
    "QCheckBox",
    "QColor",
    "QCoreApplication",
    "QDesktopServices",
    "QEvent",
    "QFileDialog",
    "QFont",
    "QFontMetrics",
    "QFormLayout",
    "QFrame",
    "QGuiApplication",
    "QHBoxLayout",
    "QHeaderView",
    "QIcon",
    "QImage",
    "QImageReader",
    "QInputDialog",
    "QKeySequence",
    "QLabel",
    "QLibraryInfo",
    "QLineEdit",
    "QListView",
    "QListWidget",
    "QListWidgetItem",
    "QLocalServer",
    "QLocalSocket",
    "QLocale",
    "QMainWindow",
    "QMessageBox",
    "QModelIndex",
    "QNetworkInformation",
    "QObject",
    "QPageSize",
    "QPainter",
    "QPalette",
    "QPdfWriter",
    "QPen",
    "QPersistentModelIndex",
    "QPixmap",
    "QProcess",
    "QProgressBar",
    "QPushButton",
    "QRadioButton",
    "QRect",
    "QRunnable",
    "QScrollArea",
    "QShowEvent",
    "QSize",
    "QSizePolicy",
    "QSplitter",
    "QStackedWidget",
    "QStatusBar",
    "QStyle",
    "QStyleOptionViewItem",
    "QStyledItemDelegate",
    "QTabBar",
    "QTabWidget",
    "QTextBrowser",
    "QTextDocument",
    "QTextFormat",
    "QThreadPool",
    "QTimer",
    "QTranslator",
    "QTreeWidget",
    "QTreeWidgetItem",
    "QUrl",
    "QVBoxLayout",
    "QWidget",
    "Qt",
    "QtMsgType",
    "Signal",
    "Slot",
    "base_pointer",
    "is_alive",
    "plain_message_box",
    "plain_tooltip",
    "pointer_or_null",
    "qInstallMessageHandler",
    "qVersion",
    "rich_label",
    "shortcut",
]
