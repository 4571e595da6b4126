"""The outbox's cost per batch does not grow with the queue (issue 28: each batch of 500
scanned and sorted the whole outbox, and each acknowledged id was its own DELETE)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from companion.services.progress import ProgressService
from tests.sync_helpers import complete_chapters


@contextmanager
def statements_run(service: ProgressService) -> Iterator[list[str]]:
    seen: list[str] = []
    service.db.connection.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        service.db.connection.set_trace_callback(None)


def plan(service: ProgressService, sql: str) -> str:
    rows = service.db.connection.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
    return " / ".join(str(row[3]) for row in rows)


def test_the_next_batch_is_read_from_an_index_without_sorting(tmp_path):
    service = complete_chapters(ProgressService(tmp_path), 30)
    with statements_run(service) as seen:
        assert len(service.take(10, "u-1001")) == 10
    [query] = [sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]
    how = plan(service, query)
    assert "USING INDEX outbox_queue" in how and "TEMP B-TREE" not in how, how
    service.close()


def test_a_batch_is_acknowledged_in_one_statement(tmp_path):
    service = complete_chapters(ProgressService(tmp_path), 30)
    ids = [statement_id for statement_id, _ in service.take(25, "u-1001")]
    with statements_run(service) as seen:
        service.acknowledge(ids)
    assert len([sql for sql in seen if sql.upper().startswith("DELETE")]) == 1
    assert service.pending_count() == 5
    service.close()
