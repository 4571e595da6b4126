"""What of each course is on this computer: per chapter (downloaded, to download, an
update available, only on the site, not open yet) and per course."""

from __future__ import annotations

import json

from companion.domain import WEB_BLOCKS, parse_manifest
from companion.store.assets import AssetStore
from companion.store.db import Database

NOT_DOWNLOADED, OFFLINE, UPDATE_AVAILABLE = "not_downloaded", "offline", "update_available"
PARTIAL = "partial"
ON_THE_SITE, CLOSED = "on_the_site", "closed"  # never on this computer: opened on the site


class ChapterStates:
    """The library's part that says what is here (it owns no table: it reads the
    library's and the asset store's)."""

    db: Database
    assets: AssetStore

    def chapter_states(self, course_id: str) -> dict[str, str]:
        rows = self.db.read(
            "SELECT chapter_id, downloaded_version FROM chapters WHERE course_id = ?", (course_id,)
        )
        needs = self._assets_by_chapter(course_id)
        states = self._web_and_closed(course_id) if rows else {}
        for row in rows:
            if row["chapter_id"] in states:
                continue
            complete = all(self.assets.has(sha) for sha in needs.get(row["chapter_id"], []))
            if complete and row["downloaded_version"] is not None:
                states[row["chapter_id"]] = OFFLINE
            elif row["downloaded_version"] is not None:
                states[row["chapter_id"]] = UPDATE_AVAILABLE
            else:
                states[row["chapter_id"]] = NOT_DOWNLOADED
        return states

    def _web_and_closed(self, course_id: str) -> dict[str, str]:
        """Chapters no download makes readable here: those the site keeps closed for now,
        and those that are only pages of the site (a Moodle link, quiz or forum)."""
        rows = self.db.read(  # most courses have neither: their outline is not parsed
            "SELECT manifest FROM courses WHERE id = ? AND (instr(manifest, ?)"
            " OR instr(manifest, ?) OR instr(manifest, ?) OR instr(manifest, ?))",
            (
                course_id,
                '"unavailable"',
                '"type": "link"',
                '"type": "online"',
                '"type": "site_quiz"',
            ),
        )
        manifest = parse_manifest(json.loads(rows[0]["manifest"])) if rows else None
        states = {}
        for part in manifest.parts if manifest else ():
            for chapter in part.chapters:
                if chapter.unavailable:
                    states[chapter.id] = CLOSED
                elif chapter.blocks and all(b.type in WEB_BLOCKS for b in chapter.blocks):
                    states[chapter.id] = ON_THE_SITE
        return states

    def _assets_by_chapter(self, course_id: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for row in self.db.read(
            "SELECT chapter_id, sha256 FROM chapter_assets WHERE course_id = ?", (course_id,)
        ):
            found.setdefault(row["chapter_id"], []).append(row["sha256"])
        return found

    def course_states(self) -> dict[str, str]:
        """Per course: OFFLINE when every chapter is, "partial" when some are."""
        states: dict[str, str] = {}
        for row in self.db.read("SELECT DISTINCT course_id FROM chapters"):
            # What only opens on the site takes nothing to download.
            chapter_states = set(self.chapter_states(row["course_id"]).values())
            chapter_states -= {ON_THE_SITE, CLOSED}
            if chapter_states == {OFFLINE}:
                states[row["course_id"]] = OFFLINE
            elif OFFLINE in chapter_states or UPDATE_AVAILABLE in chapter_states:
                states[row["course_id"]] = PARTIAL
        return states
