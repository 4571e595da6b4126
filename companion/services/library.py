"""Courses kept for offline study: download, chapter states, reading, search, storage.

Manifests are refreshed with their ETag (a 304 costs a few hundred bytes). Assets go to the
shared store; this profile holds references to them. Text is indexed for offline search
when its chapter is downloaded.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from companion.domain import (
    Asset,
    Block,
    Chapter,
    CourseManifest,
    SiteAttempt,
    SiteGrade,
    is_course_id,
    parse_manifest,
)
from companion.errors import UserFacingError
from companion.i18n import _
from companion.manifest_format import manifest_json
from companion.platform import Capability, Credentials, Platform
from companion.services import library_search
from companion.services.chapter_text import ChapterPage, chapter_page, plain_text
from companion.services.connection import PlatformConnection
from companion.services.course_files import (
    OpenableFile,
    copy_private,
    essential_type,
    openable_extension,
)
from companion.services.course_outline import outline_from_json, outline_json
from companion.services.fetching import configured_downloader, storage_budget
from companion.services.library_search import SearchHit
from companion.services.library_states import (
    CLOSED,
    NOT_DOWNLOADED,
    OFFLINE,
    ON_THE_SITE,
    PARTIAL,
    UPDATE_AVAILABLE,
    ChapterStates,
)
from companion.services.site_quizzes import keep_for_offline
from companion.settings import (
    DOWNLOADS_METERED,
    Settings,
)
from companion.store import schema
from companion.store.assets import AssetStore
from companion.store.db import Database, open_rebuildable
from companion.sync.client import PlatformUnreachable

# Where a site quiz's answers go: the site (its grade) or this computer (None).
Answering = Callable[[dict[int, Any]], SiteGrade | None]

if TYPE_CHECKING:
    from companion.jobs import Control
    from companion.services.progress import ProgressService
    from companion.services.site_accounts import SiteCourses, SiteSource
    from companion.sync.downloads import Downloader

log = logging.getLogger("companion.services")

__all__ = [  # the states are the library's words, said in library_states
    "CLOSED",
    "NOT_DOWNLOADED",
    "OFFLINE",
    "ON_THE_SITE",
    "PARTIAL",
    "UPDATE_AVAILABLE",
    "DownloadReport",
    "LibraryService",
    "SearchHit",
]
LARGE_FILE_BYTES = 2_000_000  # held back on a metered connection
# Text first (readable soonest), then images, documents, audio, video.
_PRIORITY = {"text": 0, "image": 1, "application": 2, "audio": 3, "video": 4}


class DownloadReport(NamedTuple):
    fetched_assets: int
    held_back: int  # large files waiting for permission on a metered connection


class LibraryService(ChapterStates):
    def __init__(
        self,
        connection: PlatformConnection,
        settings: Settings,
        profile: str,
        profile_dir: Path,
        assets_dir: Path,
        session: Callable[[], Credentials | None] = lambda: None,
        learner_data: Callable[[], ProgressService] | None = None,
        assets_shared: bool = False,
        sites: SiteCourses | None = None,
    ) -> None:
        self.connection = connection
        self.session = session  # the signed-in session, or None
        # The learner's own course list lives with their progress, never in the shared
        # library file (issue 9: Karim's library listed Camille's courses).
        self.learner_data = learner_data or _keep_nothing()
        self.settings = settings
        self.sites = sites  # the courses of the learner's accounts on other sites (Moodle)
        self.profile = profile
        self.db: Database = open_rebuildable(profile_dir / "library.db", schema.LIBRARY)
        self.assets = AssetStore(assets_dir, shared=assets_shared)

    # --- the learner's courses -----------------------------------------------------------

    def my_courses(self) -> list[str]:
        """Courses enrolled on the platform (when it answers) or added on this computer,
        newest first; the platform's list is kept for offline starts."""
        session = self.session()
        if session is not None:
            try:
                enrolled = self.connection.api().with_auth(session).enrollments()
            except UserFacingError as error:
                log.info("enrolments not refreshed: %s", error.message)
            else:
                self._remember(enrolled, enrolled=True)
        mine = self.learner_data().my_courses()
        return mine + [c for c in (self.sites.courses() if self.sites else []) if c not in mine]

    def add_course(self, course_id: str) -> None:
        """Add a course to the learner's library; enrol on the platform when signed in."""
        _check_course(course_id)
        if self._site_of(course_id) is not None:
            return  # a site's course: in the library through its account, enrolled there
        self._remember([course_id], enrolled=False)
        enrolled = self.learner_data().is_enrolled(course_id)
        session = self.session() if not enrolled else None  # each download adds: ask once
        if session is None:
            return
        try:
            self.connection.api().with_auth(session).enroll(course_id)
        except UserFacingError as error:  # tried again at the next add (or download)
            log.info("enrolment in %s not sent: %s", course_id, error.message)
        else:
            self._remember([course_id], enrolled=True)

    def _remember(self, course_ids: list[str], enrolled: bool) -> None:
        kept = [c for c in course_ids if is_course_id(c)]
        if len(kept) != len(course_ids):
            log.warning("%d course id(s) from the platform refused", len(course_ids) - len(kept))
        self.learner_data().remember_courses(kept, enrolled)

    def course_labels(self, course_ids: list[str]) -> dict[str, str]:
        """What to call each course in a list: its outline's title kept here, and for a
        site's course the site's name beside it (one library, several sites)."""
        titles = {row["id"]: row["title"] for row in self.db.read("SELECT id, title FROM courses")}
        sites = self.sites.site_names() if self.sites is not None else {}  # one read for all
        labels = {}
        for course_id in course_ids:
            site = sites.get(course_id)
            title = titles.get(course_id) or ""
            if site:
                labels[course_id] = f"{title or course_id} · {site}"
            elif title:
                labels[course_id] = title
        return labels

    # --- manifests ----------------------------------------------------------------------

    def manifest(self, course_id: str) -> CourseManifest | None:
        rows = self.db.read("SELECT manifest FROM courses WHERE id = ?", (course_id,))
        return parse_manifest(json.loads(rows[0]["manifest"])) if rows else None

    def outline(self, course_id: str) -> CourseManifest | None:
        """Its outline without content (issue 28: the home view parses no manifest), kept at
        ``_store_manifest``; made once for a course stored before outlines were."""
        rows = self.db.read("SELECT outline FROM courses WHERE id = ?", (course_id,))
        kept = outline_from_json(rows[0]["outline"]) if rows else None
        if kept is not None or not rows or (manifest := self.manifest(course_id)) is None:
            return kept
        with self.db.write() as c:
            c.execute(
                "UPDATE courses SET outline = ? WHERE id = ?", (outline_json(manifest), course_id)
            )
        return outline_from_json(outline_json(manifest))

    def update_manifest(self, course_id: str) -> CourseManifest:
        """The course's manifest, fetched only when the platform's copy changed."""
        _check_course(course_id)
        rows = self.db.read("SELECT etag FROM courses WHERE id = ?", (course_id,))
        etag = rows[0]["etag"] if rows else ""
        fetched = self._platform_of(course_id).manifest(course_id, etag)
        if fetched.manifest is None:  # 304: unchanged since the copy kept here
            stored = self.manifest(course_id)
            if stored is None:
                raise _unusable_manifest()
            return stored
        if fetched.manifest.id != course_id:  # it would overwrite another course
            log.warning("manifest for %r names course %r", course_id, fetched.manifest.id)
            raise _unusable_manifest()
        self._store_manifest(fetched.manifest, fetched.etag)
        return fetched.manifest

    def _store_manifest(self, manifest: CourseManifest, etag: str) -> None:
        with self.db.write() as c:
            previous = {
                row["chapter_id"]: row["downloaded_version"]
                for row in c.execute(
                    "SELECT chapter_id, downloaded_version FROM chapters WHERE course_id = ?",
                    (manifest.id,),
                )
            }
            c.execute(
                "INSERT INTO courses (id, title, version, etag, manifest, fetched_at, outline)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title ="
                " excluded.title, version = excluded.version, etag = excluded.etag, manifest ="
                " excluded.manifest, fetched_at = excluded.fetched_at, outline = excluded.outline",
                (
                    manifest.id,
                    manifest.title,
                    manifest.version,
                    etag,
                    json.dumps(manifest_json(manifest), ensure_ascii=False),
                    time.time(),
                    outline_json(manifest),
                ),
            )
            c.execute("DELETE FROM chapters WHERE course_id = ?", (manifest.id,))
            position = 0
            for part in manifest.parts:
                for chapter in part.chapters:
                    c.execute(
                        "INSERT INTO chapters (course_id, chapter_id, part_id, position, title,"
                        " downloaded_version) VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            manifest.id,
                            chapter.id,
                            part.id,
                            position,
                            chapter.title,
                            previous.get(chapter.id),
                        ),
                    )
                    c.executemany(
                        "INSERT OR IGNORE INTO chapter_assets VALUES (?, ?, ?, ?, ?)",
                        [
                            (manifest.id, chapter.id, a.sha256, a.size, a.media_type)
                            for a in _chapter_assets(chapter)
                        ],
                    )
                    position += 1

    # --- downloads ----------------------------------------------------------------------

    def download(
        self,
        course_id: str,
        control: Control,
        progress: Callable[[int, int], None] = lambda _done, _total: None,
        part_id: str | None = None,
        chapter_id: str | None = None,
        allow_large: bool = False,
    ) -> DownloadReport:
        """Fetch a whole course, one part or one chapter. ``progress(done, total)`` bytes."""
        manifest = self.update_manifest(course_id)
        self.add_course(course_id)
        chapters = [
            c
            for p in manifest.parts
            if part_id in (None, p.id)
            for c in p.chapters
            if chapter_id in (None, c.id)
        ]
        if not chapters:
            raise UserFacingError(_("This part of the course no longer exists."))
        wanted = _ordered(a for c in chapters for b in c.blocks for a in _block_assets(b))
        held = []
        if self.settings.value(DOWNLOADS_METERED) and not allow_large:
            held = [a for a in wanted if a.size > LARGE_FILE_BYTES]
            wanted = [a for a in wanted if a.size <= LARGE_FILE_BYTES]
        missing = [a for a in wanted if not self.assets.has(a.sha256)]
        total = sum(a.size for a in missing)
        self.assets.make_room(total, storage_budget(self.settings), keep=(self.profile, course_id))
        done = 0

        def advance(amount: int) -> None:
            nonlocal done
            done += amount
            progress(done, total)

        downloader = self._downloader_for(course_id)
        # Held before they arrive: a course removed meanwhile, here or in another Companion
        # process, must not collect a file between its arrival and the holding after it.
        self._record_holdings(manifest, arriving=missing)
        try:
            downloader.fetch_all(missing, control, advance)
        finally:
            self._record_holdings(manifest)  # whatever arrived stays usable and counted
        self._mark_and_index(manifest, chapters)
        if (site := self._site_of(course_id)) is not None and self.sites is not None:
            store = self.sites.quizzes_for(course_id)
            if store is not None:
                keep_for_offline(site.platform, store, chapters)
        return DownloadReport(len(missing), len(held))

    def _record_holdings(self, manifest: CourseManifest, arriving: Iterable[Asset] = ()) -> None:
        present = [a.sha256 for a in manifest.assets() if self.assets.has(a.sha256)]
        held = present + [a.sha256 for a in arriving]
        if held:
            self.assets.hold(self.profile, manifest.id, held)

    def _mark_and_index(self, manifest: CourseManifest, chapters: list[Chapter]) -> None:
        with self.db.write() as c:
            for chapter in chapters:
                if not all(self.assets.has(a.sha256) for a in _chapter_assets(chapter)):
                    continue  # held back or failed: not offline yet
                c.execute(
                    "UPDATE chapters SET downloaded_version = ? WHERE course_id = ? "
                    "AND chapter_id = ?",
                    (manifest.version, manifest.id, chapter.id),
                )
                c.execute(
                    "DELETE FROM chapter_text WHERE course_id = ? AND chapter_id = ?",
                    (manifest.id, chapter.id),
                )
                c.execute(
                    "INSERT INTO chapter_text (course_id, chapter_id, title, body) "
                    "VALUES (?, ?, ?, ?)",
                    (manifest.id, chapter.id, chapter.title, plain_text(chapter, self.assets)),
                )

    def site_quiz(self, course_id: str, activity: str) -> tuple[SiteAttempt, Answering]:
        """A site course's quiz, to answer here: its attempt, and where the answers go —
        the site, which grades them at once, or (offline, when the site allows it) this
        computer, until the next sync (the answering then gives no grade: None)."""
        platform = self._platform_of(course_id)
        if Capability.ONLINE_QUIZZES not in platform.capabilities:
            raise UserFacingError(_("This quiz is answered on its site only."))
        try:
            attempt = platform.quiz_attempt(activity)
        except PlatformUnreachable:
            store = self.sites.quizzes_for(course_id) if self.sites is not None else None
            kept = store.kept(activity) if store is not None else None
            if store is None or kept is None:
                raise
            return kept, lambda answers: store.answer(activity, answers)
        return attempt, lambda answers: platform.finish_quiz(attempt, answers)

    def _site_of(self, course_id: str) -> SiteSource | None:
        return self.sites.source_of(course_id) if self.sites is not None else None

    def _platform_of(self, course_id: str) -> Platform:
        """Where a course comes from: its site account's site, or the platform."""
        site = self._site_of(course_id)
        return site.platform if site is not None else self.connection.api()

    def _downloader_for(self, course_id: str) -> Downloader:
        site = self._site_of(course_id)
        if site is None:
            return configured_downloader(self.connection, self.settings, self.assets)
        return configured_downloader(
            self.connection, self.settings, self.assets, (site.downloads, site.platform)
        )

    # --- states, reading, search ----------------------------------------------------------

    def chapter_html(self, course_id: str, chapter_id: str) -> str:
        return self.chapter_page(course_id, chapter_id).html  # images: companion-image:N

    def chapter_page(self, course_id: str, chapter_id: str) -> ChapterPage:
        """The chapter for the reader: sanitised HTML, and its images within their budget."""
        manifest = self.manifest(course_id)
        chapter = _find_chapter(manifest, chapter_id) if manifest else None
        if manifest is None or chapter is None:
            raise UserFacingError(_("This chapter is not on this computer."))
        self.assets.touch(self.profile, course_id)
        return chapter_page(chapter, manifest, self.assets)

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        return library_search.search(self.db, text, limit)

    def asset_media_type(self, sha256: str) -> str:
        rows = self.db.read(
            "SELECT media_type FROM chapter_assets WHERE sha256 = ? LIMIT 1", (sha256,)
        )
        if not rows or not self.assets.has(sha256):
            raise UserFacingError(_("This file is not on this computer."))
        return str(rows[0]["media_type"])

    def openable_copy(self, sha256: str, open_dir: Path) -> OpenableFile:
        """A copy for a player or the system's viewer, when its type is one Companion
        lets the system open (``OPENABLE``), with the extension Companion gives that type;
        otherwise ``path`` is None and the learner is offered to save the file instead."""
        media_type = self.asset_media_type(sha256)
        extension = openable_extension(media_type)
        if extension is None:
            log.info("not opened, offered for saving: a file of type %.80r", media_type)
            return OpenableFile(None, essential_type(media_type))
        target = open_dir / f"{sha256[:16]}{extension}"
        if not target.exists():
            copy_private(self.assets.path(sha256), target)
        return OpenableFile(target, essential_type(media_type))

    def save_copy(self, sha256: str, destination: Path) -> None:
        """The file as the learner chose to save it: their name, never executable."""
        self.asset_media_type(sha256)  # on this computer, and a course file
        copy_private(self.assets.path(sha256), destination)

    def chapter(self, course_id: str, chapter_id: str) -> Chapter | None:
        manifest = self.manifest(course_id)
        return _find_chapter(manifest, chapter_id) if manifest else None

    # --- storage ------------------------------------------------------------------------

    def remove(self, course_id: str) -> int:
        with self.db.write() as c:
            c.execute("DELETE FROM chapter_text WHERE course_id = ?", (course_id,))
            c.execute(
                "UPDATE chapters SET downloaded_version = NULL WHERE course_id = ?", (course_id,)
            )
        if self.db.free_share() > 0.25:  # its search text gone: the file gets smaller
            self.db.reclaim()
        return self.assets.release(self.profile, course_id)

    def pin(self, course_id: str, pinned: bool) -> None:
        self.assets.set_pinned(self.profile, course_id, pinned)

    def usage(self) -> tuple[int, int]:
        """(bytes used by course files on this machine, the storage budget)."""
        return self.assets.used_bytes(), storage_budget(self.settings)

    def is_pinned(self, course_id: str) -> bool:
        return self.assets.is_pinned(self.profile, course_id)

    def storage(self) -> dict[str, int]:
        return self.assets.course_bytes(self.profile)

    def close(self) -> None:
        self.db.close()
        self.assets.db.close()


