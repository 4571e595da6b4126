"""Issue 24, items 1 and 2, without Qt: an image's size read from its header only, the
chapter's budget applied before anything is decoded, and a course SVG's references cut to
the course itself."""

from __future__ import annotations

import base64
import hashlib
import io
import struct
from pathlib import Path

import pytest
from PIL import Image

from companion.image_headers import ImageHeader, read_header
from companion.services import chapter_images
from companion.services.chapter_images import ImageBudget, fit
from companion.services.chapter_text import sanitise
from companion.services.svg_safety import SvgCleaner, svg_size
from tests.ui.reader_memory_probe import blank_rows, hostile_png, png


def pillow(fmt: str, size: tuple[int, int], **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if fmt in ("PNG", "WEBP") else "RGB", size).save(out, fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "options", "name"),
    [
        ("PNG", {}, "png"),
        ("JPEG", {}, "jpeg"),
        ("JPEG", {"progressive": True}, "jpeg"),
        ("GIF", {}, "gif"),
        ("WEBP", {"lossless": True}, "webp"),
        ("WEBP", {"quality": 50}, "webp"),
    ],
)
@pytest.mark.parametrize("size", [(1, 1), (37, 5), (640, 480), (3000, 17)])
def test_the_size_is_read_from_the_header(fmt, options, name, size):
    data = pillow(fmt, size, **options)
    assert read_header(io.BytesIO(data)) == ImageHeader(name, *size)


def test_a_jpeg_size_after_a_large_exif_segment():
    body = pillow("JPEG", (123, 45))
    app1 = b"\xff\xe1" + struct.pack(">H", 60_002) + b"Exif\0\0" + b"\0" * 59_994
    assert read_header(io.BytesIO(body[:2] + app1 + body[2:])) == ImageHeader("jpeg", 123, 45)


def test_an_animated_webp_and_a_gif_frame_larger_than_its_screen():
    frames = [Image.new("RGBA", (64, 32)) for _ in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:])
    assert read_header(io.BytesIO(out.getvalue())) == ImageHeader("webp", 64, 32)
    gif = bytearray(pillow("GIF", (10, 10)))
    gif[6:10] = struct.pack("<HH", 2, 2)  # the screen says 2×2, the frame is 10×10
    assert read_header(io.BytesIO(bytes(gif))) == ImageHeader("gif", 10, 10)


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xd9", b"GIF89a", b"<svg/>"],
)
def test_anything_else_is_no_image(data):
    assert read_header(io.BytesIO(data)) is None


def test_the_issue_s_7000_pixel_png_is_measured_not_decoded():
    assert read_header(io.BytesIO(hostile_png(0))) == ImageHeader("png", 7000, 7000)


# --- the chapter's budget -----------------------------------------------------------------


def written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_an_image_over_the_budget_is_a_sentence_never_a_decode(tmp_path):
    budget = ImageBudget()
    page = budget.block(written(tmp_path, "big", hostile_png(0)), "image/png", "Plan")
    assert "too large to show (7000 × 7000 px)" in page and "<img" not in page
    assert budget.images == []


def test_images_are_shown_at_most_at_the_reader_s_size(tmp_path):
    budget = ImageBudget()
    page = budget.block(written(tmp_path, "wide", png(3000, 300, blank_rows(3000, 300))), "", "")
    assert "src='companion-image:0' width='1000' height='100'" in page
    assert budget.images[0].format == "png" and budget.images[0].svg is None
    assert fit(10, 10) == (10, 10)  # never enlarged
    assert fit(1e8, 1) == (1000, 1)


def test_the_chapter_s_images_together_are_bounded(tmp_path):
    budget = ImageBudget()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="7000" height="7000"/>'
    pages = [budget.block(written(tmp_path, f"s{i}", svg), "image/svg+xml", "") for i in range(30)]
    per_image = 1000 * 1000
    shown = chapter_images.MAX_CHAPTER_PIXELS // per_image
    assert len(budget.images) == shown
    assert sum("<img" in page for page in pages) == shown
    assert "is not shown" in pages[-1]


