"""The UI's shape (issue 22): views get what they use, never AppContext; one composition
root; small modules; and the window relays nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "companion" / "ui"
SOURCES = sorted(UI.rglob("*.py"))
COMPOSITION_ROOT = {"main_window.py", "app.py"}  # app.run makes the context, the root uses it


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "companion.app.context":
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("companion.app.context"))
    return names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(UI)))
def test_only_the_composition_root_sees_the_app_context(path):
    if path.name in COMPOSITION_ROOT and path.parent == UI:
        return
    names = imported_names(path)
    assert "AppContext" not in names and "companion.app.context" not in names, (
        f"{path.name}: give it the services or callables it uses, not AppContext"
    )


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(UI)))
def test_no_ui_module_is_over_500_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 500, f"{path.name}: {lines} lines; split it"


def test_the_main_window_is_under_400_lines():
    lines = len((UI / "main_window.py").read_text(encoding="utf-8").splitlines())
    assert lines < 400


def test_no_failure_handler_swallows_an_error():
    """A callback that drops an error is a bug (STYLE 18): leave ``on_failure`` out and the
    failure is logged and shown."""
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for swallow in ("lambda _e: None", "lambda _error: None", "lambda _e: None"):
            assert swallow not in text, f"{path.name} swallows a failure"
