"""Offline search over the chapters kept in library.db (its FTS5 table ``chapter_text``).

Ranking every match is what cost: a word found in every chapter made SQLite compute bm25
for all of them to keep 20 (issue 28: 284 ms p95 for common words at 100,000 chapters,
against 3.9 ms unranked). A query is ranked over at most ``CANDIDATES`` matches: when it
matches more, over the most recently indexed ones (the rowid range that holds them, which
FTS5 filters itself); a rarer query, every match, as before. A common word alone says
little about relevance, so the few it would have ranked higher elsewhere are the price.
The last word typed is a prefix only while it is not a whole word of the library.
"""

from __future__ import annotations

from typing import NamedTuple

from companion.services.chapter_text import fts_query, marked
from companion.store.db import Database

CANDIDATES = 200

_HITS = (
    "SELECT course_id, chapter_id, title, snippet(chapter_text, 3, '\x02', '\x03', '…', 12)"
    " AS snippet FROM chapter_text WHERE chapter_text MATCH ?"
)


class SearchHit(NamedTuple):
    course_id: str
    chapter_id: str
    chapter_title: str
    snippet: str  # sanitised HTML with <mark> around the matches


def search(db: Database, text: str, limit: int = 20) -> list[SearchHit]:
    """The best ``limit`` chapters for ``text`` (typed as the learner types it)."""
    query = _as_typed(db, fts_query(text))
    if not query:
        return []
    beyond = db.read(  # unranked: reads the index only, stops at the candidate after the last
        "SELECT rowid FROM chapter_text WHERE chapter_text MATCH ?"
        " ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (query, CANDIDATES),
    )
    if beyond:
        rows = db.read(f"{_HITS} AND rowid > ? ORDER BY rank LIMIT ?", (query, beyond[0][0], limit))
    else:
        rows = db.read(f"{_HITS} ORDER BY rank LIMIT ?", (query, limit))
    return [
        SearchHit(r["course_id"], r["chapter_id"], r["title"], marked(r["snippet"])) for r in rows
    ]


def _as_typed(db: Database, query: str) -> str:
    """The last word as a prefix only while it is not a word of the library: FTS5 merges
    the index entries of every word a prefix stands for, across the whole table, before
    any ranking or bound applies (60 ms for "pour*" at 100,000 chapters, 10 ms for
    "pour"). A word being typed is still found by its beginning."""
    if not query.endswith("*"):
        return query
    last = query[:-1].rsplit(" ", 1)[-1]
    known = db.read("SELECT rowid FROM chapter_text WHERE chapter_text MATCH ? LIMIT 1", (last,))
    return query[:-1] if known else query
