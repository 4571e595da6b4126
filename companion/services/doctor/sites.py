"""The learner's accounts on other sites (a training centre's Moodle): each named by its
site and the user id there (never the learner's name, never a token), whether it is
signed in, and, when the live check may run, whether the site still accepts it."""

from __future__ import annotations

from companion.auth.errors import SignInRequired
from companion.errors import UserFacingError
from companion.i18n import _
from companion.services.doctor.inputs import DoctorInputs
from companion.services.doctor.report import Report, Section, Severity
from companion.services.site_accounts import SiteAccount, SiteAccounts
from companion.settings import NETWORK_CA_BUNDLE, NETWORK_PROXY, NETWORK_TIMEOUT_SECONDS
from companion.sync.client import NetworkConfig, PlatformUnreachable


def check_site_accounts(report: Report, inputs: DoctorInputs) -> None:
    settings = inputs.settings

    def network(address: str) -> NetworkConfig:
        return NetworkConfig(
            base_url=address,
            timeout_seconds=settings.value(NETWORK_TIMEOUT_SECONDS),
            proxy=settings.value(NETWORK_PROXY),
            ca_bundle=settings.value(NETWORK_CA_BUNDLE),
        )

    sites = SiteAccounts(inputs.account_dir, inputs.profile, network, kiosk=settings.kiosk)
    try:
        for account in sites.all():
            _check(report, inputs, sites, account)
    finally:
        sites.close()


def _check(report: Report, inputs: DoctorInputs, sites: SiteAccounts, account: SiteAccount) -> None:
    facts = {"site": account.address, "account_id": account.user_id, "kind": account.kind}
    finding = f"sites.{account.key}"
    if not sites.is_signed_in(account):
        report.add(
            finding,
            Section.ACCOUNT,
            Severity.WARNING,
            _("Signed out of {site}: its progress waits on this computer.").format(
                site=account.site_name
            ),
            _("Sign in to it again from the Account tab, under Other training sites."),
            **facts,
        )
        return
    if inputs.session_not_checked:
        report.add(
            finding,
            Section.ACCOUNT,
            Severity.INFO,
            _("Signed in to {site} with the account {id}.").format(
                site=account.site_name, id=account.user_id
            ),
            **facts,
        )
        return
    try:
        sites.platform(account).me()
    except SignInRequired as error:
        report.add(finding, Section.ACCOUNT, Severity.PROBLEM, error.message, error.hint, **facts)
    except PlatformUnreachable as error:
        report.add(finding, Section.ACCOUNT, Severity.WARNING, error.message, error.hint, **facts)
    except UserFacingError as error:
        report.add(finding, Section.ACCOUNT, Severity.PROBLEM, error.message, error.hint, **facts)
    else:
        report.add(
            finding,
            Section.ACCOUNT,
            Severity.OK,
            _("The account {id} is accepted by {site}.").format(
                site=account.site_name, id=account.user_id
            ),
            **facts,
        )
