"""Media the sample courses need, generated deterministically (same bytes every build)."""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import Sequence
from datetime import UTC, datetime

from companion.sandbox.pdf import OnePagePdf

_FIXED_DATE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# The PDF core fonts only cover Latin-1; these typographic characters are replaced.
_LATIN1_FALLBACKS = str.maketrans(
    {"œ": "oe", "Œ": "OE", "’": "'", "…": "...", "—": "-", "–": "-", "\u202f": " ", "€": "EUR"}
)


def evacuation_signal_wav(seconds: float = 4.0, rate: int = 16_000) -> bytes:
    """A two-tone evacuation signal (554 Hz for 0.1 s, then 440 Hz for 0.4 s), repeated."""
    frames = bytearray()
    total = int(seconds * rate)
    fade = int(0.01 * rate)  # 10 ms ramps so the tone changes do not click
    for n in range(total):
        position = (n / rate) % 0.5
        frequency = 554.0 if position < 0.1 else 440.0
        envelope = min(1.0, n / fade, (total - n) / fade)
        sample = 0.45 * envelope * math.sin(2 * math.pi * frequency * n / rate)
        frames += struct.pack("<h", int(sample * 32767))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def course_handout_pdf(title: str, chapters: Sequence[str], memo: Sequence[str]) -> bytes:
    """A one-page handout: the course's key points and its outline."""
    pdf = _document("portrait", title, _FIXED_DATE)
    pdf.set_font("B", 18)
    pdf.set_text_color(31, 95, 139)
    pdf.multi_cell(9, _latin1(title))
    pdf.ln(2)
    pdf.set_font("I", 11)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(7, "Fiche mémo - à garder sous la main")
    pdf.ln(4)
    _section(pdf, "L'essentiel")
    for point in memo:
        pdf.multi_cell(6.5, _latin1("-  " + point))
    pdf.ln(4)
    _section(pdf, "Plan du cours")
    for number, chapter in enumerate(chapters, start=1):
        pdf.multi_cell(6.5, _latin1(f"{number}. {chapter}"))
    return pdf.output()


def certificate_pdf(
    learner: str, course: str, issued_at: datetime, credential_id: str, issuer: str
) -> bytes:
    """The printable rendition of a certificate (the signed credential is the proof)."""
    pdf = _document("landscape", f"Certificat - {course}", issued_at)
    pdf.set_draw_color(31, 95, 139)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(40)
    pdf.set_font("B", 30)
    pdf.set_text_color(31, 95, 139)
    pdf.cell(16, "Certificat de réussite", align="C")
    pdf.ln(8)
    pdf.set_font("", 14)
    pdf.set_text_color(40, 40, 40)
    pdf.cell(9, "décerné à", align="C")
    pdf.set_font("B", 22)
    pdf.cell(14, _latin1(learner), align="C")
    pdf.set_font("", 14)
    pdf.cell(9, "pour avoir suivi en entier la formation", align="C")
    pdf.set_font("B", 18)
    pdf.multi_cell(11, _latin1(course), align="C")
    pdf.ln(6)
    pdf.set_font("", 12)
    pdf.cell(8, f"Le {issued_at:%d/%m/%Y}", align="C")
    pdf.set_y(175)
    pdf.set_font("", 9)
    pdf.set_text_color(100, 100, 100)
    pdf.cell(5, _latin1(f"Identifiant : {credential_id}"), align="C")
    pdf.cell(5, _latin1(f"Émis et signé par {issuer} (Open Badges 3.0)"), align="C")
    return pdf.output()


def _document(orientation: str, title: str, created: datetime) -> OnePagePdf:
    pdf = OnePagePdf(orientation)
    pdf.title = _latin1(title)
    pdf.author = "Plateforme de formation (sandbox)"
    pdf.created = created
    return pdf


def _section(pdf: OnePagePdf, heading: str) -> None:
    pdf.set_font("B", 13)
    pdf.set_text_color(30, 30, 30)
    pdf.cell(8, _latin1(heading))
    pdf.set_font("", 11)


def _latin1(text: str) -> str:
    return text.translate(_LATIN1_FALLBACKS).encode("latin-1", "replace").decode("latin-1")
