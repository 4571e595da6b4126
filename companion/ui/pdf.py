"""Documents Companion writes as PDF (the training-time attestation), with Qt's own PDF
writer: no extra library to download for learners on a poor connection."""

from __future__ import annotations

import os
from pathlib import Path

from companion.ui.qt import QPageSize, QPdfWriter, QTextDocument


def write_pdf(html: str, destination: Path, title: str) -> None:
    """Render ``html`` to an A4 PDF; the file appears whole or not at all."""
    temporary = destination.with_name(f".{destination.name}.part")
    temporary.write_bytes(b"")  # a missing folder or a read-only disk: a clear OSError now
    writer = QPdfWriter(str(temporary))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setTitle(title)
    writer.setCreator("Companion")
    document = QTextDocument()
    document.setHtml(html)
    document.print_(writer)
    del writer  # flushes and closes the file
    if not temporary.is_file() or temporary.stat().st_size == 0:
        temporary.unlink(missing_ok=True)
        raise OSError(f"the PDF could not be written to {destination.parent}")
    os.replace(temporary, destination)
