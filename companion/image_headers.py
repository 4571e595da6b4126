"""The size of a raster image read from its header, without decoding it: PNG (IHDR), JPEG
(the first SOF segment), GIF (the logical screen and the first frame), WebP (VP8, VP8L,
VP8X). What Companion decides before anything is decoded (issue 24: one chapter of
7000×7000 images took 3.4 GB). A few dozen lines, so no imaging library is installed for it.
"""

from __future__ import annotations

import struct
from typing import BinaryIO, NamedTuple


class ImageHeader(NamedTuple):
    format: str  # the name Qt's image reader knows it by: "png", "jpeg", "gif", "webp"
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


# Where a JPEG's size is: a start-of-frame marker (baseline, progressive, lossless...), not a
# DHT (C4), JPG (C8) or DAC (CC), which share the range.
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_JPEG_MAX_SEGMENTS = 256  # real files put the frame within a dozen segments


def read_header(stream: BinaryIO) -> ImageHeader | None:
    """The format and size the file declares, or None when it is none of the four or its
    header is malformed. Reads a few bytes (a JPEG: its segments' headers only)."""
    head = stream.read(32)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(head)
    if head.startswith(b"\xff\xd8"):
        stream.seek(2)
        return _jpeg(stream)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        stream.seek(0)
        return _gif(stream.read(1024 * 64))
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp(head)
    return None


def _sized(fmt: str, width: int, height: int) -> ImageHeader | None:
    return ImageHeader(fmt, width, height) if width > 0 and height > 0 else None


def _png(head: bytes) -> ImageHeader | None:
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return _sized("png", width, height)


def _jpeg(stream: BinaryIO) -> ImageHeader | None:
    for _segment in range(_JPEG_MAX_SEGMENTS):
        marker = stream.read(2)
        while len(marker) == 2 and marker[0] == 0xFF and marker[1] == 0xFF:  # fill bytes
            marker = marker[1:] + stream.read(1)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        kind = marker[1]
        if kind == 0xD8 or 0xD0 <= kind <= 0xD7 or kind == 0x01:  # no length
            continue
        if kind in (0xD9, 0xDA):  # end, or image data before any frame header
            return None
        length_bytes = stream.read(2)
        if len(length_bytes) < 2:
            return None
        (length,) = struct.unpack(">H", length_bytes)
        if length < 2:
            return None
        if kind in _JPEG_SOF:
            frame = stream.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return _sized("jpeg", width, height)
        stream.seek(length - 2, 1)
    return None


def _gif(data: bytes) -> ImageHeader | None:
    """The larger of the logical screen and the first frame: Qt's reader makes its image
    as large as both."""
    if len(data) < 13:
        return None
    width, height, flags = struct.unpack("<HHB", data[6:11])
    at = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    while at < len(data):
        block = data[at]
        if block == 0x2C and at + 9 <= len(data):  # the first image descriptor
            left, top, frame_w, frame_h = struct.unpack("<HHHH", data[at + 1 : at + 9])
            return _sized("gif", max(width, left + frame_w), max(height, top + frame_h))
        if block == 0x21 and at + 2 < len(data):  # an extension: its sub-blocks
            at += 2
            while at < len(data) and data[at] != 0:
                at += data[at] + 1
            at += 1
            continue
        break
    return _sized("gif", width, height)


def _webp(head: bytes) -> ImageHeader | None:
    chunk = head[12:16]
    if chunk == b"VP8 " and len(head) >= 30:
        width, height = struct.unpack("<HH", head[26:30])
        return _sized("webp", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return _sized("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X" and len(head) >= 30:
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return _sized("webp", width, height)
    return None