def test_the_format_is_the_file_s_own_not_its_declared_type(tmp_path):
    budget = ImageBudget()
    budget.block(written(tmp_path, "gif", pillow("GIF", (8, 8))), "image/png", "")
    assert budget.images[0].format == "gif"
    page = budget.block(written(tmp_path, "svg", b"<svg/>"), "image/png", "")
    assert "cannot be shown" in page  # an SVG under a raster's name is not read as one


# --- what a course SVG may reference -----------------------------------------------------

SECRET = "/home/learner/secret.png"
PRYING = [
    SECRET,
    "file://" + SECRET,
    "file:///etc/passwd",
    "../../../../etc/passwd",
    "img/../../secret.png",
    "/proc/self/environ",
    "/dev/zero",
    "http://127.0.0.1:9/x.png",
    "https://example.invalid/x.png",
    "//example.invalid/x.png",
    "C:\\Users\\learner\\secret.png",
    "img%2F..%2Fsecret.png",
    "data:image/svg+xml;base64,PHN2Zy8+",
]


def clean(document: str, resolve=None, pixels: int = 10_000) -> tuple[str, SvgCleaner]:
    cleaner = SvgCleaner(resolve or (lambda _reference: None), pixels)
    safe = cleaner.clean(document.encode())
    assert safe is not None
    return safe.data.decode(), cleaner


def test_every_reference_outside_the_document_is_taken_out():
    refs = "".join(f'<image href="{r}"/><image xlink:href="{r}"/>' for r in PRYING)
    uses = "".join(f'<use href="{r}#a"/>' for r in PRYING)
    out, cleaner = clean(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' xml:base="file:///">{refs}{uses}<feImage href="/etc/passwd"/></svg>'
    )
    for reference in PRYING:
        assert reference not in out
    assert "passwd" not in out and "xml:base" not in out
    assert len(cleaner.removed) == 3 * len(PRYING) + 1


def test_css_reaches_nothing_outside_the_document():
    out, _ = clean(
        '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url("/etc/passwd");'
        "@import 'file:///x.css'; .a { fill: url(/secret.png) } .b { fill: url(#g) }</style>"
        '<rect style="fill:url( \'file:///x\' )" fill="url(#g)" filter="url(http://x/#f)"/>'
        "</svg>"
    )
    assert "@import" not in out and "passwd" not in out and "file:" not in out
    assert "http://x" not in out and "secret" not in out
    assert out.count("url(#g)") == 2  # references inside the document stay


def test_scripts_handlers_and_other_namespaces_go():
    out, _ = clean(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:i="urn:x" onload="alert(1)">'
        "<script>alert(2)</script><foreignObject><p>x</p></foreignObject>"
        '<i:meta i:href="/etc/passwd"/><rect i:x="1" width="2"/></svg>'
    )
    assert "alert" not in out and "foreignObject" not in out and "urn:x" not in out
    assert '<rect width="2"></rect>' in out


