"""The platform as this computer sees it: reachability step by step, proxy, clock."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from companion import formatting
from companion.i18n import _
from companion.services.doctor.inputs import DoctorInputs
from companion.services.doctor.report import Report, Section, Severity
from companion.settings import NETWORK_CA_BUNDLE, NETWORK_PROXY, NETWORK_TIMEOUT_SECONDS

CLOCK_WARNING_SECONDS = 60
CLOCK_PROBLEM_SECONDS = 300  # beyond this, sign-in tokens and certificates are refused


def check_platform(report: Report, inputs: DoctorInputs) -> Any:
    """Returns the probe's result (or None in demo mode without a platform to probe)."""
    if not inputs.base_url:
        report.add(
            "platform.address",
            Section.PLATFORM,
            Severity.INFO,
            _("No platform is configured: Companion uses its built-in demo platform."),
            _("To use the real platform, set platform.api_url (see the README)."),
        )
        return None
    from companion.sync.client import NetworkConfig
    from companion.sync.probe import probe

    config = NetworkConfig(
        base_url=inputs.base_url,
        timeout_seconds=inputs.settings.value(NETWORK_TIMEOUT_SECONDS),
        proxy=inputs.settings.value(NETWORK_PROXY),
        ca_bundle=inputs.settings.value(NETWORK_CA_BUNDLE),
    )
    result = probe(config)
    _report_address(report, inputs, result.proxy)
    for step in result.steps:
        _report_step(report, step, inputs.base_url, result.proxy)
    if result.status is not None:
        _report_clock(report, result.clock_skew_seconds)
    return result


def _report_address(report: Report, inputs: DoctorInputs, proxy: str) -> None:
    where = _("the demo platform") if inputs.demo else inputs.base_url
    report.add(
        "platform.address",
        Section.PLATFORM,
        Severity.INFO,
        _("Platform: {url}; proxy: {proxy}.").format(url=where, proxy=proxy or _("none")),
        url=inputs.base_url,
        proxy=proxy,
        proxy_setting=inputs.settings.value(NETWORK_PROXY),
    )
    from companion.auth.discovery import is_safe_url

    if urlsplit(inputs.base_url).scheme == "http" and not is_safe_url(inputs.base_url):
        report.add(
            "platform.encryption",
            Section.PLATFORM,
            Severity.WARNING,
            _("The platform address is not encrypted (http://)."),
            _("Use the https:// address the platform gives; sign-in must not travel in clear."),
        )


def _report_step(report: Report, step: Any, url: str, proxy: str = "") -> None:
    host = urlsplit(url).hostname or url
    if step.ok:
        report.add(
            f"platform.{step.name}",
            Section.PLATFORM,
            Severity.OK,
            _ok_text(step),
            millis=step.millis,
            **step.facts,
        )
        return
    blamed = _proxy_failure_text(step, proxy) if proxy else None
    summary, hint = blamed or _failure_text(step, host)
    report.add(
        f"platform.{step.name}",
        Section.PLATFORM,
        Severity.PROBLEM,
        summary,
        hint,
        problem=step.problem,
        millis=step.millis,
        **step.facts,
    )


def _ok_text(step: Any) -> str:
    ms = formatting.decimal(step.millis or 0.0)
    if step.name == "dns":
        return _("Name found ({host} → {addresses}) in {ms} ms.").format(
            host=step.facts.get("host"), addresses=", ".join(step.facts.get("addresses", [])), ms=ms
        )
    if step.name == "tcp":
        return _("Connected to {address} in {ms} ms.").format(
            address=step.facts.get("address"), ms=ms
        )
    if step.name == "proxy":
        return _("The proxy opened a tunnel in {ms} ms.").format(ms=ms)
    if step.name == "tls":
        return _("Certificate trusted, issued by {issuer}, valid until {until} ({ms} ms).").format(
            issuer=step.facts.get("issuer", "?"), until=step.facts.get("not_after", "?"), ms=ms
        )
    return _("The platform answered (HTTP {status}) in {ms} ms.").format(
        status=step.facts.get("status"), ms=ms
    )


def _proxy_failure_text(step: Any, proxy: str) -> tuple[str, str] | None:
    """The proxy named when it is at fault: through a proxy, the name looked up and the
    connection made are the proxy's, and a 407 is its own answer (issue 24: the doctor
    blamed the platform)."""
    host = urlsplit(proxy).hostname or proxy
    check = _("Check the proxy address (network.proxy) with the network administrator.")
    if step.name == "dns":
        return _("The proxy's name {host} cannot be found (DNS).").format(host=host), check
    if step.name == "tcp" and step.problem == "timeout":
        return _("No answer from the proxy {host} (the connection timed out).").format(
            host=host
        ), check
    if step.name == "tcp":
        return _("The proxy {host} refused the connection.").format(host=host), check
    if step.name == "http" and step.facts.get("status") == 407:
        return (
            _("The proxy {host} asks for a sign-in (HTTP 407).").format(host=host),
            _(
                "Put the proxy's user name and password in network.proxy, as given by the "
                "network administrator."
            ),
        )
    return None


