"""The one place that imports PySide6 (STYLE 2): swapping bindings touches only this file."""

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
)
from shiboken6 import isValid as is_alive  # a C++ object not yet deleted
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStatusBar,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "QAbstractListModel", "QAction", "QActionGroup", "QApplication", "QColor", "QEvent",
    "QFont", "QFontMetrics", "QFrame", "QGuiApplication", "QHBoxLayout", "QIcon", "QLabel",
    "QListView", "QMainWindow", "QMessageBox", "QModelIndex", "QObject", "QPainter",
    "QPalette", "QPen", "QPersistentModelIndex", "QPushButton", "QRect", "QRunnable", "QSize",
    "QSizePolicy", "QStackedWidget", "QStatusBar", "QStyle", "QStyleOptionViewItem",
    "QStyledItemDelegate", "QThreadPool", "QTimer", "QVBoxLayout", "QWidget", "Qt", "Signal",
    "Slot", "is_alive", "qInstallMessageHandler",
]
