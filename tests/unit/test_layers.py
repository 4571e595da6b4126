"""The layer rules of ARCHITECTURE.md, checked on every module's imports (STYLE 1 and 2)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "companion"
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6")
HTTP_CLIENTS = (
    "requests",
    "urllib3",
    "httpx",
    "aiohttp",
    "http.client",
    "urllib.request",
    "socket",
    "companion.sync",
    "companion.sandbox",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at top level or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def matches(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


ENTRY_POINTS = {"companion.cli"}
SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_layer_rules(path):
    name = module_name(path)
    imported = imports_of(path)
    in_ui = name.startswith("companion.ui")
    if not in_ui:
        if name in ENTRY_POINTS:  # the entry point opens the GUI (or its self-test), lazily
            imported -= {"companion.ui.app", "companion.ui.app.run"}
            imported -= {"companion.ui.self_test", "companion.ui.self_test.qt_checks"}
        assert not {i for i in imported if matches(i, (*QT, "companion.ui"))}, (
            f"{name}: core, sync and sandbox code must not import Qt or the UI"
        )
    else:
        assert not {i for i in imported if matches(i, HTTP_CLIENTS)}, (
            f"{name}: UI code must not import an HTTP client; call a service"
        )
        if name != "companion.ui.qt":
            assert not {i for i in imported if matches(i, QT)}, (
                f"{name}: import Qt through companion.ui.qt only"
            )
    if name.startswith("companion.sandbox"):
        assert not {i for i in imported if matches(i, ("companion.sync", "companion.services"))}, (
            f"{name}: the sandbox plays the server and must not lean on the client"
        )


def test_the_checker_sees_violations(tmp_path):
    # Guard against a checker that silently finds nothing.
    assert "PySide6.QtWidgets" in imports_of(PACKAGE / "ui" / "qt.py")
    assert "requests" in imports_of(PACKAGE / "sync" / "client.py")


def test_core_and_sync_load_without_qt():
    code = (
        "import sys, companion.context, companion.sync.platform_v1, companion.cli;"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')];"
        "print(loaded); raise SystemExit(1 if loaded else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