def _failure_text(step: Any, host: str) -> tuple[str, str]:
    problem = step.problem
    if step.name == "dns":
        return (
            _("The platform's name {host} cannot be found (DNS).").format(host=host),
            _(
                "Check that this computer is connected to the internet (open a well-known "
                "website). If it is, the platform address may be wrong (platform.api_url)."
            ),
        )
    if step.name == "tcp":
        if problem == "timeout":
            return (
                _("No answer from {host} (the connection timed out).").format(host=host),
                _(
                    "A firewall or a proxy may be blocking Companion. At a training centre, "
                    "ask the administrator for the proxy address (network.proxy)."
                ),
            )
        return (
            _("{host} refused the connection.").format(host=host),
            _(
                "The platform may be down for maintenance, or the address or port is wrong. "
                "Try again later; if it lasts, tell support staff."
            ),
        )
    if step.name == "proxy":
        return (
            _("The proxy refused to connect to the platform ({answer}).").format(
                answer=step.facts.get("answer") or step.facts.get("error", "?")
            ),
            _("Check the proxy address and its sign-in with the network administrator."),
        )
    if step.name == "tls":
        return _tls_failure(step)
    return _http_failure(step)


def _tls_failure(step: Any) -> tuple[str, str]:
    issuer = step.facts.get("issuer", "?")
    if step.problem == "certificate-expired":
        return (
            _("The platform's certificate has expired ({until}).").format(
                until=step.facts.get("not_after", "?")
            ),
            _(
                "Check this computer's date and time first. If they are right, the "
                "platform must renew its certificate: tell support staff."
            ),
        )
    if step.problem == "certificate-not-yet-valid":
        return (
            _("The platform's certificate is not valid yet for this computer."),
            _("This computer's clock is probably behind: set the date and time automatically."),
        )
    if step.problem == "certificate-wrong-name":
        return (
            _("The certificate shown is for another name ({subject}).").format(
                subject=step.facts.get("subject", "?")
            ),
            _("The platform address may be wrong, or the connection is intercepted."),
        )
    if step.problem == "certificate-untrusted":
        return (
            _(
                "This computer does not trust the platform's certificate (issued by {issuer})."
            ).format(issuer=issuer),
            _(
                "If a proxy inspects traffic here, set network.ca_bundle to its certificate "
                "authority. Otherwise do not sign in: the connection may be intercepted."
            ),
        )
    return (
        _("The secure connection failed ({error}).").format(error=step.facts.get("error", "?")),
        _("A proxy or firewall may be interfering; tell support staff."),
    )


def _http_failure(step: Any) -> tuple[str, str]:
    status = step.facts.get("status")
    if status is None:
        return (
            _("The platform did not answer the request ({error}).").format(
                error=step.facts.get("error", "?")
            ),
            _("Try again later; your progress is kept on this computer."),
        )
    if status in (502, 503, 504):
        return (
            _("The platform is temporarily unavailable (HTTP {status}).").format(status=status),
            _(
                "Maintenance or heavy load on the platform's side: nothing to do on this "
                "computer. Your progress is kept and Companion will try again."
            ),
        )
    if status == 429:
        return (
            _("The platform asks Companion to slow down (HTTP 429)."),
            _("Wait a few minutes; Companion will try again by itself."),
        )
    if status >= 500:
        return (
            _("The platform had an error (HTTP {status}).").format(status=status),
            _("Tell support staff with the reference of this report; your progress is kept."),
        )
    return (
        _("The platform refused the request (HTTP {status}).").format(status=status),
        _("The platform address (platform.api_url) may be wrong: check it with support staff."),
    )


def _report_clock(report: Report, skew: float | None) -> None:
    if skew is None:
        report.add(
            "clock",
            Section.COMPUTER,
            Severity.INFO,
            _("The platform did not give its time: the clock could not be checked."),
        )
        return
    facts = {"skew_seconds": round(skew, 1)}
    if abs(skew) < CLOCK_WARNING_SECONDS:
        report.add("clock", Section.COMPUTER, Severity.OK, _("The clock is right."), **facts)
        return
    span = formatting.duration(max(round(abs(skew) / 60), 1))
    summary = (
        _("This computer's clock is {span} ahead of the platform's.")
        if skew > 0
        else _("This computer's clock is {span} behind the platform's.")
    ).format(span=span)
    severity = Severity.PROBLEM if abs(skew) >= CLOCK_PROBLEM_SECONDS else Severity.WARNING
    report.add(
        "clock",
        Section.COMPUTER,
        severity,
        summary,
        _(
            "Set the date and time automatically (system settings). Sign-in and "
            "certificates are refused when the clock is wrong."
        ),
        **facts,
    )
