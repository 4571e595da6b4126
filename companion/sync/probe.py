"""Can the platform be reached, and where does it fail? One step at a time, for the doctor.

A learner's "it doesn't sync" can be a name that does not resolve (no network, a captive
portal, a typo in the address), a port nobody answers on (a firewall), a certificate the
computer does not trust (a proxy inspecting traffic, a wrong clock) or a platform that
answers with an error. Each step is timed and stops the chain when it fails, so the report
names the first broken link. Every step has its own deadline.
"""

from __future__ import annotations

import base64
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from companion.sync.client import HttpClient, NetworkConfig, PlatformUnreachable

PROBE_PATH = "/v1/catalog"  # public, cheap to answer, and what every start asks first
_MAX_PROXY_REPLY = 8192


@dataclass
class Step:
    """One link of the chain. ``problem`` is a short machine word when it failed."""

    name: str  # "dns", "tcp", "tls", "http"
    ok: bool
    millis: float | None = None
    problem: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reachability:
    url: str
    proxy: str  # the proxy in use, without credentials; "" when direct
    steps: list[Step] = field(default_factory=list)
    status: int | None = None  # the platform's HTTP answer
    request_id: str = ""
    server_time: float | None = None  # from the answer's Date header
    local_time: float | None = None  # this computer's clock halfway through the request

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps) and self.status is not None

    @property
    def clock_skew_seconds(self) -> float | None:
        """How far this computer's clock is ahead of the platform's (negative: behind)."""
        if self.server_time is None or self.local_time is None:
            return None
        return self.local_time - self.server_time

    def failed_step(self) -> Step | None:
        return next((step for step in self.steps if not step.ok), None)


def probe(config: NetworkConfig) -> Reachability:
    """Walk DNS, TCP, TLS and HTTP to the platform (or to the proxy, when one is used)."""
    target = urlsplit(config.base_url)
    proxy_url = proxy_for(config)
    result = Reachability(config.base_url, _without_credentials(proxy_url))
    first_hop = urlsplit(proxy_url) if proxy_url else target
    host, port = first_hop.hostname or "", _port(first_hop)
    deadline = config.connect_timeout_seconds
    addresses = _dns(result, host, port, deadline)
    if addresses is None:
        return result
    connected = _tcp(result, addresses, deadline)
    if connected is None:
        return result
    with connected:
        if target.scheme == "https":
            if proxy_url and not _tunnel(result, connected, target, proxy_url, deadline):
                return result
            if not _tls(result, connected, target.hostname or "", config, deadline):
                return result
    _http(result, config)
    return result


def proxy_for(config: NetworkConfig) -> str:
    """The proxy the HTTP client will use for the platform, as requests chooses it."""
    setting = config.proxy.strip()
    if setting == "none":
        return ""
    if setting not in ("", "system"):
        return setting
    from requests.utils import get_environ_proxies, select_proxy

    return select_proxy(config.base_url, get_environ_proxies(config.base_url)) or ""


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if not parts.username:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def _port(parts: Any) -> int:
    try:
        explicit = parts.port
    except ValueError:
        explicit = None
    return int(explicit or (443 if parts.scheme == "https" else 80))


def _timed(step: Step, started: float) -> Step:
    step.millis = round((time.monotonic() - started) * 1000, 1)
    return step


def _dns(result: Reachability, host: str, port: int, deadline: float) -> list[Any] | None:
    """getaddrinfo has no timeout of its own: it runs on a thread we stop waiting for."""
    started = time.monotonic()
    answer: dict[str, Any] = {}

    def resolve() -> None:
        try:
            answer["addresses"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            answer["error"] = error

    worker = threading.Thread(target=resolve, name="doctor-dns", daemon=True)
    worker.start()
    worker.join(deadline)
    step = _timed(Step("dns", False, facts={"host": host}), started)
    result.steps.append(step)
    if worker.is_alive():
        step.problem = "timeout"
    elif "error" in answer:
        step.problem = "not-found"
        step.facts["error"] = str(answer["error"])
    else:
        addresses = answer["addresses"]
        step.ok = True
        step.facts["addresses"] = sorted({info[4][0] for info in addresses})
        return list(addresses)
    return None


def _tcp(result: Reachability, addresses: list[Any], deadline: float) -> socket.socket | None:
    started = time.monotonic()
    step = Step("tcp", False)
    result.steps.append(step)
    last_error: OSError | None = None
    for family, kind, proto, _name, address in addresses:
        connection = socket.socket(family, kind, proto)
        connection.settimeout(deadline)
        try:
            connection.connect(address)
        except OSError as error:
            connection.close()
            last_error = error
            continue
        step.ok = True
        step.facts["address"] = f"{address[0]}:{address[1]}"
        _timed(step, started)
        return connection
    _timed(step, started)
    step.problem = "timeout" if isinstance(last_error, TimeoutError) else "refused"
    step.facts["error"] = str(last_error)
    return None


def _tunnel(
    result: Reachability, connection: socket.socket, target: Any, proxy_url: str, deadline: float
) -> bool:
    """Ask the proxy for a tunnel to the platform, as the HTTP client will for HTTPS."""
    started = time.monotonic()
    step = Step("proxy", False)
    result.steps.append(step)
    authority = f"{target.hostname}:{_port(target)}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
    proxy = urlsplit(proxy_url)
    if proxy.username:
        pair = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}"
        lines.append("Proxy-Authorization: Basic " + base64.b64encode(pair.encode()).decode())
    try:
        connection.settimeout(deadline)
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        reply = _read_head(connection)
    except OSError as error:
        step.problem, step.facts["error"] = "proxy-failed", str(error)
        _timed(step, started)
        return False
    status_line = reply.split(b"\r\n", 1)[0].decode("latin-1", "replace")
    step.facts["answer"] = status_line
    _timed(step, started)
    parts = status_line.split()
    step.ok = len(parts) >= 2 and parts[1] == "200"
    if not step.ok:
        step.problem = "proxy-refused"
    return step.ok


