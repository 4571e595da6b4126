"""Files that shrink (issue 28): progress.db kept its size once its outbox emptied (58–62 %
free pages, no VACUUM anywhere), and "studied this week" read every study session ever
made to find the week's."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from companion import xapi
from companion.services.learners import PROGRESS_FILE
from companion.services.progress import ProgressService
from companion.store import schema
from tests.sync_helpers import HOME, complete_chapters


def file_size(service: ProgressService) -> int:
    assert service.folder is not None
    return (service.folder / PROGRESS_FILE).stat().st_size


def test_progress_db_shrinks_once_its_outbox_empties(tmp_path):
    service = complete_chapters(ProgressService(tmp_path), 3_000)
    service.db.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    full = file_size(service)
    with service.db.write() as c:  # the facts go too, so most of the file is free
        c.execute("DELETE FROM known_statements")
    while pending := service.take(500, "u-1001"):
        service.acknowledge([statement_id for statement_id, _ in pending])
    assert file_size(service) < full / 3
    assert service.db.free_share() < 0.05
    service.close()


def test_a_file_of_an_earlier_release_switches_to_incremental_vacuum(tmp_path):
    path = tmp_path / PROGRESS_FILE
    old = sqlite3.connect(path)  # as earlier releases made it: no auto_vacuum
    old.execute("CREATE TABLE filler (x)")
    old.close()
    service = ProgressService(tmp_path)
    assert service.db.connection.execute("PRAGMA auto_vacuum").fetchone()[0] == 0
    service.db.reclaim()
    assert service.db.connection.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
    service.close()


def sessions(service: ProgressService, count: int, days_ago: int) -> None:
    begun = datetime.now(UTC) - timedelta(days=days_ago)
    course = f"{HOME}/xapi/activities/courses/c"
    made = [
        xapi.statement(
            "experienced",
            f"{course}/chapters/{i}",
            "chapter",
            f"Chapitre {i}",
            course_activity=course,
            course_name="C",
            result={"duration": "PT60S"},
            when=begun + timedelta(seconds=i),
        )
        for i in range(count)
    ]
    service.merge_pulled(made, "")


def test_studied_since_reads_the_sessions_of_the_week_from_an_index(tmp_path):
    service = ProgressService(tmp_path)
    sessions(service, 40, days_ago=30)
    sessions(service, 3, days_ago=1)
    seen: list[str] = []
    service.db.connection.set_trace_callback(seen.append)
    week = service.studied_since(datetime.now(UTC) - timedelta(days=7))
    service.db.connection.set_trace_callback(None)
    assert list(week.values()) == [180.0]
    [query] = [sql for sql in seen if "experienced" in sql]
    plan = " ".join(
        str(row[3]) for row in service.db.connection.execute(f"EXPLAIN QUERY PLAN {query}")
    )
    assert "known_by_moment" in plan and "SCAN known_statements" not in plan, plan
    service.close()


def test_sessions_kept_before_the_moment_column_get_theirs(tmp_path):
    service = ProgressService(tmp_path)
    sessions(service, 2, days_ago=1)
    with service.db.write() as c:  # as a file of the previous version has them
        c.execute("UPDATE known_statements SET begun_at = NULL")
        c.execute("DROP INDEX known_by_moment")
        c.execute("ALTER TABLE known_statements DROP COLUMN begun_at")
        c.execute(f"PRAGMA user_version = {len(schema.PROGRESS) - 1}")
    service.close()
    again = ProgressService(tmp_path)
    assert sum(again.studied_since(datetime.now(UTC) - timedelta(days=7)).values()) == 120.0
    again.close()
