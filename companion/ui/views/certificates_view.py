"""The certificate wallet, and the training-time attestation.

Certificates are verified offline each time the wallet is shown; each says plainly whether
it is authentic. Both forms can be exported: the PDF to print, the signed credential for
anyone who wants to check it. The attestation is made from local data, offline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion import formatting
from companion.errors import UserFacingError, describe
from companion.i18n import _
from companion.services.certificates import Certificate, Verdict

if TYPE_CHECKING:
    from companion.services.attestation import Report
    from companion.services.certificates import CertificateService

from companion.ui import words
from companion.ui.bridge import run_in_background
from companion.ui.events import EventHub
from companion.ui.qt import (
    QDesktopServices,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QPushButton,
    Qt,
    QUrl,
    QWidget,
    Signal,
    rich_label,
)
from companion.ui.theme import colour
from companion.ui.views.certificate_cards import (
    CertificateCard,
    CertificateRole,
    certificate_list,
    fit_to_cards,
)
from companion.ui.widgets.banner import MessageBanner
from companion.ui.widgets.scroll_page import scrolling_column

ChooseFile = Callable[[str, str], str]  # (suggested name, filter) -> chosen path, "" if none

_MARKS = {Verdict.VALID: "✔"}


def verdict_text(verdict: Verdict) -> str:
    return {
        Verdict.VALID: _("Authentic: signed by the platform, in your name."),
        Verdict.TAMPERED: _("Not authentic: this certificate was altered or is damaged."),
        Verdict.UNKNOWN_KEY: _("Not checked yet: sync once online to get the platform's keys."),
        Verdict.OTHER_ISSUER: _("Not issued by your platform."),
        Verdict.NOT_YOURS: _("Issued to another learner."),
        Verdict.NOT_YET_VALID: _("Dated in the future: check this computer's date and time."),
        Verdict.EXPIRED: _("Expired."),
    }[verdict]


class CertificatesView(QWidget):
    changed = Signal()  # the list or an export finished; tests wait on it
    arrived = Signal(int)  # certificates the learner had not been told about

    def __init__(
        self,
        events: EventHub,
        *,
        my_certificates: Callable[[], list[Certificate]],
        wallet: Callable[[], CertificateService],
        attestation: Callable[[], Report],
    ) -> None:
        """``my_certificates``: the learner's, verified offline; ``wallet``: where they
        are kept (new ones, PDFs, exports); ``attestation``: the training-time report."""
        super().__init__()
        self.my_certificates = my_certificates
        self.wallet = wallet
        self.attestation = attestation
        self.certificates: list[Certificate] = []
        self.choose_file: ChooseFile = self._ask_where
        self.title = QLabel()
        self.title.setObjectName("ViewTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("ViewSubtitle")
        self.subtitle.setWordWrap(True)
        self.banner = MessageBanner()  # errors, and the notice of a new certificate
        self.banner.action_requested.connect(self.banner.hide)
        self.list = certificate_list()
        self.list.currentRowChanged.connect(self._selected)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.details = rich_label()  # what comes from the credential is escaped
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_pdf = QPushButton()
        self.open_pdf.setObjectName("PrimaryButton")
        self.export_pdf = QPushButton()
        self.export_credential = QPushButton()
        self.open_pdf.clicked.connect(self._open_pdf)
        self.export_pdf.clicked.connect(lambda: self._export("pdf"))
        self.export_credential.clicked.connect(lambda: self._export("jwt"))
        self.attestation_title = QLabel()
        self.attestation_title.setObjectName("SectionTitle")
        self.attestation_text = QLabel()
        self.attestation_text.setWordWrap(True)
        self.export_attestation = QPushButton()
        self.export_attestation.clicked.connect(self._export_attestation)
        self._lay_out()
        self.retranslate()
        events.learner_changed.connect(self.refresh)  # nothing of the one who left
        events.synced.connect(self._synced)

    def _lay_out(self) -> None:
        actions = QHBoxLayout()
        for button in (self.open_pdf, self.export_pdf, self.export_credential):
            actions.addWidget(button)
        actions.addStretch(1)
        attestation = QHBoxLayout()
        attestation.addWidget(self.export_attestation)
        attestation.addStretch(1)
        layout = self._column = scrolling_column(self)
        layout.setContentsMargins(24, 20, 24, 12)
        for widget in (self.title, self.subtitle, self.banner, self.empty):
            layout.addWidget(widget)
        layout.addWidget(self.list)
        layout.addWidget(self.details)
        layout.addLayout(actions)
        layout.addSpacing(16)
        layout.addWidget(self.attestation_title)
        layout.addWidget(self.attestation_text)
        layout.addLayout(attestation)
        layout.addStretch(1)  # the wallet at the top, the room left below

    def add_section(self, widget: QWidget) -> None:
        """Below the certificates: another part of the wallet (other sites' badges)."""
        self._column.insertWidget(self._column.count() - 1, widget)

    def retranslate(self) -> None:
        self.title.setText(_("My certificates"))
        self.subtitle.setText(
            _("Checked on this computer, even without a connection. New ones arrive at each sync.")
        )
        self.empty.setText(
            _(
                "No certificate yet. Complete every chapter and pass every quiz of a course "
                "to earn one: the Library shows what is left in each course. It arrives here "
                "at the next sync with a connection."
            )
        )
        self.list.setAccessibleName(_("My certificates"))
        self.open_pdf.setText(_("Open the PDF"))
        self.export_pdf.setText(_("Save the PDF…"))
        self.export_credential.setText(_("Save the signed certificate…"))
        self.attestation_title.setText(_("Training-time attestation"))
        self.attestation_text.setText(
            _(
                "Time studied and chapters completed, per course and per week, as a PDF to "
                "give to your employment counsellor."
            )
        )
        self.export_attestation.setText(_("Save the attestation (PDF)…"))
        self._show(self.certificates)

    # --- the wallet --------------------------------------------------------------------

    def _synced(self) -> None:  # a sync may have brought certificates
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        mine, wallet = self.my_certificates, self.wallet

        def load() -> tuple[list[Certificate], list[str]]:
            certificates = mine()
            return certificates, wallet().take_new([c.id for c in certificates])

        run_in_background(self, load, self._show_loaded, self._failed)

    def _show_loaded(self, loaded: tuple[list[Certificate], list[str]]) -> None:
        certificates, new = loaded
        self._show(certificates)
        arrived = [c for c in certificates if c.id in new]
        if arrived:
            self._announce(arrived)
        self.changed.emit()

    def _announce(self, arrived: list[Certificate]) -> None:
        """A notice in the wallet, not a dialog: nothing to answer, the learner reads on."""
        self.list.setCurrentRow(self.certificates.index(arrived[0]))
        self.banner.show_message(
            "info",
            words.new_certificates([c.achievement for c in arrived]),
            _("Congratulations! Open the PDF to print it, or save it to share it."),
            action=_("Close"),
        )
        self.arrived.emit(len(arrived))

    def _show(self, certificates: list[Certificate]) -> None:
        current = self.list.currentRow()
        self.certificates = certificates
        self.list.clear()
        for certificate in certificates:
            mark = _MARKS.get(certificate.verdict, "⚠")
            issued = _("issued on {day}").format(day=_day(certificate.issued_at))
            item = QListWidgetItem(f"{mark}  {certificate.achievement} — {issued}")
            verdict = verdict_text(certificate.verdict)
            authentic = certificate.verdict is Verdict.VALID
            item.setData(
                CertificateRole,
                CertificateCard(certificate.achievement, issued, verdict, authentic),
            )
            item.setData(Qt.ItemDataRole.AccessibleTextRole, certificate.achievement)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, f"{issued}. {verdict}")
            item.setToolTip(verdict)
            self.list.addItem(item)
        fit_to_cards(self.list)
        self.empty.setVisible(not certificates)
        self.list.setVisible(bool(certificates))
        if certificates:
            self.list.setCurrentRow(min(max(current, 0), len(certificates) - 1))
        self._selected(self.list.currentRow())

    def selected(self) -> Certificate | None:
        row = self.list.currentRow()
        return self.certificates[row] if 0 <= row < len(self.certificates) else None

    def _selected(self, _row: int) -> None:
        certificate = self.selected()
        for button in (self.open_pdf, self.export_pdf, self.export_credential):
            button.setEnabled(certificate is not None)
        if certificate is None:
            self.details.clear()
            return
        self.open_pdf.setEnabled(certificate.has_pdf)
        self.export_pdf.setEnabled(certificate.has_pdf)
        identifier = _("Certificate id: {id}").format(id=certificate.id)
        # The card says what and whether authentic; here what support or an employer asks.
        self.details.setText(f"<span style='color:{colour('muted')}'>{escape(identifier)}</span>")

    # --- files ---------------------------------------------------------------------------

    def _open_pdf(self) -> None:
        certificate = self.selected()
        if certificate is None:
            return
        path = self.wallet().pdf_path(certificate.id)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._failed(UserFacingError(_("No application on this computer can open PDFs.")))

    def _export(self, form: str) -> None:
        certificate = self.selected()
        if certificate is None:
            return
        name = _file_name(certificate.achievement)
        if form == "pdf":
            chosen = self.choose_file(f"{name}.pdf", _("PDF documents (*.pdf)"))
            save = self.wallet().export_pdf
        else:
            chosen = self.choose_file(f"{name}.jwt", _("Signed certificates (*.jwt)"))
            save = self.wallet().export_credential
        if chosen:
            run_in_background(
                self,
                lambda: save(certificate.id, Path(chosen)),
                lambda _result: self._saved(Path(chosen)),
                self._failed,
            )

    def _export_attestation(self) -> None:
        chosen = self.choose_file(_("training-time-attestation.pdf"), _("PDF documents (*.pdf)"))
        if not chosen:
            return

        def write(report: Any) -> None:  # Qt draws the PDF: on the GUI thread, a few ms
            from companion.services.attestation import to_html

            from companion.ui.pdf import write_pdf

            try:
                write_pdf(to_html(report), Path(chosen), _("Training-time attestation"))
            except OSError as error:
                self._failed(
                    UserFacingError(
                        _("The file could not be saved: {reason}").format(reason=error),
                        _("Choose another folder, or free some space, and try again."),
                    )
                )
                return
            self._saved(Path(chosen))

        run_in_background(self, self.attestation, write, self._failed)

    def _saved(self, path: Path) -> None:
        """Said where, so the learner finds it (saving used to end in silence)."""
        self.banner.tell(
            "info",
            lambda: (
                _("Saved: {path}").format(path=path),
                _("You can print it, or attach it to an e-mail to your adviser."),
                "",
                _("Close"),
            ),
        )
        self.changed.emit()

    def _ask_where(self, suggested: str, file_filter: str) -> str:
        start = str(Path.home() / suggested)
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Save as"), start, file_filter)
        return str(chosen)

    def _failed(self, error: BaseException) -> None:
        self.banner.tell("error", lambda: (*describe(error), _("Close")))
        self.changed.emit()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's API
        self.refresh()  # verified again each time: keys or the clock may have changed
        super().showEvent(event)


def _day(issued_at: str) -> str:
    try:
        return formatting.day(datetime.fromisoformat(issued_at).astimezone().date())
    except ValueError:
        return issued_at


def _file_name(title: str) -> str:
    """A safe file name from a course title (the learner may still change it)."""
    kept = "".join(c if c.isalnum() or c in " -_" else " " for c in title)
    return "-".join(kept.split())[:80] or "certificat"