def _read_head(connection: socket.socket) -> bytes:
    reply = b""
    while b"\r\n\r\n" not in reply and len(reply) < _MAX_PROXY_REPLY:
        chunk = connection.recv(1024)
        if not chunk:
            break
        reply += chunk
    return reply


def _tls(
    result: Reachability,
    connection: socket.socket,
    host: str,
    config: NetworkConfig,
    deadline: float,
) -> bool:
    """Verify the certificate as the HTTP client does (its trust store, hostname), and
    describe it either way: an expired or unknown certificate is the usual culprit."""
    started = time.monotonic()
    step = Step("tls", False)
    result.steps.append(step)
    context = _client_tls_context(config)
    connection.settimeout(deadline)
    try:
        with context.wrap_socket(connection, server_hostname=host, do_handshake_on_connect=True):
            pass
    except ssl.SSLCertVerificationError as error:
        step.problem = _verification_problem(error)
        step.facts["error"] = str(error.verify_message or error)
        step.facts.update(_describe_certificate(host, config, deadline))
        _timed(step, started)
        return False
    except (ssl.SSLError, OSError) as error:
        step.problem, step.facts["error"] = "handshake-failed", str(error)
        _timed(step, started)
        return False
    _timed(step, started)
    step.ok = True
    step.facts.update(_describe_certificate(host, config, deadline))
    return True


def _client_tls_context(config: NetworkConfig) -> ssl.SSLContext:
    """The checks urllib3 makes for the HTTP client (strict X.509 included), so a
    certificate the doctor calls trusted is one the app will accept."""
    from urllib3.util.ssl_ import create_urllib3_context

    context = create_urllib3_context()
    context.load_verify_locations(cafile=trust_store(config))
    context.check_hostname = True
    return context


def trust_store(config: NetworkConfig) -> str:
    """The bundle the HTTP client verifies against: the configured one, else what requests
    picks (REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE from the environment, else certifi's)."""
    if config.ca_bundle:
        return config.ca_bundle
    client = HttpClient(config)
    try:
        chosen = client.session.merge_environment_settings(config.base_url, {}, None, None, None)
    finally:
        client.close()
    verify = chosen.get("verify")
    if isinstance(verify, str):
        return verify
    import certifi

    return str(certifi.where())


def _verification_problem(error: ssl.SSLCertVerificationError) -> str:
    message = str(error.verify_message or error).lower()
    if "expired" in message:
        return "certificate-expired"
    if "not yet valid" in message:
        return "certificate-not-yet-valid"
    if "hostname" in message or "ip address mismatch" in message:
        return "certificate-wrong-name"
    return "certificate-untrusted"


def _describe_certificate(host: str, config: NetworkConfig, deadline: float) -> dict[str, Any]:
    """Subject, issuer and validity of the certificate the server shows, read without
    trusting it (a second, unverified handshake used for nothing else)."""
    try:
        der = _peer_certificate(host, config, deadline)
    except (OSError, ssl.SSLError, ValueError):
        return {}
    if der is None:
        return {}
    from cryptography import x509

    certificate = x509.load_der_x509_certificate(der)
    return {
        "subject": certificate.subject.rfc4514_string(),
        "issuer": certificate.issuer.rfc4514_string(),
        "not_before": certificate.not_valid_before_utc.isoformat(),
        "not_after": certificate.not_valid_after_utc.isoformat(),
    }


def _peer_certificate(host: str, config: NetworkConfig, deadline: float) -> bytes | None:
    target = urlsplit(config.base_url)
    if proxy_for(config):
        return None  # a second tunnel is not worth it; the verdict above stands
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((host, _port(target)), timeout=deadline) as raw,
        context.wrap_socket(raw, server_hostname=host) as secured,
    ):
        return secured.getpeercert(binary_form=True)


def _http(result: Reachability, config: NetworkConfig) -> None:
    """One real request through the app's own HTTP client (proxy, trust store, timeouts)."""
    import dataclasses

    client = HttpClient(dataclasses.replace(config, retries=0))
    try:
        _ask(result, client)
    finally:
        client.close()


def _ask(result: Reachability, client: HttpClient) -> None:
    import email.utils

    step = Step("http", False)
    result.steps.append(step)
    started, sent_at = time.monotonic(), time.time()
    try:
        response = client.request("GET", PROBE_PATH, expect=tuple(range(100, 600)), stream=True)
    except PlatformUnreachable as error:
        step.problem, step.facts["error"] = "no-answer", error.message
        result.request_id = error.reference
        _timed(step, started)
        return
    with response:  # the body is not needed: headers say all
        _timed(step, started)
        result.local_time = (sent_at + time.time()) / 2
        result.status = step.facts["status"] = response.status_code
        result.request_id = str(response.request.headers.get("X-Request-Id", ""))
        step.ok = response.status_code < 400
        if not step.ok:
            step.problem = f"status-{response.status_code}"
        date = response.headers.get("Date")
        try:
            result.server_time = email.utils.parsedate_to_datetime(date or "").timestamp()
        except (TypeError, ValueError):
            step.facts["date"] = "missing or unreadable"
