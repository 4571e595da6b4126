"""Certificates over real HTTP: earned on two devices, fetched, verified offline, exported."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from joserfc.jwk import RSAKey
from pypdf import PdfReader

from companion.domain import CourseManifest, parse_manifest
from companion.errors import UserFacingError
from companion.sandbox.certificates import Issued
from companion.services.certificate_fetch import fetch_certificates
from companion.services.certificates import CertificateService, Verdict, verify
from companion.services.progress import ProgressService
from companion.sync.client import MalformedResponse
from companion.sync.outbox import push
from tests.integration.test_push import api_for
from tests.sync_helpers import HOME

COURSE = "securite-chantier"


def study_all(device: ProgressService, course: CourseManifest, half: int) -> None:
    """Complete one half (0 or 1) of the course's chapters and quizzes on ``device``."""
    chapters = [c for p in course.parts for c in p.chapters]
    for chapter in chapters[half::2]:
        quiz = next((b.quiz for b in chapter.blocks if b.quiz), None)
        if quiz is None:
            device.complete_chapter(course.id, chapter, course)
        else:
            device.submit(course.id, quiz, {q.id: q.correct for q in quiz.questions}, course)


@pytest.fixture
def wallet(tmp_path):
    progress = ProgressService(tmp_path / "laptop")
    yield CertificateService(progress.db, tmp_path / "laptop" / "certificates")
    progress.close()


def earn(sandbox, sample_content, tmp_path) -> None:
    course = parse_manifest(sample_content.courses[COURSE].manifest)
    api = api_for(sandbox)
    for half in (0, 1):  # half the course on a laptop, half on a training-centre kiosk
        device = ProgressService(tmp_path / f"device-{half}")
        study_all(device, course, half)
        push(device, api, "u-1001", HOME)
        device.close()


def test_a_course_finished_across_two_devices_earns_a_certificate_kept_offline(
    sandbox, sample_content, wallet, tmp_path
):
    api = api_for(sandbox)
    assert fetch_certificates(wallet, api) == 0
    earn(sandbox, sample_content, tmp_path)
    assert fetch_certificates(wallet, api) == 1
    assert fetch_certificates(wallet, api) == 0  # what is here is not fetched again
    sandbox.faults.set(status=503, retry_after=0)  # offline from here: all from disk
    [certificate] = wallet.certificates(sandbox.url, "u-1001")
    assert certificate.verdict is Verdict.VALID and certificate.has_pdf
    assert certificate.achievement == "Les bases de la sécurité sur un chantier"
    pdf_file, jwt_file = tmp_path / "export" / "certificat.pdf", tmp_path / "export" / "c.jwt"
    jwt_file.parent.mkdir()
    wallet.export_pdf(certificate.id, pdf_file)
    wallet.export_credential(certificate.id, jwt_file)
    text = PdfReader(pdf_file).pages[0].extract_text()
    assert "Camille Martin" in text and "Les bases de la" in text
    exported = jwt_file.read_text(encoding="ascii").strip()
    verdict, claims = verify(
        exported, wallet.cached_keys(), issuer=sandbox.url, learner_id="u-1001"
    )
    assert verdict is Verdict.VALID and claims["vc"]["type"][-1] == "OpenBadgeCredential"


def test_verification_tells_what_is_wrong(sandbox, sample_content, wallet, tmp_path):
    earn(sandbox, sample_content, tmp_path)
    fetch_certificates(wallet, api_for(sandbox))
    [certificate] = wallet.certificates(sandbox.url, "u-1001")
    keys, good = wallet.cached_keys(), certificate.credential
    header, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["vc"]["credentialSubject"]["achievement"]["name"] = "Diplôme d'ingénieur"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    def check(credential=good, jwks=keys, issuer=sandbox.url, learner="u-1001", now=None):
        return verify(credential, jwks, issuer=issuer, learner_id=learner, now=now)[0]

    assert check() is Verdict.VALID
    assert check(credential=f"{header}.{forged}.{signature}") is Verdict.TAMPERED
    assert check(credential="pas un certificat") is Verdict.TAMPERED
    assert check(learner="u-1002") is Verdict.NOT_YOURS
    assert check(issuer="https://autre-plateforme.example") is Verdict.OTHER_ISSUER
    rotated = {"keys": [RSAKey.generate_key(2048, {"kid": "sandbox-2"}).as_dict(private=False)]}
    assert check(jwks=rotated) is Verdict.UNKNOWN_KEY
    assert check(jwks=None) is Verdict.UNKNOWN_KEY  # never synced: nothing to check against
    a_year_ago = datetime.now(UTC).timestamp() - 365 * 86400  # this computer's clock is wrong
    assert check(now=a_year_ago) is Verdict.NOT_YET_VALID


def test_a_hostile_certificate_id_is_refused_and_nothing_is_written(
    sandbox, sample_content, wallet, tmp_path
):
    earn(sandbox, sample_content, tmp_path)
    [(owner, course)] = list(sandbox.certificates.issued)
    real = sandbox.certificates.issued[(owner, course)]
    sandbox.certificates.issued[(owner, course)] = Issued(
        "..%2f..%2fescape", *list(real.__dict__.values())[1:]
    )
    with pytest.raises(MalformedResponse):
        fetch_certificates(wallet, api_for(sandbox))
    assert wallet.known_ids() == set()
    assert not any(p.suffix == ".pdf" for p in tmp_path.rglob("*"))


def test_a_malformed_list_is_a_clear_error(sandbox, wallet):
    sandbox.faults.set(malformed_json=True, path_prefix="/v1/me/certificates")
    with pytest.raises(MalformedResponse, match="cannot read"):
        fetch_certificates(wallet, api_for(sandbox))
    assert wallet.known_ids() == set()


def test_exporting_a_pdf_that_is_not_here_says_so(wallet):
    with pytest.raises(UserFacingError, match="not on this computer"):
        wallet.export_pdf("inconnu", wallet.folder / "x.pdf")
