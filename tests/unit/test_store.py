import sqlite3
import threading
import time

import pytest

from companion.errors import UserFacingError
from companion.services.chapter_text import fts_query as _fts_query
from companion.services.chapter_text import sanitise
from companion.store import db as db_module
from companion.store import schema
from companion.store.assets import AssetStore
from companion.store.db import Database, open_precious, open_rebuildable

SHA_A, SHA_B, SHA_C = "a" * 64, "b" * 64, "c" * 64


@pytest.mark.parametrize("start", range(len(schema.LIBRARY)))
def test_library_upgrades_from_every_earlier_schema(tmp_path, start):
    path = tmp_path / "library.db"
    if start:
        old = Database(path, schema.LIBRARY[:start])
        with old.write() as c:
            c.execute("INSERT INTO courses VALUES ('c1', 'T', 'v1', '', '{}', 0)")
        old.close()
    upgraded = Database(path, schema.LIBRARY)
    assert upgraded.version == len(schema.LIBRARY)
    columns = {row[1] for row in upgraded.read("PRAGMA table_info(chapters)")}
    assert "downloaded_version" in columns
    if start:
        assert upgraded.read("SELECT title FROM courses")[0]["title"] == "T"  # data kept
    upgraded.close()


def test_progress_upgrades_from_every_earlier_schema(tmp_path):
    for start in range(len(schema.PROGRESS)):
        path = tmp_path / f"progress-{start}.db"
        if start:
            Database(path, schema.PROGRESS[:start]).close()
        assert Database(path, schema.PROGRESS).version == len(schema.PROGRESS)


def test_a_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "library.db"
    Database(path, [*schema.LIBRARY, "CREATE TABLE future (x)"]).close()
    with pytest.raises(UserFacingError, match="newer version"):
        Database(path, schema.LIBRARY)


def damaged(path, migrations):
    """A database file written, checkpointed, closed, then with its header overwritten."""
    db = Database(path, migrations)
    db.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(path.read_bytes())
    data[0:16] = b"this is not db!!"
    path.write_bytes(bytes(data))


def test_a_damaged_library_is_set_aside_and_rebuilt(tmp_path):
    path = tmp_path / "library.db"
    damaged(path, schema.LIBRARY)
    rebuilt = open_rebuildable(path, schema.LIBRARY)
    assert rebuilt.version == len(schema.LIBRARY)
    assert list(tmp_path.glob("library.db.damaged-*"))


def test_damaged_progress_is_reported_and_never_replaced(tmp_path):
    path = tmp_path / "progress.db"
    damaged(path, schema.PROGRESS)
    before = path.read_bytes()
    with pytest.raises(UserFacingError, match="progress file is damaged") as first:
        open_precious(path, schema.PROGRESS)
    assert path.read_bytes() == before
    # Issue 25: each view that met it gave another reference, and no path.
    with pytest.raises(UserFacingError) as again:
        open_precious(path, schema.PROGRESS)
    assert first.value.reference == again.value.reference
    assert first.value.reference.startswith("CMP-")
    assert str(path) in first.value.hint and "Diagnostic" in first.value.hint


def test_a_failed_write_rolls_back(tmp_path):
    db = Database(tmp_path / "p.db", schema.PROGRESS)
    with pytest.raises(sqlite3.IntegrityError), db.write() as c:
        c.execute("INSERT INTO quiz_attempts VALUES ('x', 'c', 'q', 1, 1, '{}', 0)")
        c.execute("INSERT INTO quiz_attempts VALUES ('x', 'c', 'q', 1, 1, '{}', 0)")
    assert db.read("SELECT COUNT(*) FROM quiz_attempts")[0][0] == 0


def put(store: AssetStore, sha: str, size: int) -> None:
    store.partial_path(sha).write_bytes(b"x" * size)
    store.commit(sha, size)


