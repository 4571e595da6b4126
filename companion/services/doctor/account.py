"""Who is signed in, whether the platform still accepts the session, and their access.

The account is named by its platform id only. The session check is the app's own: it
refreshes the access token the way a sync would (a rotated refresh token is kept), so
asking the doctor never signs anyone out that a sync would not have.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from companion import formatting
from companion.domain import Account, ContractError, Entitlement, parse_account
from companion.errors import UserFacingError
from companion.files import read_json
from companion.i18n import N_, _
from companion.services.doctor.inputs import DoctorInputs
from companion.services.doctor.report import Report, Section, Severity, iso_utc

if TYPE_CHECKING:
    from companion.services.account import AccountService

ENDS_SOON_DAYS = 14
_SIGN_IN_AGAIN = N_(
    "Sign in again from the Account tab: nothing is lost, and what waits is sent then."
)


def saved_account(inputs: DoctorInputs) -> Account | None:
    data = read_json(inputs.account_dir / "account.json")
    if data is None:
        return None
    try:
        return parse_account(data)
    except ContractError:
        return None


def check_account(report: Report, inputs: DoctorInputs) -> None:
    account = saved_account(inputs)
    if account is None:
        report.add(
            "account.sign_in",
            Section.ACCOUNT,
            Severity.INFO,
            _("Nobody is signed in on this profile."),
        )
        return
    report.add(
        "account.sign_in",
        Section.ACCOUNT,
        Severity.INFO,
        _("Signed in with the platform account {id}.").format(id=account.id),
        account_id=account.id,
    )
    live = _check_session(report, inputs)
    check_entitlements(report, live or account, checked_live=live is not None)


def _check_session(report: Report, inputs: DoctorInputs) -> Account | None:
    """The platform's own verdict on the session; its fresh account when it accepts it."""
    if inputs.account is None:
        report.add(
            "account.session",
            Section.ACCOUNT,
            Severity.INFO,
            _("The session was not checked with the platform: {why}").format(
                why=inputs.session_not_checked or _("no platform to ask.")
            ),
        )
        return None
    from companion.auth.errors import SignInRequired
    from companion.sync.client import PlatformError

    service = inputs.account
    try:
        session = service.session()
        vault = _vault_kind(service)
        if not session.has_credentials():
            _session_ended(report, _("No sign-in is kept on this computer for this account."))
            return None
        fresh = service.refresh_account()
    except SignInRequired:
        _session_ended(
            report, _("The platform ended the session (signed out elsewhere or revoked).")
        )
        return None
    except PlatformError as error:
        if error.status == 401:
            _session_ended(report, _("The platform refuses this session."))
            return None
        _not_checked(report, error)
        return None
    except UserFacingError as error:
        _not_checked(report, error)
        return None
    expires = getattr(session, "access_expires_at", 0.0)
    when = formatting.moment_at(expires) if expires else "?"
    report.add(
        "account.session",
        Section.ACCOUNT,
        Severity.OK,
        _(
            "The platform accepts the session; access renewed automatically (next at {when})."
        ).format(when=when),
        access_expires_at=iso_utc(expires) if expires else "",
        refreshes=getattr(session, "refresh_count", 0),
        kept_in=vault,
    )
    return fresh


def _vault_kind(service: AccountService) -> str:
    vault = service.session().vault
    return "keyring" if vault.persistent else f"memory ({getattr(vault, 'reason', '?')})"


def _session_ended(report: Report, summary: str) -> None:
    report.add("account.session", Section.ACCOUNT, Severity.PROBLEM, summary, _(_SIGN_IN_AGAIN))


def _not_checked(report: Report, error: UserFacingError) -> None:
    report.add(
        "account.session",
        Section.ACCOUNT,
        Severity.WARNING,
        _("The session could not be checked: {message}").format(message=error.message),
        error.hint,
        reference=error.reference,
    )


def check_entitlements(report: Report, account: Account, *, checked_live: bool) -> None:
    source = "platform" if checked_live else "saved"
    if not account.entitlements:
        report.add(
            "account.access",
            Section.ACCOUNT,
            Severity.WARNING,
            _("This account has no premium access."),
            _(
                "Premium access is for registered job seekers: ask your employment adviser, "
                "then activate it in the Account tab."
            ),
            source=source,
        )
        return
    for entitlement in account.entitlements:
        _check_entitlement(report, entitlement, source)


def _check_entitlement(report: Report, entitlement: Entitlement, source: str) -> None:
    facts = {
        "programme": entitlement.programme,
        "status": entitlement.status,
        "starts_on": entitlement.starts_on.isoformat() if entitlement.starts_on else None,
        "ends_on": entitlement.ends_on.isoformat() if entitlement.ends_on else None,
        "source": source,
    }
    today = date.today()
    ends = entitlement.ends_on
    name = entitlement.programme
    if entitlement.status == "expired" or (ends is not None and ends < today):
        report.add(
            "account.access",
            Section.ACCOUNT,
            Severity.PROBLEM,
            _("Premium access “{name}” ended on {day}.").format(
                name=name, day=formatting.day(ends) if ends else "?"
            ),
            _(
                "Premium courses are closed to this account. If you are still registered as "
                "a job seeker, ask your adviser to renew it; your progress and certificates "
                "stay yours."
            ),
            **facts,
        )
    elif entitlement.status == "pending":
        report.add(
            "account.access",
            Section.ACCOUNT,
            Severity.WARNING,
            _("Premium access “{name}” is waiting to be activated.").format(name=name),
            _("Activate it in the Account tab with your job-seeker identifier."),
            **facts,
        )
    elif ends is not None and (ends - today).days <= ENDS_SOON_DAYS:
        report.add(
            "account.access",
            Section.ACCOUNT,
            Severity.WARNING,
            _("Premium access “{name}” ends on {day}.").format(name=name, day=formatting.day(ends)),
            _("Ask your adviser now if you need more time."),
            **facts,
        )
    else:
        report.add(
            "account.access",
            Section.ACCOUNT,
            Severity.OK,
            _("Premium access “{name}” active until {day}.").format(
                name=name, day=formatting.day(ends) if ends else "—"
            ),
            **facts,
        )
