"""A chapter as the reader shows it and search finds it: course HTML sanitised, text
blocks bounded, the search query quoted and its snippets marked."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from companion import formatting
from companion.domain import WEB_BLOCKS, Block, Chapter, CourseManifest
from companion.i18n import _
from companion.services.chapter_images import ChapterPage, ImageBudget
from companion.services.course_files import read_text
from companion.store.assets import AssetStore

__all__ = [
    "ChapterPage",
    "chapter_page",
    "fts_query",
    "marked",
    "numbered_lists",
    "plain_text",
    "sanitise",
]

ALLOWED_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "span",
    "sub",
    "sup",
}


# A chapter's text is shown whole on the GUI thread: a 50 MB one blocked it 8 s and used
# 2.7 GB (issue 12). A real chapter's text is tens of kilobytes.
MAX_TEXT_BLOCK_BYTES = 2_000_000


def sanitise(fragment: str, images: ImageBudget | None = None) -> str:
    """Course HTML as the reader may show it: no scripts, styles, forms or remote loads.
    With ``images``, an ``<img>`` naming a file of the same course by a relative path is
    kept within the chapter's budget (a Moodle page's ``img/plan.png``); any other image
    (absolute, ``..``, a scheme) is removed, and without ``images`` every one is."""
    import nh3

    clean = str(
        nh3.clean(
            fragment,
            tags=ALLOWED_TAGS | ({"img"} if images is not None else set()),
            attributes={
                "a": {"href", "title"},
                "code": {"class"},
                "th": {"align"},
                "td": {"align"},
                "span": {"class"},
                "img": {"src", "alt"},
            },
            url_schemes={"https", "mailto"},
            link_rel="noopener noreferrer",
        )
    )
    return _course_images(clean, images) if images is not None else clean


_LIST_TAG = re.compile(r"(</?(?:ol|ul)\b[^>]*>|<li\b[^>]*>)")


def numbered_lists(clean: str) -> str:
    """Sanitised HTML whose ordered lists carry their numbers in the text ("1. ", "2. "):
    Qt draws a list's numbers but leaves them out of the text a screen reader reads, which
    then read steps without their order (issue 27). The list keeps its indent, without a
    second drawn number. Applied to what ``sanitise`` gave, once (not stable under it)."""
    out: list[str] = []
    counters: list[int | None] = []  # per open list: the next number, None for a <ul>
    number_next = ""  # a number to put before the item's first text
    for piece in _LIST_TAG.split(clean):
        tag = piece.lower()
        if tag.startswith("<ol"):
            counters.append(1)
            piece = "<ol style='list-style-type:none'>"
        elif tag.startswith("<ul"):
            counters.append(None)
        elif tag.startswith(("</ol", "</ul")):
            if counters:
                counters.pop()
        elif tag.startswith("<li") and counters and counters[-1] is not None:
            number_next = f"{counters[-1]}. "
            counters[-1] += 1
        elif number_next:
            paragraph = re.match(r"\s*<p>", piece)  # a loose list: the number in its paragraph
            at = paragraph.end() if paragraph else 0
            piece = piece[:at] + number_next + piece[at:]
            number_next = ""
        out.append(piece)
    return "".join(out)


_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def _course_images(clean: str, images: ImageBudget) -> str:
    """Each ``<img>`` nh3 kept: the course's own file, measured, or nothing."""

    def replaced(match: re.Match[str]) -> str:
        found = dict(_ATTRIBUTE.findall(match.group(0)))
        source = html.unescape(found.get("src", ""))
        alt = html.unescape(found.get("alt", ""))
        return images.inline(source, alt)

    return _IMG.sub(replaced, clean)


def fts_query(text: str) -> str:
    """Quoted terms, so no FTS syntax typed by the learner reaches SQLite; the last word is
    a prefix, since it may still be being typed."""
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in text).split() if w][:12]
    if not words:
        return ""
    return " ".join([*(f'"{w}"' for w in words[:-1]), f'"{words[-1]}"*'])


def marked(snippet: str) -> str:
    flat = " ".join(snippet.split())  # one line: snippets cut across paragraphs
    return html.escape(flat).replace("\x02", "<mark>").replace("\x03", "</mark>")


def chapter_page(chapter: Chapter, manifest: CourseManifest, assets: AssetStore) -> ChapterPage:
    """A chapter for the reader: its HTML, and the images it shows (measured and cleaned
    here, decoded by the reader on a worker)."""
    if chapter.unavailable:  # the site keeps it closed for now, and says why
        return ChapterPage(closed_html(chapter))
    budget = ImageBudget(course_files(manifest, assets))
    page = "\n".join(block_html(block, assets, budget) for block in chapter.blocks)
    return ChapterPage(page, tuple(budget.images))


