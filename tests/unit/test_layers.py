"""The layer rules of ARCHITECTURE.md and docs/architecture.md, checked on every module's
imports, at top level, inside functions and under TYPE_CHECKING alike (STYLE 1 and 2)."""

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
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    return imports_of_text(path.read_text(encoding="utf-8"), package)


def imports_of_text(text: str, package: str) -> set[str]:
    tree = ast.parse(text)
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


SOURCES = sorted(PACKAGE.rglob("*.py"))

# The packages of companion/, lowest first: each may import those before it, never one
# after it. "base" is the modules directly in companion/ (errors, i18n, domain, settings,
# paths, files, logs, the platform interface...). The sandbox plays the server: it stands
# beside the client, on base and store only, and only the command line starts it.
LAYERS = ("base", "store", "auth", "sync", "services", "app", "ui", "cli")
SANDBOX = "sandbox"
SANDBOX_MAY_IMPORT = {"base", "store", SANDBOX}
SANDBOX_IMPORTED_BY = {"cli", SANDBOX}
# Above the platform seam nothing names a kind of platform: only the sync package (where
# each kind lives) and the one place that picks the kind for a configured address.
PLATFORM_KINDS = (
    "companion.sync.platform_v1",
    "companion.sync.moodle",
    "companion.sync.moodle_ws",
    "companion.sync.moodle_outline",
    "companion.sync.moodle_progress",
    "companion.sync.moodle_badges",
    "companion.sync.moodle_quiz",
)
PICKS_THE_KIND = {"companion.services.connection"}


def package_of(name: str) -> str:
    """The layer a module (or a name imported from it) belongs to."""
    parts = name.split(".")
    if parts[0] != "companion":
        return ""
    if name == "companion.__main__":
        return "cli"  # `python -m companion`: the command line's door
    if len(parts) > 1 and parts[1] in (*LAYERS, SANDBOX):
        return parts[1]
    return "base"


def companion_imports(path: Path) -> set[str]:
    return {i for i in imports_of(path) if i.split(".")[0] == "companion"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_layer_rules(path):
    name = module_name(path)
    imported = imports_of(path)
    in_ui = name.startswith("companion.ui")
    if package_of(name) == "cli":  # the command line opens the window, and starts the sandbox
        assert not {i for i in imported if matches(i, QT)}, f"{name}: Qt only in companion.ui"
    elif not in_ui:
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


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_packages_import_only_downward(path):
    name = module_name(path)
    here = package_of(name)
    wrong = set()
    for imported in companion_imports(path):
        there = package_of(imported)
        if here == SANDBOX or there == SANDBOX:
            allowed = (
                there in SANDBOX_MAY_IMPORT if here == SANDBOX else here in SANDBOX_IMPORTED_BY
            )
        else:
            allowed = LAYERS.index(there) <= LAYERS.index(here)
        if not allowed:
            wrong.add(f"{imported} ({there})")
    assert not wrong, f"{name} ({here}) imports upward: {sorted(wrong)}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_nothing_above_the_seam_names_a_kind_of_platform(path):
    name = module_name(path)
    if package_of(name) in ("sync", SANDBOX) or name in PICKS_THE_KIND:
        return
    named = {i for i in imports_of(path) if matches(i, PLATFORM_KINDS)}
    assert not named, f"{name} names a kind of platform; use companion.platform.Platform"


def test_no_cycle_between_packages():
    graph: dict[str, set[str]] = {}
    for path in SOURCES:
        here = package_of(module_name(path))
        graph.setdefault(here, set()).update(
            package_of(i) for i in companion_imports(path) if package_of(i) != here
        )
    cycles = [(a, b) for a, targets in graph.items() for b in targets if _reaches(graph, b, a)]
    assert not cycles, f"package cycles: {sorted(cycles)}"


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


def test_the_layer_checker_sees_an_upward_import(tmp_path):
    # Guard against a rule that silently passes: an import inside a function, and one
    # under TYPE_CHECKING, are both seen.
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from companion.app.context import AppContext\n"
        "def f():\n    from companion.ui import qt\n",
        encoding="utf-8",
    )
    seen = {package_of(i) for i in imports_of_text(source.read_text(), "companion.store")}
    assert {"app", "ui"} <= seen


def test_the_checker_sees_violations(tmp_path):
    # Guard against a checker that silently finds nothing.
    assert "PySide6.QtWidgets" in imports_of(PACKAGE / "ui" / "qt.py")
    assert "requests" in imports_of(PACKAGE / "sync" / "client.py")


def test_core_and_sync_load_without_qt():
    code = (
        "import sys, companion.app.context, companion.sync.platform_v1, companion.cli;"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')];"
        "print(loaded); raise SystemExit(1 if loaded else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
