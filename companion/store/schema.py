"""Schema migrations, one list per database file; a step is never edited once released."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from companion.store.db import Migration

LIBRARY: list[Migration] = [
    # 1: courses kept for offline study, their chapters and the assets each chapter needs
    """
    CREATE TABLE courses (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, version TEXT NOT NULL,
        etag TEXT NOT NULL DEFAULT '', manifest TEXT NOT NULL, fetched_at REAL NOT NULL);
    CREATE TABLE chapters (
        course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
        chapter_id TEXT NOT NULL, part_id TEXT NOT NULL, position INTEGER NOT NULL,
        title TEXT NOT NULL, PRIMARY KEY (course_id, chapter_id));
    CREATE TABLE chapter_assets (
        course_id TEXT NOT NULL, chapter_id TEXT NOT NULL, sha256 TEXT NOT NULL,
        size INTEGER NOT NULL, media_type TEXT NOT NULL,
        PRIMARY KEY (course_id, chapter_id, sha256),
        FOREIGN KEY (course_id, chapter_id) REFERENCES chapters ON DELETE CASCADE)
    """,
    # 2: offline search, accent-insensitive for French
    """
    CREATE VIRTUAL TABLE chapter_text USING fts5(
        course_id UNINDEXED, chapter_id UNINDEXED, title, body,
        tokenize = 'unicode61 remove_diacritics 2')
    """,
]

LIBRARY.append(
    # 3: which manifest version a chapter was last downloaded at, to say "update available"
    "ALTER TABLE chapters ADD COLUMN downloaded_version TEXT"
)

LIBRARY.append(
    # 4: the learner's own courses: enrolled on the platform, or added on this computer
    """
    CREATE TABLE my_courses (
        course_id TEXT PRIMARY KEY, enrolled INTEGER NOT NULL DEFAULT 0,
        added_at REAL NOT NULL)
    """
)

LIBRARY.append(
    # 5: each course's outline without content, for the home view (issue 28); made again
    # from the manifest when missing
    "ALTER TABLE courses ADD COLUMN outline TEXT"
)

PROGRESS: list[Migration] = [
    # 1: where the learner stopped reading, and quiz attempts
    """
    CREATE TABLE reading_positions (
        course_id TEXT NOT NULL, chapter_id TEXT NOT NULL, position REAL NOT NULL,
        updated_at REAL NOT NULL, PRIMARY KEY (course_id, chapter_id));
    CREATE TABLE quiz_attempts (
        id TEXT PRIMARY KEY, course_id TEXT NOT NULL, quiz_id TEXT NOT NULL,
        score REAL NOT NULL, passed INTEGER NOT NULL, answers TEXT NOT NULL,
        taken_at REAL NOT NULL)
    """,
]

ASSETS: list[Migration] = [
    # 1: the shared, content-addressed asset store: files, and who holds them
    """
    CREATE TABLE assets (
        sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, last_used REAL NOT NULL);
    CREATE TABLE holdings (
        owner TEXT NOT NULL, course_id TEXT NOT NULL, pinned INTEGER NOT NULL DEFAULT 0,
        last_used REAL NOT NULL, PRIMARY KEY (owner, course_id));
    CREATE TABLE refs (
        owner TEXT NOT NULL, course_id TEXT NOT NULL, sha256 TEXT NOT NULL,
        PRIMARY KEY (owner, course_id, sha256),
        FOREIGN KEY (owner, course_id) REFERENCES holdings ON DELETE CASCADE);
    CREATE INDEX refs_by_asset ON refs (sha256)
    """,
]

PROGRESS.append(
    # 2: statements waiting to be sent (written in the same transaction as the progress they
    #    describe), and chapters the learner finished
    """
    CREATE TABLE outbox (
        id TEXT PRIMARY KEY, statement TEXT NOT NULL, created_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
        set_aside INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE chapter_completions (
        course_id TEXT NOT NULL, chapter_id TEXT NOT NULL, completed_at REAL NOT NULL,
        PRIMARY KEY (course_id, chapter_id))
    """
)

PROGRESS.append(
    # 3: statements known to be on the platform, from this device or pulled from others,
    #    and the pull cursor. Derived progress is computed from these facts.
    """
    CREATE TABLE known_statements (
        id TEXT PRIMARY KEY, verb TEXT NOT NULL, object_id TEXT NOT NULL,
        score REAL, success INTEGER, timestamp TEXT NOT NULL);
    CREATE INDEX known_by_object ON known_statements (object_id, verb);
    CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)
    """
)

PROGRESS.append(
    # 4: this device's own statements become facts as soon as they are made (not when
    #    acknowledged), with what the attestation and merge rules need: time studied and
    #    the course each statement belongs to. Study sessions and certificates are kept.
    """
    ALTER TABLE known_statements ADD COLUMN seconds REAL;
    ALTER TABLE known_statements ADD COLUMN course TEXT;
    ALTER TABLE known_statements ADD COLUMN course_name TEXT;
    INSERT OR IGNORE INTO known_statements (id, verb, object_id, score, success, timestamp)
        SELECT id, replace(json_extract(statement, '$.verb.id'),
                           'http://adlnet.gov/expapi/verbs/', ''),
               json_extract(statement, '$.object.id'),
               json_extract(statement, '$.result.score.scaled'),
               json_extract(statement, '$.result.success'),
               json_extract(statement, '$.timestamp')
        FROM outbox WHERE set_aside = 0;
    CREATE TABLE study_sessions (
        id TEXT PRIMARY KEY, course_id TEXT NOT NULL, chapter_id TEXT NOT NULL,
        started_at REAL NOT NULL, seconds REAL NOT NULL);
    CREATE TABLE certificates (
        id TEXT PRIMARY KEY, course_id TEXT NOT NULL, title TEXT NOT NULL,
        issued_at TEXT NOT NULL, credential TEXT NOT NULL, has_pdf INTEGER NOT NULL DEFAULT 0,
        fetched_at REAL NOT NULL)
    """
)

PROGRESS.append(
    # 5: who was signed in when the action was made (NULL: nobody). A statement goes only
    #    under that learner, so on a shared computer progress never changes hands.
    "ALTER TABLE outbox ADD COLUMN learner TEXT"
)

PROGRESS.append(
    # 6: the learner's own course list (it was in library.db, shared by everyone on the
    #    profile). Each learner now has a progress file of their own (issue 9): every row
    #    in it is theirs, so nothing needs a learner column to be told apart.
    """
    CREATE TABLE my_courses (
        course_id TEXT PRIMARY KEY, enrolled INTEGER NOT NULL DEFAULT 0,
        added_at REAL NOT NULL)
    """
)

PROGRESS.append(
    # 7: the outbox's next batch read from an index in queue order (issue 28: each batch
    #    scanned and sorted the whole queue, 17.8× slower for 5× the statements)
    "CREATE INDEX outbox_queue ON outbox (set_aside, created_at)"
)


def _session_moments(connection: sqlite3.Connection) -> None:
    """8: when each study session began, as a UTC moment (seconds since 1970), indexed: the
    home view's "studied this week" reads the sessions of the week, not the whole history
    (issue 28: linear in every session ever made, 109–123 ms at 50,000). The timestamps
    are compared as moments: another device may write them with another offset."""
    connection.execute("ALTER TABLE known_statements ADD COLUMN begun_at REAL")
    rows = connection.execute(
        "SELECT id, timestamp FROM known_statements WHERE verb = 'experienced'"
    ).fetchall()
    connection.executemany(
        "UPDATE known_statements SET begun_at = ? WHERE id = ?",
        [(moment_of(timestamp), statement_id) for statement_id, timestamp in rows],
    )
    connection.execute("CREATE INDEX known_by_moment ON known_statements (verb, begun_at)")


def moment_of(timestamp: str) -> float | None:
    """An xAPI timestamp as seconds since 1970 (a naive one taken as UTC); None if unreadable."""
    try:
        moment = datetime.fromisoformat(str(timestamp).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).timestamp()


PROGRESS.append(_session_moments)