def test_budget_evicts_least_recently_used_unpinned_courses(tmp_path):
    store = AssetStore(tmp_path / "assets")
    for sha, course in ((SHA_A, "old"), (SHA_B, "pinned"), (SHA_C, "recent")):
        put(store, sha, 1000)
        store.hold("camille", course, [sha])
    store.set_pinned("camille", "pinned", True)
    store.touch("camille", "recent")
    store.make_room(1500, budget=4000, keep=("camille", "new"))
    assert not store.has(SHA_A) and store.has(SHA_B) and store.has(SHA_C)
    with pytest.raises(UserFacingError, match="does not fit"):
        store.make_room(5000, budget=4000, keep=("camille", "recent"))


def test_assets_shared_by_two_profiles_stay_until_both_release(tmp_path):
    store = AssetStore(tmp_path / "assets")
    put(store, SHA_A, 10)
    store.hold("camille", "c", [SHA_A])
    store.hold("karim", "c", [SHA_A])
    assert store.release("camille", "c") == 0 and store.has(SHA_A)
    assert store.release("karim", "c") == 10 and not store.has(SHA_A)


def test_course_html_is_sanitised():
    dirty = (
        "<h2>Titre</h2><script>alert(1)</script><p onclick='x()'>Texte</p>"
        "<img src='https://tracker.example/p.gif'><iframe src='x'></iframe>"
        "<a href='javascript:alert(1)'>lien</a><a href='https://ok.example'>ok</a>"
        "<style>p{}</style><form><input></form>"
    )
    clean = sanitise(dirty)
    for banned in (
        "<script",
        "onclick",
        "<img",
        "<iframe",
        "javascript:",
        "<style",
        "<form",
        "<input",
    ):
        assert banned not in clean
    assert "<h2>Titre</h2>" in clean and 'href="https://ok.example"' in clean


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("sécurité chanti", '"sécurité" "chanti"*'),
        ('"unbalanced OR NEAR(', '"unbalanced" "OR" "NEAR"*'),
        ("  ", ""),
    ],
)
def test_search_text_never_becomes_fts_syntax(typed, query):
    assert _fts_query(typed) == query


def test_two_connections_migrating_a_new_file_at_once(tmp_path):
    """Two processes starting together on a fresh shared assets.db (or after an update)
    both find it unmigrated; the second must not run the steps again."""
    path = tmp_path / "assets.db"
    inside, go_on = threading.Event(), threading.Event()

    def slow_first_step(connection: sqlite3.Connection) -> None:
        if not inside.is_set():
            inside.set()
            go_on.wait(5)
        connection.execute("CREATE TABLE t (x)")

    migrations: list[db_module.Migration] = [slow_first_step, "CREATE TABLE u (y)"]
    opened: list[Database] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            opened.append(Database(path, migrations))
        except BaseException as error:
            errors.append(error)

    first = threading.Thread(target=open_it)
    first.start()
    assert inside.wait(5)
    second = threading.Thread(target=open_it)
    second.start()
    time.sleep(0.3)  # the second has read the version and waits for the write lock
    go_on.set()
    first.join(10)
    second.join(10)
    assert not errors
    assert [db.version for db in opened] == [2, 2]
    for db in opened:
        db.close()


def test_a_database_busy_in_another_process_is_not_taken_for_damaged(tmp_path, monkeypatch):
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    path = tmp_path / "assets.db"
    Database(path, ["CREATE TABLE t (x)"]).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a long write elsewhere
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            open_rebuildable(path, ["CREATE TABLE t (x)", "CREATE TABLE u (y)"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not list(tmp_path.glob("assets.db.damaged-*"))
    assert Database(path, ["CREATE TABLE t (x)", "CREATE TABLE u (y)"]).version == 2


def test_switching_to_wal_waits_for_another_process_creating_the_file(tmp_path):
    """SQLite refuses the switch to WAL at once, without its busy wait, while another
    connection writes the file in its first (rollback journal) mode."""
    path = tmp_path / "assets.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE t (x)")
    finish = threading.Timer(0.3, lambda: other.execute("ROLLBACK"))
    finish.start()
    try:
        opened = open_rebuildable(path, ["CREATE TABLE u (y)"])
    finally:
        finish.join()
        other.close()
    assert opened.read("PRAGMA journal_mode")[0][0] == "wal" and opened.version == 1
    assert not list(tmp_path.glob("assets.db.damaged-*"))
    opened.close()