def course_files(
    manifest: CourseManifest, assets: AssetStore
) -> Callable[[str], tuple[Path, str] | None]:
    """How a relative reference in a course's HTML or SVG finds a file of the same course:
    by the end of the path its site serves it from (a Moodle page's ``img/plan.png``), and
    only among this course's files on this computer."""

    def resolve(reference: str) -> tuple[Path, str] | None:
        for part in manifest.parts:
            for chapter in part.chapters:
                for block in chapter.blocks:
                    asset = block.asset
                    if asset is None or not asset.source or not assets.has(asset.sha256):
                        continue
                    served = unquote(urlsplit(asset.source).path)
                    if served.endswith("/" + unquote(reference)):
                        return assets.path(asset.sha256), asset.media_type
        return None

    return resolve


def block_html(block: Block, assets: AssetStore, images: ImageBudget) -> str:
    """One block for the reader: sanitised HTML; an image within the chapter's budget."""
    asset = block.asset
    if block.type == "quiz" and block.quiz is not None:
        return f"<p class='quiz'>{html.escape(block.quiz.title)}</p>"
    if block.type == "text" and block.text:  # given inline (a Moodle label)
        return numbered_lists(sanitise(block.text[:MAX_TEXT_BLOCK_BYTES], images))
    if block.type in WEB_BLOCKS:
        return _on_the_web(block)
    if asset is None or not assets.has(asset.sha256):
        missing = html.escape(_("Not downloaded yet."))
        return f"<p><em>{missing}</em></p>"
    path = assets.path(asset.sha256)
    if block.type == "text":
        size = max(asset.size, path.stat().st_size)
        if size > MAX_TEXT_BLOCK_BYTES:
            too_long = _("This part of the chapter is too long to show ({size}; at most {limit}).")
            text = too_long.format(
                size=formatting.size(size), limit=formatting.size(MAX_TEXT_BLOCK_BYTES)
            )
            return f"<p><em>{html.escape(text)}</em></p>"
        return numbered_lists(sanitise(read_text(path, asset.media_type), images))
    title = html.escape(block.title)
    if block.type == "image":
        return images.block(path, asset.media_type, block.title, block.alt)
    # The title rides along in the fragment, for the player to show.
    href = f"asset:{asset.sha256}#{quote(block.title, safe='')}"
    return f"<p><a href='{href}'>{title or html.escape(block.type)}</a></p>"


def closed_html(chapter: Chapter) -> str:
    """A chapter the site keeps closed for now (hidden, or restricted until a date or
    another activity): its reason, as plain text."""
    reason = _("Not open yet: {reason}").format(reason=chapter.unavailable)
    return f"<p><em>{html.escape(reason)}</em></p>"


def _on_the_web(block: Block) -> str:
    """A page of the site (a Moodle URL, quiz or forum): a link that says it needs a
    connection; only an https address becomes a link (the reader opens those)."""
    title = html.escape(block.title or block.url)
    if block.type == "site_quiz" and block.url.startswith("https://"):
        answer = html.escape(_("Answer it here (needs a connection)"))
        quiz = f"sitequiz:{quote(block.url, safe='')}"
        on_site = html.escape(_("or on the site"))
        link = html.escape(block.url, quote=True)
        links = f"<a href='{quiz}'>{answer}</a> — <a href='{link}'>{on_site}</a>"
        return f"<p><b>{title}</b><br>{links}</p>"
    if block.type in ("online", "site_quiz"):
        note = _("This activity is done on the site: it needs a connection.")
    else:
        note = _("This link opens in your browser: it needs a connection.")
    note_html = f"<small>{html.escape(note)}</small>"
    if not block.url.startswith("https://"):
        return f"<p>{title}<br>{note_html}</p>"
    return f"<p><a href='{html.escape(block.url, quote=True)}'>{title}</a><br>{note_html}</p>"


def plain_text(chapter: Chapter, assets: AssetStore) -> str:
    """What search indexes of a chapter: its text blocks' words and other blocks' titles."""
    import nh3

    parts = []
    for block in chapter.blocks:
        asset = block.asset
        if block.type == "text" and asset and assets.has(asset.sha256):
            path = assets.path(asset.sha256)
            if path.stat().st_size > MAX_TEXT_BLOCK_BYTES:  # not shown: not indexed
                parts.append(block.title)
                continue
            raw = read_text(path, asset.media_type)
            parts.append(html.unescape(nh3.clean(raw, tags=set())))
        elif block.type == "text" and block.text:  # inline (a Moodle label)
            parts.append(html.unescape(nh3.clean(block.text[:MAX_TEXT_BLOCK_BYTES], tags=set())))
        elif block.title:
            parts.append(block.title)
    return "\n".join(parts)
