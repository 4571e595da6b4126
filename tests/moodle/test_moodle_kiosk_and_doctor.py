"""Site accounts on a shared computer and in the support tools, against a real Moodle 5.1:
a kiosk session's Moodle account, token and queued actions leave with the learner (the
actions parked without credential, sent when the same account signs in there again); the
doctor names each account by its site and user id and says whether the site accepts it."""

from __future__ import annotations

import json
import logging
import threading
import zipfile

import pytest

from companion.app.context import AppContext
from companion.cli import main
from companion.jobs import Control
from companion.services.site_accounts import ACCOUNTS_FILE
from companion.sync.moodle_outline import course_ref
from tests.auth_helpers import approve_device
from tests.moodle_site import LEARNER, MoodleSite
from tests.policy_helpers import kiosk_policy, use_policy


@pytest.fixture
def kiosk(moodle: MoodleSite, platform_env, companion_home, monkeypatch):
    use_policy(companion_home, monkeypatch, kiosk_policy(idle_minutes=5))
    monkeypatch.setenv("COMPANION_NETWORK_CA_BUNDLE", str(moodle.certificate))
    monkeypatch.setenv("COMPANION_UI_LANGUAGE", "en")
    platform_env.oidc.device_interval = 1
    context = AppContext.create()
    yield context
    context.close()


def sign_in_on_the_phone(context: AppContext, login: str) -> None:
    authorization = context.account.start_device_sign_in()
    assert authorization.verification_uri_complete
    approve_device(authorization.verification_uri_complete, login)
    context.account.finish_device_sign_in(authorization, threading.Event())


def a_chapter_completed(context: AppContext, moodle: MoodleSite) -> str:
    reference = course_ref(moodle.url, moodle.course_id)
    library = context.library()
    library.download(reference, Control.new())
    course = library.manifest(reference)
    assert course is not None
    context.progress_for(reference).complete_chapter(reference, course.parts[1].chapters[0], course)
    return reference


def test_a_kiosk_sessions_moodle_account_leaves_with_the_learner(moodle, kiosk, companion_home):
    sign_in_on_the_phone(kiosk, "camille")
    sites = kiosk.site_accounts()
    sites.add_with_password(moodle.url, *LEARNER)
    reference = a_chapter_completed(kiosk, moodle)
    moodle.set_config("enablewebservices", "0")  # the site is away: the action stays queued
    try:
        kiosk.sync_once()
        assert kiosk.progress_for(reference).pending_count() == 1
        kiosk.sign_out()  # the session ends: parked, then wiped
    finally:
        moodle.set_config("enablewebservices", "1")
    assert sites.all() == []  # the next person finds no account
    assert not list(companion_home.rglob(ACCOUNTS_FILE))
    assert not sites._vaults  # and no token in memory
    # The same learner comes back and adds the same account: their action is sent.
    sign_in_on_the_phone(kiosk, "camille")
    account = sites.add_with_password(moodle.url, *LEARNER)
    mine = kiosk.site_progress().of(account)
    assert mine.pending_count() == 1  # queued again, from the parking
    kiosk.sync_once()
    assert mine.pending_count() == 0


def test_the_doctor_says_whether_each_site_accepts_its_account(
    moodle, platform_env, memory_keyring, monkeypatch, capsys
):
    monkeypatch.setenv("COMPANION_NETWORK_CA_BUNDLE", str(moodle.certificate))
    context = AppContext.create()
    try:
        account = context.site_accounts().add_with_password(moodle.url, *LEARNER)
    finally:
        context.close()
    main(["doctor", "--json"])
    findings = {f["id"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
    found = findings[f"sites.{account.key}"]
    assert found["severity"] == "ok"
    assert found["facts"]["site"] == moodle.url
    assert found["facts"]["account_id"] == str(moodle.learner_id)
    assert "Lefèvre" not in json.dumps(findings)  # named by the site's id, not the name
    moodle.revoke_tokens()
    main(["doctor", "--json"])
    findings = {f["id"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
    assert findings[f"sites.{account.key}"]["severity"] == "problem"


def test_the_support_bundle_covers_the_site_account_and_names_no_one(
    moodle, platform_env, memory_keyring, monkeypatch, capsys, tmp_path
):
    monkeypatch.setenv("COMPANION_NETWORK_CA_BUNDLE", str(moodle.certificate))
    context = AppContext.create()
    try:
        account = context.site_accounts().add_with_password(moodle.url, *LEARNER)
        logging.getLogger("companion.services").info("studying as %s", account.name)
    finally:
        context.close()
    (token,) = memory_keyring.items.values()  # the site's token, as the keyring keeps it
    assert main(["support-bundle", "--output", str(tmp_path)]) == 0
    (bundle,) = tmp_path.glob("*.zip")
    with zipfile.ZipFile(bundle) as zip_:
        contents = {name: zip_.read(name).decode("utf-8") for name in zip_.namelist()}
    doctor = json.loads(contents["doctor.json"])
    assert f"sites.{account.key}" in {f["id"] for f in doctor["findings"]}  # every account
    for name, text in contents.items():
        for secret in (token, LEARNER[1], "Élodie", "Lefèvre", "elodie.lefevre"):
            assert secret and secret not in text, f"{secret!r} in {name}"
