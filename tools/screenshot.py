"""Save a PNG of the main window once the catalogue is shown, for reviews and the README.

    xvfb-run -a .venv/bin/python tools/screenshot.py out.png [--language en] [--theme dark]
        [--zoom 150] [--size 1024x600]

Uses the configured platform, or the built-in demo platform when none is set.
"""

from __future__ import annotations

import argparse
import sys

from companion.app.context import AppContext

from companion.ui.app import create_application
from companion.ui.main_window import MainWindow
from companion.ui.qt import QTimer
from companion.ui.theme import THEMES


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--language", choices=("fr", "en"))
    parser.add_argument("--theme", choices=THEMES, default="system")
    parser.add_argument("--zoom", type=int, default=100, help="text size, percent")
    parser.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
    args = parser.parse_args()
    context = AppContext.create()
    app = create_application(sys.argv, args.theme, args.zoom)
    window = MainWindow(context)
    width, height = (int(n) for n in args.size.split("x"))
    window.resize(width, height)
    if args.language:
        window.set_language(args.language)

    def save() -> None:
        window.grab().save(args.output)
        app.quit()

    window.catalog_shown.connect(lambda: QTimer.singleShot(300, save))
    window.start()
    window.show()
    QTimer.singleShot(30_000, app.quit)
    app.exec()
    context.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
