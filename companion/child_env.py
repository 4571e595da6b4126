"""The learner's own environment for the programs Companion opens (the browser, the PDF
viewer, the file manager), not the bundle's.

A PyInstaller bundle starts with its own library folder first in ``LD_LIBRARY_PATH``
(``DYLD_LIBRARY_PATH`` on macOS) and its Qt plugin folders in ``QT_PLUGIN_PATH``: every
program started from it inherited them, and a system Qt 6 program (the browser, Okular on
Plasma) then crashed on the bundle's Qt (``symbol lookup error … Qt_6_PRIVATE_API``,
issue 26). The bootloader keeps the value it replaced as ``<NAME>_ORIG``; once Companion's
own libraries and plugins are loaded (the dynamic loader and Qt read these variables at
start only), the originals are put back, so children get what the learner's session had.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import MutableMapping

log = logging.getLogger("companion")

LIBRARY_PATHS = ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "LIBPATH")
QT_PATHS = ("QT_PLUGIN_PATH", "QML2_IMPORT_PATH", "QML_IMPORT_PATH", "QT_QPA_PLATFORM_PLUGIN_PATH")


def restore_user_environment(environ: MutableMapping[str, str] | None = None) -> None:
    """In a bundle: the variables the bundle changed, back to the learner's values (or
    removed); nothing happens outside a bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if not getattr(sys, "frozen", False) or not bundle:
        return
    env = os.environ if environ is None else environ
    changed = []
    for name in (*LIBRARY_PATHS, *QT_PATHS):
        original = env.pop(f"{name}_ORIG", None)
        current = env.get(name)
        if original is not None:
            wanted: str | None = original
        elif current is not None:
            kept = [p for p in current.split(os.pathsep) if p and not _inside(p, bundle)]
            wanted = os.pathsep.join(kept) or None
        else:
            continue
        if wanted != current:
            changed.append(name)
            if wanted is None:
                env.pop(name, None)
            else:
                env[name] = wanted
    if changed:
        log.info("the learner's own %s given back for the programs opened", ", ".join(changed))


def _inside(path: str, folder: str) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real == root or real.startswith(root + os.sep)
