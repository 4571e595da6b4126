"""Small modules (STYLE 12, issue 22): no module of companion/ over 500 lines, and the main
window, the composition root, under 400."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "companion"


def test_no_module_is_over_500_lines():
    sizes = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert not {str(p.relative_to(PACKAGE)): n for p, n in sizes.items() if n > 500}


def test_the_main_window_stays_small():
    lines = (PACKAGE / "ui" / "main_window.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 400
