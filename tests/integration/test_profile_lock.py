"""One Companion process per profile: a second one is refused plainly, and a killed one
leaves nothing behind that blocks the next start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from companion.paths import Paths
from companion.store import instance
from tests.process_helpers import REPO, spawn

REFUSED_FR = "Companion est déjà ouvert sur le profil « default »."


def companion(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "companion", *arguments],
        cwd=REPO,
        env=dict(os.environ),  # COMPANION_HOME and the sandbox's address; French by default
        capture_output=True,
        text=True,
        timeout=60,
    )


def opened(profile: str) -> subprocess.Popen[str]:
    holder = spawn("hold", profile, env=dict(os.environ))
    assert holder.stdout is not None
    line = holder.stdout.readline()
    if line.strip() != "opened":
        holder.kill()
        _out, err = holder.communicate(timeout=10)
        raise AssertionError(f"{profile} not opened: {err}")
    return holder


def test_a_second_process_is_refused_until_the_first_is_killed(platform_env):
    profile_dir = Paths.default().profile_dir("default")
    first = opened("default")
    try:
        refused = companion("sync")
        assert refused.returncode == 1
        assert REFUSED_FR in refused.stderr
        assert "Revenez à la fenêtre de Companion déjà ouverte" in refused.stderr
        with pytest.raises(instance.ProfileInUse):
            instance.claim(profile_dir, "default")
        status = companion("sync", "--status")  # read-only: runs beside the window
        assert status.returncode == 0, status.stderr
        other = opened("other")  # another profile of the same OS account is free
        other.kill()
        other.wait(10)
    finally:
        first.kill()  # SIGKILL: no clean-up of any kind
        first.wait(10)
    assert (profile_dir / instance.LOCK_FILE).exists()  # left behind, and yet...
    again = opened("default")  # ...free at once
    again.kill()
    again.wait(10)
    assert REFUSED_FR not in companion("sync").stderr


def test_one_process_may_open_its_profile_twice_and_frees_it_on_close():
    profile_dir = Paths.default().profile_dir("default")
    profile_dir.mkdir(parents=True)
    first = instance.claim(profile_dir, "default")
    second = instance.claim(profile_dir, "default")
    first.release()
    first.release()  # counted once only
    assert REFUSED_FR in companion("sync").stderr  # ``second`` still holds it
    second.release()
    holder = opened("default")
    holder.kill()
    holder.wait(10)
