"""What the sync engine reports: light enough for the UI to import at start-up (no HTTP)."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Phase(StrEnum):
    IDLE = "idle"  # everything sent, or waiting for the next sync
    SYNCING = "syncing"
    OFFLINE = "offline"  # the platform cannot be reached; progress stays queued
    FAILING = "failing"  # the platform answered with an error; retrying later
    SIGNED_OUT = "signed_out"  # nobody to send progress for until the learner signs in


class SyncStatus(NamedTuple):
    phase: Phase
    pending: int  # statements waiting to be sent
    set_aside: int  # statements the platform refused as invalid (diagnostics)
    last_success: float | None  # wall-clock time of the last complete sync
    message: str = ""  # the current problem, in plain words
    hint: str = ""
    reference: str = ""  # for support staff: finds the matching log lines
    retry_in: float | None = None  # seconds until the next attempt, when one is planned
