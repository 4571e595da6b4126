"""The one place that imports PySide6 (STYLE 2): swapping bindings touches only this file.

PySide6 sets up each Python type the first time it is imported, which costs up to a few
milliseconds per class. The names the first window needs are imported now; the others
(the library, reader and account screens' widgets) on first use, through ``__getattr__``.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QPainter,
    QPalette,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QListView,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStatusBar,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtWidgets import QLabel as _QtLabel
from shiboken6 import isValid as is_alive  # noqa: N813 - true while the C++ object lives


class QLabel(_QtLabel):
    """A label that shows its text as written: never as rich text, whatever it holds.

    Qt guesses (``Qt.AutoText``) and renders anything that looks like HTML, so a course
    title from the platform once drew a huge red "PAYEZ ICI" and a link (issue 12). The
    few labels that format text of their own choose ``Qt.TextFormat.RichText`` explicitly,
    and escape what they put in it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setTextFormat(Qt.TextFormat.PlainText)


def rich_label(html_text: str = "") -> QLabel:
    """A label for formatting made here; every outside text in it must be escaped."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(html_text)
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip showing ``text`` as written (Qt renders tooltips that look like HTML)."""
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
    from PySide6.QtCore import QLibraryInfo, QLocale, QProcess, QTranslator, QUrl, qVersion
    from PySide6.QtGui import (
        QDesktopServices,
        QImageReader,
        QKeySequence,
        QPageSize,
        QPdfWriter,
        QPixmap,
        QTextDocument,
    )
    from PySide6.QtNetwork import QNetworkInformation
    from PySide6.QtWidgets import (
        QAbstractButton,
        QButtonGroup,
        QCheckBox,
        QFileDialog,
        QHeaderView,
        QInputDialog,
        QLineEdit,
        QListWidget,
        QListWidgetItem,
        QMessageBox,
        QProgressBar,
        QRadioButton,
        QScrollArea,
        QSplitter,
        QTabBar,
        QTextBrowser,
        QTreeWidget,
        QTreeWidgetItem,
    )

_LATER = {
    "QProcess": "PySide6.QtCore",
    "QLibraryInfo": "PySide6.QtCore",
    "QLocale": "PySide6.QtCore",
    "QTranslator": "PySide6.QtCore",
    "QKeySequence": "PySide6.QtGui",
    "QUrl": "PySide6.QtCore",
    "qVersion": "PySide6.QtCore",
    "QNetworkInformation": "PySide6.QtNetwork",
    "QDesktopServices": "PySide6.QtGui",
    "QPixmap": "PySide6.QtGui",
    "QImageReader": "PySide6.QtGui",
    "QKeyEvent": "PySide6.QtGui",
    "QPageSize": "PySide6.QtGui",
    "QPdfWriter": "PySide6.QtGui",
    "QTextDocument": "PySide6.QtGui",
    **dict.fromkeys(
        (
            "QAbstractButton",
            "QButtonGroup",
            "QCheckBox",
            "QDialog",
            "QFileDialog",
            "QHeaderView",
            "QInputDialog",
            "QLineEdit",
            "QListWidget",
            "QListWidgetItem",
            "QMessageBox",
            "QProgressBar",
            "QRadioButton",
            "QScrollArea",
            "QSplitter",
            "QTabBar",
            "QTextBrowser",
            "QTreeWidget",
            "QTreeWidgetItem",
        ),
        "PySide6.QtWidgets",
    ),
}


_multimedia: Any = False  # not looked for yet


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
    "QAbstractButton",
    "QAbstractListModel",
    "QAction",
    "QActionGroup",
    "QApplication",
    "QButtonGroup",
    "QCheckBox",
    "QColor",
    "QDesktopServices",
    "QEvent",
    "QFileDialog",
    "QFont",
    "QFontMetrics",
    "QFrame",
    "QGuiApplication",
    "QHBoxLayout",
    "QHeaderView",
    "QIcon",
    "QImageReader",
    "QInputDialog",
    "QKeySequence",
    "QLabel",
    "QLibraryInfo",
    "QLineEdit",
    "QListView",
    "QListWidget",
    "QListWidgetItem",
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
    "QThreadPool",
    "QTimer",
    "QTranslator",
    "QTreeWidget",
    "QTreeWidgetItem",
    "QUrl",
    "QVBoxLayout",
    "QWidget",
    "Qt",
    "Signal",
    "Slot",
    "is_alive",
    "plain_message_box",
    "plain_tooltip",
    "qInstallMessageHandler",
    "qVersion",
    "rich_label",
]
