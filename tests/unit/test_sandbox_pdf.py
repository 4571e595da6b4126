"""The demo platform's own PDF writer (companion/sandbox/pdf.py), which replaced fpdf2 and
the Pillow and fontTools it brought (issue 26): the handout and the certificate read back
with their text, in the page, the same bytes each time."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from companion.sandbox import media
from companion.sandbox.pdf import OnePagePdf

LONG = (
    "Signal d'évacuation : son à deux tons répété ; rejoindre le point de rassemblement "
    "sans courir, en aidant les personnes qui en ont besoin, puis attendre les consignes."
)


def test_lines_are_wrapped_inside_the_margins():
    pdf = OnePagePdf()
    pdf.set_font("B", 18)
    lines = pdf.wrap(LONG, 190)
    assert len(lines) > 1 and " ".join(lines) == LONG
    assert all(pdf.text_width(line) <= 190 for line in lines)


def test_the_handout_reads_back_and_is_the_same_each_time():
    def make() -> bytes:
        return media.course_handout_pdf("Sécurité : l'œuvre", ["Chapitre (1)"], [LONG])

    data = make()
    assert data == make()  # assets are named by their sha256
    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    assert "Sécurité : l'oeuvre" in text and "Chapitre (1)" in text and "rassemblement" in text
    assert reader.metadata is not None and reader.metadata.title == "Sécurité : l'oeuvre"


def test_the_certificate_names_the_learner_on_a_landscape_page():
    data = media.certificate_pdf(
        "Camille Martin", "HTML et CSS", datetime(2026, 12, 6, tzinfo=UTC), "urn:uuid:1", "x"
    )
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    assert "Camille Martin" in page.extract_text() and "06/12/2026" in page.extract_text()
