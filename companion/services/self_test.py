"""`companion --self-test`: is this installation complete and working?

Written for the desktop bundle, where a module, a data file or a Qt plugin left out by the
packaging shows only when a learner reaches the screen that needs it. Each check runs in a
temporary folder, touches none of the learner's data, and says in one line what it saw.
The Qt checks live in companion.ui.self_test; these need no Qt.

Lines are English only, like the build's own output: they are read by whoever builds or
supports the bundle, and they must not depend on the translations they check."""

from __future__ import annotations

import gettext
import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import companion
from companion.i18n import _
from companion.resources import resource

# A check returns what it saw (one short phrase) or raises: any exception is a failure.
Check = tuple[str, Callable[[Path], str]]

REQUIRED_RESOURCES = (
    "styles/app.qss",
    "icons/companion.svg",
    "translations/fr/LC_MESSAGES/companion.mo",
    "openapi.yaml",
    "xapi-statement.schema.json",
)
# The keyring backends that keep the sign-in, per platform: keyring finds them through entry
# points at run time, so a bundle's analysis can miss them without any import failing.
KEYRING_BACKENDS = {
    "linux": ("keyring.backends.SecretService", "keyring.backends.kwallet", "secretstorage"),
    "win32": ("keyring.backends.Windows",),
    "darwin": ("keyring.backends.macOS",),
}
# A string the app shows (the `sync` command), so its French must be in the catalogue.
TRANSLATED_PROBE = "Last sync: {when}"


@dataclass(frozen=True)
class Outcome:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        verdict = _("ok") if self.passed else _("FAILED")
        return f"{verdict:<6}  {self.name}: {self.detail}"


def run_checks(checks: Iterable[Check], folder: Path) -> Iterator[Outcome]:
    """Every check, even after one fails: the whole list is what helps."""
    for name, check in checks:
        place = folder / name
        place.mkdir()
        try:
            yield Outcome(name, True, check(place))
        except Exception as error:  # a failure of any kind is the answer
            yield Outcome(name, False, f"{type(error).__name__}: {error}")


def core_checks() -> list[Check]:
    return [
        ("imports", check_imports),
        ("resources", check_resources),
        ("translations", check_translations),
        ("database", check_database),
        ("sandbox", check_sandbox_round_trip),
    ]


def import_all(package: str, skip: tuple[str, ...] = ()) -> int:
    """Import every module of ``package``: a bundle finds what its analysis missed only
    when the module is imported, and the app imports most of them lazily."""
    root = importlib.import_module(package)
    count = 1
    for module in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        if module.name.endswith(".__main__") or module.name.startswith(skip):
            continue
        importlib.import_module(module.name)
        count += 1
    return count


def check_imports(_folder: Path) -> str:
    count = import_all("companion", skip=("companion.ui",))  # the Qt checks import those
    backends = KEYRING_BACKENDS.get(sys.platform, ())
    for name in backends:
        importlib.import_module(name)
    return _(
        "Companion {version} and its dependencies imported (modules: {count}; keyring "
        "modules: {backends})"
    ).format(version=companion.__version__, count=count, backends=len(backends))


def check_resources(_folder: Path) -> str:
    missing = [part for part in REQUIRED_RESOURCES if not resource(*part.split("/")).is_file()]
    courses = sorted(resource("sample_courses").glob("*/course.toml"))
    if not courses:
        missing.append("sample_courses/*/course.toml")
    if missing:
        raise FileNotFoundError(
            _("missing from {folder}: {names}").format(folder=resource(), names=", ".join(missing))
        )
    return _("resources in {folder} (files: {files}; sample courses: {courses})").format(
        folder=resource(), files=len(REQUIRED_RESOURCES), courses=len(courses)
    )


def check_translations(_folder: Path) -> str:
    from companion.i18n import DOMAIN

    french = gettext.translation(DOMAIN, localedir=resource("translations"), languages=["fr"])
    if french.gettext(TRANSLATED_PROBE) == TRANSLATED_PROBE:
        raise LookupError(f"the French catalogue does not translate {TRANSLATED_PROBE!r}")
    return _("French catalogue loaded")


def check_database(folder: Path) -> str:
    """The learner's own databases, created with every migration (the library's full-text
    search needs SQLite's FTS5, which a system SQLite may lack)."""
    from companion.store import schema
    from companion.store.db import open_precious, open_rebuildable

    for name, migrations in (("library", schema.LIBRARY), ("progress", schema.PROGRESS)):
        opener = open_precious if name == "progress" else open_rebuildable
        database = opener(folder / f"{name}.db", migrations)
        try:
            if database.version != len(migrations):
                raise RuntimeError(f"{name}.db at version {database.version}")
        finally:
            database.close()
    return _("library and progress databases created, every migration, in a temporary folder")


def check_sandbox_round_trip(folder: Path) -> str:
    """The demo platform the app starts when none is configured — in a process of its own,
    started from this very program as the app starts it — reached over HTTP on loopback
    through the app's own client, as the catalogue screen does."""
    import os

    from companion.services.demo_platform import DemoPlatform
    from companion.sync.client import HttpClient, NetworkConfig
    from companion.sync.kinds import open_platform

    # Its sample courses are built under the temporary folder, not in the user's cache.
    environment = {**os.environ, "COMPANION_HOME": str(folder)}
    demo = DemoPlatform(folder / "demo-platform", folder / "demo-platform.log", environment)
    try:
        url = demo.url()
        client = HttpClient(NetworkConfig(base_url=url, proxy="none", retries=0))
        try:
            courses = open_platform(client).catalog()
        finally:
            client.close()
    finally:
        demo.stop()
    if not courses:
        raise LookupError(_("the demo platform's catalogue is empty"))
    return _("demo catalogue read over HTTP from {url}, its own process (courses: {n})").format(
        url=url, n=len(courses)
    )
