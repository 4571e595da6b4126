"""A Moodle site as a kind of platform, against a real Moodle 5.1: what it says before
sign-in, sign-in with a password, who the learner is, their courses and outlines."""

from __future__ import annotations

import pytest

from companion.auth.errors import SignInError, SignInRequired
from companion.errors import UserFacingError
from companion.platform import Capability, Platform, SignInKind
from companion.sync import moodle_ws
from companion.sync.client import HttpClient, NetworkConfig
from companion.sync.kinds import MOODLE, open_platform
from companion.sync.moodle import MoodlePlatform
from companion.sync.moodle_outline import course_ref
from tests.moodle_site import LEARNER, MoodleSite


def signed_in(http: HttpClient) -> MoodlePlatform:
    platform = open_platform(http, MOODLE)
    assert isinstance(platform, MoodlePlatform)
    return MoodlePlatform(http, moodle_ws.token_for(http, *LEARNER))


def test_the_site_says_it_is_moodle_and_how_learners_sign_in(moodle, moodle_http):
    config = moodle_ws.public_config(moodle_http)
    assert config.address == moodle.url
    assert config.name == "Centre de formation (test)"
    assert config.sign_in_kind is SignInKind.PASSWORD
    assert config.launch_url == f"{moodle.url}/admin/tool/mobile/launch.php"


def test_an_address_that_is_not_moodle_is_said_so(platform_env):
    client = HttpClient(NetworkConfig(base_url=platform_env.url, proxy="none"))
    try:
        with pytest.raises(UserFacingError, match="not a Moodle site"):
            moodle_ws.public_config(client)
    finally:
        client.close()


@pytest.mark.parametrize("address", ["http://moodle.example.org", "ftp://127.0.0.1/", "moodle"])
def test_a_password_never_goes_over_plain_http_except_to_this_computer(address):
    with pytest.raises(UserFacingError, match="https://"):
        moodle_ws.check_site_address(address)
    assert moodle_ws.check_site_address("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"


def test_a_wrong_password_is_said_plainly(moodle_http):
    with pytest.raises(SignInError, match="username or password is not right"):
        moodle_ws.token_for(moodle_http, LEARNER[0], "not-the-password")


def test_the_learner_and_their_course_as_the_site_gives_them(moodle: MoodleSite, moodle_http):
    platform = signed_in(moodle_http)
    assert isinstance(platform, Platform)
    # Progress out and in, hosted badges, quizzes graded there; no catalogue, no enrolling,
    # no signed proof.
    assert platform.capabilities == {
        Capability.STATEMENTS,
        Capability.HOSTED_BADGES,
        Capability.ONLINE_QUIZZES,
    }
    assert Capability.CATALOGUE not in platform.capabilities and platform.catalog() == []
    me = platform.me()
    assert (me.id, me.name) == (str(moodle.learner_id), "Élodie Lefèvre")
    reference = course_ref(moodle.url, moodle.course_id)
    assert platform.enrollments() == [reference]


def test_a_course_outline_keeps_every_kind_of_activity(moodle: MoodleSite, moodle_http):
    platform = signed_in(moodle_http)
    reference = course_ref(moodle.url, moodle.course_id)
    fetched = platform.manifest(reference)
    course = fetched.manifest
    assert course is not None and course.id == reference
    assert course.title == "Sécurité au travail : les fondamentaux"
    chapters = {c.title: c for part in course.parts for c in part.chapters}
    page = chapters["Introduction à la prévention"].blocks[0]
    assert page.type == "text" and page.asset is not None
    assert page.asset.check == "length" and page.asset.media_type == "text/html"
    assert page.asset.source.startswith(moodle.url + "/webservice/pluginfile.php/")
    label = next(c for title, c in chapters.items() if title.startswith("À savoir"))
    assert label.blocks[0].text.count("lisez la page") == 1  # inline, shown sanitised
    pdf = chapters["Fiche réflexe incendie (PDF)"].blocks[0]
    assert pdf.asset is not None and pdf.type == "file"
    assert (pdf.asset.media_type, pdf.asset.size) == ("application/pdf", moodle.seed["pdf_size"])
    link = chapters["INRS — dossier prévention"].blocks[0]
    assert link.type == "link" and link.url.startswith("https://www.inrs.fr/")
    quiz = chapters["Quiz de validation"].blocks[0]
    assert (
        quiz.type == "site_quiz"
        and quiz.url == f"{moodle.url}/mod/quiz/view.php?id={moodle.cmid('quiz')}"
    )
    # Asked again with the version kept: nothing new to store.
    assert platform.manifest(reference, fetched.etag).manifest is None


def test_a_course_of_another_site_is_refused(moodle_http):
    platform = signed_in(moodle_http)
    with pytest.raises(ValueError, match="not a course of this site"):
        platform.manifest(course_ref("https://elsewhere.example", 2))


def test_a_revoked_token_asks_to_sign_in_again(moodle: MoodleSite, moodle_http):
    platform = signed_in(moodle_http)
    platform.me()
    moodle.php("admin/cli/purge_caches.php")
    moodle.revoke_tokens()
    with pytest.raises(SignInRequired, match="Sign in to it again"):
        platform.me()
