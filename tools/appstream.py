"""The AppStream metadata software centres show: packaging/org.companion.Companion.metainfo.xml,
completed with what needs the project's public address — its homepage (`<url>`) and its
screenshots (docs/screenshots, by absolute address as AppStream requires).

The address is declared once, in pyproject.toml's [project.urls] (`Homepage`, and
`Screenshots`: where docs/screenshots/ is served). Until it is, the metadata goes without
them and the bundle's build says so (issue 26: the repository names no public address).

    python tools/appstream.py [HOMEPAGE SCREENSHOTS]   # prints the completed metadata"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
METAINFO = ROOT / "packaging" / "org.companion.Companion.metainfo.xml"
SCREENSHOT_FOLDER = ROOT / "docs" / "screenshots"
# The views a software centre shows, the first as the default: (file, English, French).
SCREENSHOTS = (
    (
        "home-1280x800.png",
        "Each course with its progress and where to resume",
        "Chaque formation avec sa progression et où reprendre",
    ),
    (
        "library-1280x800.png",
        "A course's outline, downloaded for study without a connection",
        "Le plan d'une formation, téléchargée pour étudier sans connexion",
    ),
    ("chapter-1280x800.png", "A chapter being read", "Un chapitre en cours de lecture"),
    (
        "quiz-result-1280x800.png",
        "A quiz's result, each answer explained",
        "Le résultat d'un quiz, chaque réponse expliquée",
    ),
    (
        "certificates-1280x800.png",
        "Certificates, verified on this computer",
        "Les certificats, vérifiés sur cet ordinateur",
    ),
    (
        "catalogue-1280x800.png",
        "The catalogue of courses",
        "Le catalogue des formations",
    ),
)


def project_urls() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return dict(project.get("urls", {}))


def render(homepage: str | None, screenshots: str | None) -> str:
    """The metadata with the homepage and the screenshots inserted (each left out when its
    address is not known)."""
    text = METAINFO.read_text(encoding="utf-8")
    if homepage:
        url = f'  <url type="homepage">{escape(homepage)}</url>\n'
        text = text.replace("  <launchable", url + "  <launchable", 1)
    if screenshots:
        text = text.replace("  <launchable", _screenshots(screenshots) + "  <launchable", 1)
    return text


def _screenshots(base: str) -> str:
    lines = ["  <screenshots>"]
    for number, (name, english, french) in enumerate(SCREENSHOTS):
        kind = ' type="default"' if number == 0 else ""
        address = escape(base.rstrip("/") + "/" + name)
        lines += [
            f"    <screenshot{kind}>",
            f"      <caption>{escape(english)}</caption>",
            f'      <caption xml:lang="fr">{escape(french)}</caption>',
            f'      <image type="source" width="1280" height="800">{address}</image>',
            "    </screenshot>",
        ]
    return "\n".join([*lines, "  </screenshots>", ""])


def main(argv: list[str]) -> int:
    urls = project_urls()
    homepage, screenshots = (urls.get("Homepage"), urls.get("Screenshots"))
    if len(argv) == 2:
        homepage, screenshots = argv
    sys.stdout.write(render(homepage, screenshots))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
