"""A Moodle badge in the wallet, against a real Moodle 5.1: kept offline with its baked image,
its recipient checked offline, its authenticity online against what the site hosts, and
said withdrawn when the site no longer hosts it; never shown as signed."""

from __future__ import annotations

import hashlib

import pytest

from companion.services.badges import recipient_matches
from companion.sync.moodle_badges import baked_assertion
from tests.moodle_site import LEARNER, MoodleSite

AWARD = (
    "<?php define('CLI_SCRIPT', true); require($argv[1]);"
    " require_once($CFG->libdir . '/badgeslib.php');"
    " (new badge({badge}))->issue({user});\n"  # issued and baked, as on course completion
)
REVOKE = (
    "<?php define('CLI_SCRIPT', true); require($argv[1]);"
    " $DB->delete_records('badge_issued', ['badgeid' => {badge}, 'userid' => {user}]);\n"
)


def run_php(moodle: MoodleSite, template: str, name: str) -> None:
    script = moodle.base / f"{name}.php"
    badge, user = int(moodle.seed["badgeid"]), moodle.learner_id
    script.write_text(
        template.replace("{badge}", str(badge)).replace("{user}", str(user)), encoding="utf-8"
    )
    moodle.php(str(script), str(moodle.base / "moodle" / "config.php"))


def test_a_badge_is_kept_offline_checked_and_said_withdrawn_when_revoked(moodle, app):
    app.site_accounts().add_with_password(moodle.url, *LEARNER)
    run_php(moodle, AWARD, "award")
    app.sync_once()
    (badge,) = app.site_progress().badges()
    assert badge.name == "Prévention des risques — niveau 1"
    assert badge.site == "Centre de formation (test)"
    assert badge.image.read_bytes().startswith(b"\x89PNG")
    assert badge.recipient_checked  # offline: the hashed e-mail is the learner's
    assert badge.verified_online_at is not None and not badge.withdrawn
    assertion = baked_assertion(badge.image.read_bytes())
    assert assertion["verify"]["type"] == "hosted"  # no signature to show as "verified"
    run_php(moodle, REVOKE, "revoke")
    app.sync_once()
    (badge,) = app.site_progress().badges()
    assert badge.withdrawn  # kept, and said no longer hosted by the site
    assert badge.image.exists()


def test_the_recipient_check_follows_open_badges_2():
    salt = "badges1796510080"
    digest = hashlib.sha256(("elodie.lefevre@example.fr" + salt).encode()).hexdigest()
    assertion = {
        "recipient": {"type": "email", "hashed": True, "salt": salt, "identity": f"sha256${digest}"}
    }
    assert recipient_matches(assertion, "elodie.lefevre@example.fr")
    assert not recipient_matches(assertion, "karim.benali@example.org")
    assert not recipient_matches({"recipient": "x"}, "elodie.lefevre@example.fr")


@pytest.mark.parametrize(
    "image",
    [b"", b"GIF89a", b"\x89PNG\r\n\x1a\n", b"\x89PNG\r\n\x1a\n\x00\x00\x10\x00tEXt"],
)
def test_a_damaged_image_has_no_assertion(image):
    with pytest.raises(ValueError):
        baked_assertion(image)
