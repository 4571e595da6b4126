"""A mistyped --profile is an error, never a new profile (issue 10)."""

from __future__ import annotations

from companion.paths import Paths, list_profiles
from tests.integration.test_profile_lock import companion


def test_an_unknown_profile_is_refused_and_not_created(platform_env):
    assert companion("sync", "--status").returncode == 0  # a first start makes "default"
    result = companion("--profile", "typo-profil", "sync", "--status")
    assert result.returncode == 1
    assert "Il n'y a pas de profil nommé « typo-profil » sur cet ordinateur." in result.stderr
    assert "Profils existants : default." in result.stderr
    assert "Traceback" not in result.stderr
    assert list_profiles(Paths.default()) == ["default"]
    assert not Paths.default().profile_dir("typo-profil").exists()


def test_a_new_profile_is_created_when_asked(platform_env):
    result = companion("--profile", "atelier", "--create-profile", "sync", "--status")
    assert result.returncode == 0, result.stderr
    assert list_profiles(Paths.default()) == ["atelier"]
    assert companion("--profile", "atelier", "sync", "--status").returncode == 0


def test_a_fresh_install_still_starts_on_the_default_profile(platform_env):
    assert companion("catalog").returncode == 0
    assert list_profiles(Paths.default()) == ["default"]
