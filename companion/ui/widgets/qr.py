"""A QR code of a URL as a pixmap, drawn with segno (no network, no Qt plugin)."""

from __future__ import annotations

import io

from companion.ui.qt import QPixmap


def qr_pixmap(text: str, scale: int = 6) -> QPixmap:
    import segno  # only when a code is shown, not at start-up

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap
