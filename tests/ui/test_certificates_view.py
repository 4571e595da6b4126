"""The certificate wallet and the attestation, with a certificate earned over real HTTP."""

from __future__ import annotations

import unicodedata
from typing import Any

from pypdf import PdfReader

from companion.domain import parse_manifest
from companion.sync_status import Phase
from tests.integration.test_certificates import COURSE, earn
from tests.ui.conftest import refreshed, signed_in_from_account_tab
from tests.ui.test_sync_status import phase_is

from companion.ui.qt import Qt


def test_a_certificate_arrives_verifies_and_exports_with_the_attestation(
    platform_env,
    memory_keyring,
    make_window,
    qtbot,
    tmp_path,
    sample_content,
):
    window = refreshed(qtbot, make_window())
    signed_in_from_account_tab(qtbot, window)
    wallet = window.show_certificates()
    qtbot.waitUntil(lambda: wallet.empty.isVisible(), timeout=10_000)
    assert "Aucun certificat" in wallet.empty.text()

    earn(platform_env, sample_content, tmp_path)  # the course, finished on two other devices
    course = parse_manifest(sample_content.courses[COURSE].manifest)
    chapter = course.parts[0].chapters[0]
    window.start()
    qtbot.waitUntil(lambda: window.context.sync is not None, timeout=10_000)
    window.context.progress().record_study(COURSE, chapter, 3725, course)  # studied here too
    window.sync_now()
    qtbot.waitUntil(lambda: wallet.list.count() == 1, timeout=30_000)
    qtbot.waitUntil(lambda: phase_is(window, Phase.IDLE, 0), timeout=30_000)
    assert wallet.list.item(0).text().startswith("✔  Les bases de la sécurité sur un chantier")
    assert "Authentique" in wallet.list.item(0).data(Qt.ItemDataRole.AccessibleDescriptionRole)
    window.grab().save(str(tmp_path / "wallet.png"))

    exported = {
        "pdf": tmp_path / "certificat.pdf",
        "jwt": tmp_path / "certificat.jwt",
        "attestation": tmp_path / "attestation.pdf",
    }
    for form, button in (
        ("pdf", wallet.export_pdf),
        ("jwt", wallet.export_credential),
        ("attestation", wallet.export_attestation),
    ):
        wallet.choose_file = _answer(exported[form])
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        # Wait for the file itself: a sync may refresh the wallet (and signal) meanwhile.
        qtbot.waitUntil(exported[form].is_file, timeout=10_000)
        # Said, with where (issue 25: saving ended in silence, the learner hunting the file).
        said = f"Enregistré : {exported[form]}"
        qtbot.waitUntil(lambda said=said: said in wallet.banner.text)
        assert wallet.banner.property("kind") == "info"
    assert "Camille Martin" in PdfReader(exported["pdf"]).pages[0].extract_text()
    assert exported["jwt"].read_text(encoding="ascii").count(".") == 2
    attestation = pdf_text(exported["attestation"])
    for expected in (
        "Attestation de temps de formation",
        "Camille Martin (camille.martin@example.org)",
        "Les bases de la sécurité sur un chantier",
        "1 h 02",
    ):
        assert expected in attestation, attestation


def test_a_failed_export_says_so_and_keeps_the_certificate(
    platform_env, make_window, qtbot, tmp_path
):
    window = refreshed(qtbot, make_window())
    wallet = window.show_certificates()
    wallet.choose_file = lambda _name, _filter: str(tmp_path / "missing-folder" / "a.pdf")
    qtbot.mouseClick(wallet.export_attestation, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "n'a pas pu être enregistré" in wallet.banner.text, timeout=10_000)


def _answer(path):
    """The save dialog, answered: the file the learner would pick."""
    return lambda _name, _filter: str(path)


def pdf_text(path) -> str:
    """The words of a PDF's first page, spaced and with ligatures undone, for assertions."""
    text = PdfReader(path).pages[0].extract_text()
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_a_certificate_is_a_card_in_a_list_as_tall_as_its_cards(qtbot, qapp):
    """Issue 25: one certificate was one line at the top of a large empty list."""
    from companion.services.certificates import Certificate, Verdict

    from companion.ui.events import EventHub
    from companion.ui.views.certificate_cards import CertificateRole
    from companion.ui.views.certificates_view import CertificatesView

    def unused() -> Any:
        raise AssertionError("not asked for by this test")

    def certificate(verdict: Verdict) -> Certificate:
        return Certificate(
            "c1",
            "course",
            "T",
            "2026-12-06T08:00:00+00:00",
            "x.y.z",
            True,
            verdict,
            "Les bases de la sécurité",
        )

    view = CertificatesView(EventHub(), my_certificates=list, wallet=unused, attestation=unused)
    qtbot.addWidget(view)
    view.resize(1024, 600)
    view.show()
    view._show([certificate(Verdict.VALID)])
    card = view.list.item(0).data(CertificateRole)
    assert card.authentic and card.achievement == "Les bases de la sécurité"
    assert view.list.height() <= 2 * view.list.sizeHintForRow(0)
    said = view.list.item(0).data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert said.startswith("issued on ") and said.endswith("in your name.")
    view._show([certificate(Verdict.TAMPERED)])
    card = view.list.item(0).data(CertificateRole)
    assert not card.authentic and card.verdict.startswith("Not authentic")
