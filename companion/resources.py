"""Locate the resources/ folder: in a checkout, an installed package, a frozen bundle, or
from an override."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    override = os.environ.get("COMPANION_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)  # set by the desktop bundle
    if frozen_root:
        return Path(frozen_root) / "resources"
    package = Path(__file__).resolve().parent
    checkout = package.parent / "resources"
    if checkout.is_dir():
        return checkout
    return package / "_resources"  # `pip install .` or a wheel: installed with the code


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
