"""Bring new certificates to this computer, with the platform's keys to verify them offline.

Each sync refreshes the cached keys (the platform may have rotated them) and fetches the
certificates this computer does not have yet, in both forms: the signed credential and
its PDF. What is already here is never fetched again.
"""

from __future__ import annotations

import logging

from companion.platform import Platform
from companion.services.certificates import CertificateService

log = logging.getLogger("companion.sync")


def fetch_certificates(service: CertificateService, api: Platform) -> int:
    """Returns how many certificates arrived."""
    service.save_keys(api.signing_keys())
    known = service.known_ids()
    arrived = 0
    for summary in api.certificates():
        if summary.id in known:
            continue
        credential = api.certificate_credential(summary.id)
        pdf = api.certificate_pdf(summary.id)
        service.save(summary, credential, pdf)
        log.info("certificate %s for course %s kept", summary.id, summary.course_id)
        arrived += 1
    return arrived
