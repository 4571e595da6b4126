"""The Diagnostic window: the doctor's report, and the support bundle with its code.

Every line comes from the report as plain text (a server's reason for refusing an action
is untrusted text), each marked by a word as well as a colour. The support code is large
and selectable: the learner reads it to support staff over the phone.
"""

from __future__ import annotations

from companion.i18n import _
from companion.services.doctor.report import Report, Section, Severity, label, section_title
from companion.services.doctor.report import verdict as verdict_text

from companion.ui.qt import (
    QColor,
    QFont,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from companion.ui.theme import colour
from companion.ui.widgets.focus import close_with_escape

_MARKS = {Severity.OK: "✓", Severity.INFO: "ℹ", Severity.WARNING: "⚠", Severity.PROBLEM: "✗"}
_COLOURS = {  # names of theme colours
    Severity.OK: "right",
    Severity.INFO: "info",
    Severity.WARNING: "warning",
    Severity.PROBLEM: "bad",
}


class DiagnosticWindow(QWidget):
    rerun_requested = Signal()
    copy_requested = Signal()
    bundle_requested = Signal()
    show_bundle_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("DiagnosticWindow")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setObjectName("DiagnosticVerdict")
        self.findings = QListWidget()
        self.findings.setWordWrap(True)
        self.findings.setAlternatingRowColors(True)
        self.bundle_code = QLabel()
        self.bundle_code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = QFont(self.bundle_code.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        self.bundle_code.setFont(big)
        self.bundle_path = QLabel()
        self.bundle_path.setWordWrap(True)
        self.bundle_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rerun = QPushButton()
        self.copy = QPushButton()
        self.bundle = QPushButton()
        self.show_bundle = QPushButton()
        self.close_button = QPushButton()
        self.rerun.clicked.connect(self.rerun_requested)
        self.copy.clicked.connect(self.copy_requested)
        self.bundle.clicked.connect(self.bundle_requested)
        self.show_bundle.clicked.connect(self.show_bundle_requested)
        self.close_button.clicked.connect(self.close)
        close_with_escape(self)
        self._layout()
        self.retranslate()
        self.show_running()
        self.show_bundle_result("", "")
        self.resize(760, 560)

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.rerun, self.copy, self.bundle):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        bundle_row = QHBoxLayout()
        bundle_row.addWidget(self.bundle_code)
        bundle_row.addWidget(self.show_bundle)
        bundle_row.addStretch(1)
        column = QVBoxLayout(self)
        column.addWidget(self.verdict)
        column.addWidget(self.findings, 1)
        column.addLayout(bundle_row)
        column.addWidget(self.bundle_path)
        column.addLayout(buttons)
        self.bundle.setDefault(True)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Diagnostic — Companion"))
        self.findings.setAccessibleName(_("What was checked"))  # a list had no name (issue 27)
        self.rerun.setText(_("&Check again"))
        self.copy.setText(_("C&opy the report"))
        self.bundle.setText(_("Make a &support bundle"))
        self.bundle.setToolTip(
            _(
                "A file for support staff: this report, the logs and the settings, without "
                "passwords, sign-in codes or personal data."
            )
        )
        self.show_bundle.setText(_("Show the &file"))
        self.close_button.setText(_("&Close"))

    def show_running(self) -> None:
        self.verdict.setText(_("Checking this computer, the platform and your data…"))
        self.verdict.setStyleSheet("")
        self.findings.clear()
        self.rerun.setEnabled(False)
        self.copy.setEnabled(False)
        self.bundle.setEnabled(False)

    def show_report(self, report: Report) -> None:
        problems, warnings = len(report.problems()), report.count(Severity.WARNING)
        worst = Severity.PROBLEM if problems else Severity.WARNING if warnings else Severity.OK
        self.verdict.setText(f"{_MARKS[worst]} {verdict_text(problems, warnings)}")
        self.verdict.setStyleSheet(f"font-weight: bold; color: {colour(_COLOURS[worst])};")
        self.findings.clear()
        for section in Section:
            found = [f for f in report.findings if f.section is section]
            if not found:
                continue
            header = QListWidgetItem(section_title(section))
            bold = QFont(header.font())
            bold.setBold(True)
            header.setFont(bold)
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.findings.addItem(header)
            for finding in found:
                text = f"{_MARKS[finding.severity]} {label(finding.severity)} — {finding.summary}"
                if finding.hint:
                    text += f"\n      → {finding.hint}"
                item = QListWidgetItem(text)
                item.setForeground(QColor(colour(_COLOURS[finding.severity])))
                self.findings.addItem(item)
        for button in (self.rerun, self.copy, self.bundle):
            button.setEnabled(True)

    def show_failure(self, message: str, hint: str) -> None:
        self.verdict.setText(f"{message} {hint}".strip())
        self.rerun.setEnabled(True)

    def show_bundle_result(self, code: str, path: str) -> None:
        self.bundle_code.setText(_("Support code: {code}").format(code=code) if code else "")
        self.bundle_path.setText(
            _(
                "Saved as {path}. Read the code to support staff, and send them the file if "
                "they ask for it."
            ).format(path=path)
            if path
            else ""
        )
        self.show_bundle.setVisible(bool(path))
        self.bundle_code.setVisible(bool(code))
        self.bundle_path.setVisible(bool(path))
