"""Write resources/demo_catalog.json: the demo platform's catalogue, built from the sample
courses, that the app paints on its very first start in demo mode while the demo platform's
process is still starting (issue 14). A test fails when it no longer matches the courses.

    .venv/bin/python tools/demo_catalog.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from companion.resources import resource
from companion.sandbox.content import load_or_build, sources_dir


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        content = load_or_build(sources_dir(), Path(folder))
    target = resource("demo_catalog.json")
    text = json.dumps({"courses": content.catalog()}, ensure_ascii=False, indent=1)
    target.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
