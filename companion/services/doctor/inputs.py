"""What the doctor looks at, gathered without opening (or creating) any data file.

The doctor must run where the app itself cannot: a data folder that cannot be written,
a full disk, a profile held by an open window. So it is given paths and settings, not an
``AppContext``; the window hands over its own live pieces (the platform connection it
already uses, the signed-in session) so that nothing is done twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from companion.paths import Paths
from companion.settings import Settings

if TYPE_CHECKING:
    from companion.services.account import AccountService
    from companion.sync_status import SyncStatus


@dataclass
class DoctorInputs:
    paths: Paths
    settings: Settings
    profile: str
    profile_dir: Path
    shared_assets_dir: Path
    account_dir: Path  # where the saved account is (a kiosk keeps it for the session only)
    base_url: str  # the platform to probe; "" in demo mode when no demo platform runs
    demo: bool
    account: AccountService | None = None  # for the live session check; None: not checked
    session_not_checked: str = ""  # why the live check was skipped, in plain words
    qt_version: str = ""
    sync_status: SyncStatus | None = None  # the running window's sync, when there is one


def progress_files(inputs: DoctorInputs) -> list[tuple[str, Path]]:
    """Each learner's progress file on this profile (and a kiosk's session), by a name
    that says where it is without saying whose it is."""
    roots = [("learners", inputs.profile_dir / "learners")]
    if inputs.account_dir != inputs.profile_dir:
        roots.append(("kiosk-session", inputs.account_dir))
    found = [
        (f"{label}/{path.parent.name}/progress.db", path)
        for label, root in roots
        for path in sorted(root.glob("*/progress.db"))
    ]
    legacy = inputs.profile_dir / "progress.db"  # from a release before issue 9, not adopted
    if legacy.exists():
        found.append(("progress.db", legacy))
    return found