def _keep_nothing() -> Callable[[], ProgressService]:
    """For a library used without a learner (tests, prefetch): a course list in memory."""
    from companion.services.progress import ProgressService

    memory = ProgressService(None)
    return lambda: memory


def _block_assets(block: Block) -> list[Asset]:
    return [block.asset] if block.asset is not None else []


def _chapter_assets(chapter: Chapter) -> list[Asset]:
    return [a for b in chapter.blocks for a in _block_assets(b)]


def _ordered(assets: Iterable[Asset]) -> list[Asset]:
    unique = {a.sha256: a for a in assets}
    return sorted(
        unique.values(),
        key=lambda a: (
            _PRIORITY.get(a.media_type.split("/")[0] if "/" in a.media_type else "", 9),
            a.size,
        ),
    )


def _check_course(course_id: str) -> None:
    if not is_course_id(course_id):
        raise UserFacingError(
            _("This course cannot be used: its identifier is not valid."),
            _("Tell the platform's team; the other courses are not affected."),
        )


def _unusable_manifest() -> UserFacingError:
    return UserFacingError(
        _("The platform sent an unusable description of this course."),
        _("Nothing was changed on this computer. Try again later, or tell the platform's team."),
    )


def _find_chapter(manifest: CourseManifest, chapter_id: str) -> Chapter | None:
    for part in manifest.parts:
        for chapter in part.chapters:
            if chapter.id == chapter_id:
                return chapter
    return None
