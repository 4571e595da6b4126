"""Each table has one writer (issue 22, "services own their tables"): its INSERT, UPDATE,
DELETE and REPLACE statements appear in its owner module only. Another module that needs a
change goes through the owner. Read anywhere; write in one place.

Checked on the SQL text of every module (string literals, f-strings included), so a write
hidden in a helper or a function is seen too; a table named at run time (an f-string or a
concatenation after INSERT INTO) is refused, since it could not be checked."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from companion.store import schema

PACKAGE = Path(__file__).resolve().parents[2] / "companion"

# Owner: a module, or a package (a split module keeps its name as its package).
OWNERS = {
    # library.db: course material kept for offline study, the same for every learner
    "courses": "companion.services.library",
    "chapters": "companion.services.library",
    "chapter_assets": "companion.services.library",
    "chapter_text": "companion.services.library",
    # assets.db: the shared, content-addressed files
    "assets": "companion.store.assets",
    "holdings": "companion.store.assets",
    "refs": "companion.store.assets",
    # progress.db: one learner's own (library.db's my_courses of earlier releases is only
    # read, to be carried over; nothing writes it)
    "my_courses": "companion.services.progress.courses",
    "reading_positions": "companion.services.progress.courses",
    "quiz_attempts": "companion.services.progress.quiz",
    "chapter_completions": "companion.services.progress.completion",
    "study_sessions": "companion.services.progress.completion",
    "outbox": "companion.services.progress.outbox",
    "known_statements": "companion.services.progress.facts",
    "sync_state": "companion.services.progress.sync_state",
    "certificates": "companion.services.certificates",
}
MIGRATIONS = "companion.store.schema"  # creates the tables, and fills a new column once

_KEYWORD = (
    r"\b(?:INSERT(?:\s+OR\s+[A-Z]+)?\s+INTO|REPLACE\s+INTO|DELETE\s+FROM|UPDATE(?:\s+OR\s+[A-Z]+)?)"
)
WRITE = re.compile(_KEYWORD + r"\s+(?:\w+\.)?(\w+)")
NAMED_AT_RUN_TIME = re.compile(_KEYWORD + r"\s+(?:\w+\.)?(?:\{\}|$)")
CREATED = re.compile(r"\bCREATE\s+(?:VIRTUAL\s+)?TABLE\s+(\w+)")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def owned_by(module: str, owner: str) -> bool:
    return module == owner or module.startswith(owner + ".")


def sql_texts(source: str) -> list[tuple[int, str]]:
    """Every string literal, with ``{}`` where an f-string puts a value."""
    found = []
    parts_of_fstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            parts_of_fstrings.update(id(part) for part in node.values)
            text = "".join(
                str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values
            )
            found.append((node.lineno, text))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in parts_of_fstrings
        ):
            found.append((node.lineno, node.value))
    return sorted(found)


def writes_outside_owners(module: str, source: str) -> list[str]:
    """What ``module`` writes that it does not own: one line per write."""
    if module == MIGRATIONS:
        return []
    wrong = []
    for line, text in sql_texts(source):
        if NAMED_AT_RUN_TIME.search(text):
            wrong.append(f"{module}:{line}: a table named at run time: {text.strip()[:60]!r}")
        for table in WRITE.findall(text):
            owner = OWNERS.get(table)
            if owner is not None and not owned_by(module, owner):
                wrong.append(f"{module}:{line}: writes {table}, owned by {owner}")
    return wrong


def writes_of(module: str, source: str) -> set[str]:
    return {table for _line, text in sql_texts(source) for table in WRITE.findall(text)}


SOURCES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_table_of_the_schema_has_one_owner():
    migrations = [
        step
        for steps in (schema.LIBRARY, schema.PROGRESS, schema.ASSETS)
        for step in steps
        if isinstance(step, str)
    ]
    created = {table for step in migrations for table in CREATED.findall(step)}
    assert created == set(OWNERS), "a new table needs an owner here (and only one writer)"


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_a_table_is_written_by_its_owner_only(module):
    source = SOURCES[module].read_text(encoding="utf-8")
    assert writes_outside_owners(module, source) == []


@pytest.mark.parametrize("table", sorted(OWNERS))
def test_each_owner_writes_its_tables(table):
    """The map stays true: an owner that no longer writes its table is listed wrongly."""
    owner = OWNERS[table]
    written = set().union(
        *(
            writes_of(m, p.read_text(encoding="utf-8"))
            for m, p in SOURCES.items()
            if owned_by(m, owner)
        )
    )
    assert table in written, f"{owner} does not write {table}"


def test_the_check_sees_a_write_outside_the_owner():
    written = """
def forget(c, ids):
    c.execute("DELETE FROM known_statements WHERE id = ?", ids)
    c.execute("INSERT OR IGNORE INTO main.outbox SELECT * FROM claimed.outbox")
    c.execute(
        "UPDATE outbox SET learner = ?"
        " WHERE learner IS NULL"
    )
    c.execute("INSERT INTO my_courses VALUES (?, ?, ?) ON CONFLICT (course_id) DO UPDATE SET"
              " enrolled = excluded.enrolled")
    c.execute(f"INSERT OR IGNORE INTO main.{table} SELECT * FROM claimed.{table}")
    c.execute("DELETE FROM " + table)
"""
    wrong = writes_outside_owners("companion.services.learners", written)
    assert [line.split(": ", 1)[1] for line in wrong] == [
        "writes known_statements, owned by companion.services.progress.facts",
        "writes outbox, owned by companion.services.progress.outbox",
        "writes outbox, owned by companion.services.progress.outbox",
        "writes my_courses, owned by companion.services.progress.courses",
        "a table named at run time: 'INSERT OR IGNORE INTO main.{} SELECT * FROM claimed.{}'",
        "a table named at run time: 'DELETE FROM'",
    ]
    assert writes_outside_owners("companion.services.progress.outbox", written)[0].endswith(
        "owned by companion.services.progress.facts"
    )
