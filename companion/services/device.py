"""This computer's identity for Companion: a device id, and a secret that never leaves it.

A training centre installs its kiosks from one disk image, so a file copied with the image
must not make twenty kiosks one device. The id is bound to the operating system's own
machine id (regenerated when an image is prepared for cloning, as systemd and Windows'
sysprep do): when it changes, this computer takes a new device id. The secret stays, so
progress parked before the change can still be sent.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import uuid
from pathlib import Path
from typing import NamedTuple

from companion.files import read_json, write_json_atomic

log = logging.getLogger("companion.services")

DEVICE_FILE = "device.json"
_MACHINE_ID_FILES = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))


class DeviceIdentity(NamedTuple):
    device_id: str
    secret: bytes  # keys this computer's parked progress; never sent, never logged


def machine_fingerprint() -> str:
    """A hash of the operating system's machine id (never the id itself)."""
    raw = os.environ.get("COMPANION_MACHINE_ID") or _system_machine_id()
    return hashlib.sha256(f"companion:{raw}".encode()).hexdigest()[:32]


def _system_machine_id() -> str:
    for path in _MACHINE_ID_FILES:
        try:
            value = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if value:
            return value
    if os.name == "nt":
        try:
            import winreg

            key = winreg.OpenKey(  # type: ignore[attr-defined,unused-ignore]
                winreg.HKEY_LOCAL_MACHINE,  # type: ignore[attr-defined,unused-ignore]
                r"SOFTWARE\Microsoft\Cryptography",
            )
            value, _kind = winreg.QueryValueEx(key, "MachineGuid")  # type: ignore[attr-defined,unused-ignore]
            return str(value)
        except OSError:
            pass
    return f"node-{uuid.getnode():x}"


def load_device(data_dir: Path) -> DeviceIdentity:
    """This computer's identity; created on first start, renewed on a cloned disk."""
    path = data_dir / DEVICE_FILE
    fingerprint = machine_fingerprint()
    data = read_json(path)
    secret = _secret_from(data)
    if isinstance(data, dict) and data.get("machine") == fingerprint and secret:
        return DeviceIdentity(str(data["device_id"]), secret)
    if isinstance(data, dict) and data.get("machine"):
        log.info("this computer's machine id changed (a cloned disk?): new device id")
    identity = DeviceIdentity(str(uuid.uuid4()), secret or os.urandom(32))
    payload = {
        "device_id": identity.device_id,
        "machine": fingerprint,
        "secret": base64.b64encode(identity.secret).decode("ascii"),
    }
    write_json_atomic(path, payload)
    path.chmod(0o600)
    log.info("device id %s", identity.device_id)
    return identity


def _secret_from(data: object) -> bytes | None:
    if not isinstance(data, dict) or not isinstance(data.get("secret"), str):
        return None
    try:
        secret = base64.b64decode(data["secret"], validate=True)
    except ValueError:
        return None
    return secret if len(secret) == 32 else None