def test_entities_and_malformed_documents_are_refused():
    bomb = (
        '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    )
    external = '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>'
    wide = '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16") + bomb.encode("utf-16")
    for document in (bomb, external, "<svg", "<html/>", ""):
        assert SvgCleaner(lambda _r: None, 1).clean(document.encode()) is None
    assert SvgCleaner(lambda _r: None, 1).clean(wide) is None


def test_embedded_images_within_the_budget_stay():
    small = base64.b64encode(png(10, 10, blank_rows(10, 10))).decode()
    big = base64.b64encode(png(7000, 7000, b"")).decode()  # a header is all it takes
    out, _ = clean(
        '<svg xmlns="http://www.w3.org/2000/svg">'
        f'<image href="data:image/png;base64,{small}"/>'
        f'<image href="data:image/png;base64,{big}"/><image href="data:image/png;base64,!!"/>'
        "</svg>"
    )
    assert small in out and big not in out and "!!" not in out


def test_a_relative_reference_to_the_course_is_its_file_inlined():
    asked: list[str] = []
    picture = png(4, 4, blank_rows(4, 4))

    def resolve(reference: str):
        asked.append(reference)
        return (picture, "image/png") if reference == "img/plan.png" else None

    out, _ = clean(
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="img/plan.png"/>'
        '<image href="img/../../../etc/passwd"/><image href="/img/plan.png"/></svg>',
        resolve,
    )
    assert asked == ["img/plan.png"]  # nothing else is even looked up
    assert f"data:image/png;base64,{base64.b64encode(picture).decode()}" in out


@pytest.mark.parametrize(
    ("attributes", "size"),
    [
        ('width="7000" height="7000"', (7000, 7000)),
        ('width="70mm" height="1in"', (70 * 96 / 25.4, 96)),
        ('viewBox="0 0 400 200"', (400, 200)),
        ('width="100%" viewBox="0,0,400,200"', (400, 200)),
        ('width="800" viewBox="0 0 400 200"', (800, 400)),
        ('width="-5" height="1e999"', (300, 150)),
        ('viewBox="0 0 0 0"', (300, 150)),
        ("", (300, 150)),
    ],
)
def test_an_svg_s_declared_size(attributes, size):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}/>')
    assert svg_size(root) == pytest.approx(size)


# --- images in a course's HTML ------------------------------------------------------------


def test_html_keeps_only_images_of_the_course_itself(tmp_path):
    plan = written(tmp_path, "plan", png(40, 20, blank_rows(40, 20)))
    asked: list[str] = []

    def course_file(reference: str):
        asked.append(reference)
        return (plan, "image/png") if reference in ("img/plan.png", "img/plan%20A.png") else None

    budget = ImageBudget(course_file)
    prying = "".join(f'<img src="{r}">' for r in PRYING)
    page = sanitise(
        f'<p>Voir<img src="img/plan.png" alt="Le plan" onerror="x()">{prying}'
        '<img src="img/plan%20A.png"><img src="https://tracker.example/p.gif"></p>',
        budget,
    )
    assert page.count("<img") == 2 and len(budget.images) == 2
    assert "src='companion-image:0' width='40' height='20' alt='Le plan'" in page
    # Issue 27: its description in words after it (Qt gives the image as one character).
    assert "alt='Le plan'><br><small>Image: Le plan</small>" in page
    assert page.count("Image:") == 1  # the image without alt text: nothing to say
    assert "onerror" not in page and "tracker" not in page and "passwd" not in page
    assert asked == ["img/plan.png", "img/plan%20A.png"]  # nothing else is looked up
    assert "<img" not in sanitise('<img src="img/plan.png">')  # no budget: no image


def test_a_page_of_the_course_shows_its_own_images(tmp_path):
    from companion.domain import Asset, Block, Chapter, CourseManifest, Part
    from companion.services.chapter_text import chapter_page
    from companion.store.assets import AssetStore

    assets = AssetStore(tmp_path / "assets")
    picture = png(30, 10, blank_rows(30, 10))
    sha = hashlib.sha256(picture).hexdigest()
    assets.partial_path(sha).parent.mkdir(parents=True, exist_ok=True)
    assets.partial_path(sha).write_bytes(picture)
    assets.commit(sha, len(picture))
    served = "https://moodle.example/webservice/pluginfile.php/12/mod_page/content/3/img/plan.png"
    page_text = '<p>Le plan :</p><img src="img/plan.png"><img src="/etc/passwd">'
    chapter = Chapter(
        "c1",
        "Page",
        (
            Block("text", "Page", text=page_text),
            Block("file", "Plan", Asset(sha, len(picture), "image/png", served, "sha1")),
        ),
    )
    manifest = CourseManifest("c", "1", "C", "fr", (Part("p", "P", (chapter,)),))
    page = chapter_page(chapter, manifest, assets)
    assert page.html.count("companion-image:") == 1 and "passwd" not in page.html
    assert page.images[0].path == assets.path(sha)
