"""The sandbox platform as a Flask application implementing resources/openapi.yaml."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, g, jsonify, request, send_file
from werkzeug.exceptions import HTTPException, NotFound, Unauthorized
from werkzeug.wrappers import Response as BaseResponse
from werkzeug.wsgi import FileWrapper

from companion.sandbox import oidc
from companion.sandbox.certificates import Certificates, Issued
from companion.sandbox.content import Content
from companion.sandbox.faults import FaultMiddleware, Faults, WSGIApp, plan_from_json
from companion.sandbox.learners import Learners
from companion.sandbox.lrs import Conflict, StatementStore, problem_with, xapi_query
from companion.sandbox.oidc import ProviderState
from companion.sandbox.traffic import Traffic, TrafficMiddleware

log = logging.getLogger("companion.sandbox")

ONE_YEAR = 31_536_000
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Every response carries X-Request-Id: the client's own when well-formed, else new."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        offered = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = offered if _REQUEST_ID.match(offered) else uuid.uuid4().hex
        environ["companion.request_id"] = request_id
        # Files go out in large blocks: werkzeug's 8 KiB made the sandbox, not the client,
        # the slowest part of a download benchmark (a real platform's CDN is not that slow).
        environ["wsgi.file_wrapper"] = _large_blocks

        def with_id(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            headers.append(("X-Request-Id", request_id))
            return start_response(status, headers, exc_info)

        return self.app(environ, with_id)


FILE_BLOCK = 256 * 1024


def _large_blocks(file: Any, _buffer_size: int = FILE_BLOCK) -> FileWrapper:
    return FileWrapper(file, FILE_BLOCK)


def create_app(
    content: Content,
    faults: Faults | None = None,
    learners: Learners | None = None,
    provider: ProviderState | None = None,
    statements: StatementStore | None = None,
    certificates: Certificates | None = None,
    traffic: Traffic | None = None,
) -> Flask:
    app = Flask("companion.sandbox")
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    faults = faults or Faults()
    learners = learners or Learners()
    provider = provider or ProviderState()
    app.extensions["companion"] = {"content": content, "faults": faults, "learners": learners}
    _register_errors(app)
    _register_catalog(app, content)
    _register_desktop_release(app)
    oidc.register(app, learners, provider)
    statements = statements or StatementStore()
    app.extensions["companion"]["statements"] = statements
    certificates = certificates or Certificates(content, provider.key)
    _register_me(app, content, learners, provider, statements)
    _register_certificates(app, provider, statements, certificates)
    traffic = traffic or Traffic()
    _register_admin(app, faults, traffic)
    counted = TrafficMiddleware(FaultMiddleware(app.wsgi_app, faults), traffic)
    app.wsgi_app = RequestIdMiddleware(counted)  # type: ignore[method-assign]
    return app


def problem(status: int, title: str, detail: str = "", **extra: Any) -> Response:
    """An RFC 9457 problem details response."""
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": request.environ.get("companion.request_id"),
    }
    body.update(extra)
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json"
    )
    return response


def _register_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = problem(error.code or 500, error.name, error.description or "")
        if isinstance(error, Unauthorized):
            response.headers["WWW-Authenticate"] = 'Bearer realm="platform"'
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("sandbox handler failed")
        return problem(500, "Internal Server Error", "The sandbox failed; see its log.")


def _json_conditional(payload: Any, cache_control: str = "no-cache") -> BaseResponse:
    """JSON with a strong ETag; answers 304 to a matching If-None-Match."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = cache_control
    return response.make_conditional(request)


def _register_desktop_release(app: Flask) -> None:
    """The newest Companion (companion.sync.update_check): this one, unless a test or a
    demonstration sets another in app.extensions["companion"]["desktop_release"]."""
    from companion import __version__

    app.extensions["companion"]["desktop_release"] = {
        "version": __version__,
        "size_bytes": 0,
        "url": "",
    }

    @app.get("/v1/desktop/latest")
    def desktop_latest() -> BaseResponse:
        release = app.extensions["companion"]["desktop_release"]
        return _json_conditional(release, cache_control="max-age=3600")


def _register_catalog(app: Flask, content: Content) -> None:
    @app.get("/v1/catalog")
    def catalog() -> BaseResponse:
        return _json_conditional({"courses": content.catalog()})

    @app.get("/v1/courses/<course_id>/manifest")
    def manifest(course_id: str) -> BaseResponse:
        course = content.courses.get(course_id)
        if course is None:
            raise NotFound(f"No course with id {course_id!r}.")
        return _json_conditional(course.manifest)

    @app.get("/v1/assets/<sha256>")
    def asset(sha256: str) -> Response:
        path = content.asset_path(sha256)
        if path is None:
            raise NotFound("No asset with this digest.")
        media_type = content.media_type(sha256)
        response = send_file(
            path,
            mimetype=media_type,
            conditional=True,
            etag=sha256,
            max_age=ONE_YEAR,
            last_modified=None,
        )
        response.cache_control.public = True
        response.cache_control.immutable = True
        response.cache_control.max_age = ONE_YEAR
        response.headers["Accept-Ranges"] = "bytes"
        return response


def _register_me(
    app: Flask,
    content: Content,
    learners: Learners,
    provider: ProviderState,
    statements: StatementStore,
) -> None:
    def current_learner() -> dict[str, Any]:
        return _current_learner(provider)

    @app.before_request
    def xapi_version() -> Response | None:
        """xAPI: a request without a 1.0.x version header is refused, as real stores do."""
        if not request.path.startswith("/v1/xapi/"):
            return None
        if not request.headers.get("X-Experience-API-Version", "").startswith("1.0."):
            return problem(400, "Bad Request", "X-Experience-API-Version 1.0.x is required.")
        return None

    @app.after_request
    def xapi_version_answer(response: Response) -> Response:
        if request.path.startswith("/v1/xapi/"):
            response.headers["X-Experience-API-Version"] = "1.0.3"
        return response

    @app.post("/v1/xapi/statements")
    def post_statements() -> Response | tuple[Response, int]:
        learner = current_learner()
        body = request.get_json(silent=True)
        batch: list[Any] = body if isinstance(body, list) else [body]
        reasons = {i: problem_with(s, learner["id"]) for i, s in enumerate(batch)}
        refused = {i: reason for i, reason in reasons.items() if reason}
        if refused:  # xAPI: one bad statement refuses the whole batch
            return problem(
                400,
                "Bad Request",
                "Some statements are not valid xAPI.",
                invalid=[{"index": i, "reason": r} for i, r in refused.items()],
            )
        try:
            ids = statements.save(learner["id"], batch)
            g.stored_for = learner  # for the certificate check after the request
        except Conflict as conflict:
            return problem(
                409, "Conflict", f"Statement {conflict} was already stored with other content."
            )
        if not ids:
            return Response(status=204)  # every statement was already stored
        return jsonify(ids), 200

    @app.get("/v1/xapi/statements")
    def get_statements() -> Response | tuple[Response, int]:
        learner = current_learner()
        try:
            query = xapi_query(request.args)
        except ValueError as error:
            return problem(400, "Bad Request", str(error))
        consistent = statements.consistent_through()  # read before the query
        found, following = statements.query(learner["id"], *query)
        more = ""
        if following is not None:
            more = "/v1/xapi/statements?" + urlencode({**request.args, "from": following})
        answer = jsonify({"statements": found, "more": more})
        answer.headers["X-Experience-API-Consistent-Through"] = consistent
        return answer

    @app.post("/v1/me/entitlements/activate")
    def activate() -> Response:
        learner = current_learner()
        body = request.get_json(silent=True)
        job_seeker_id = body.get("job_seeker_id") if isinstance(body, dict) else None
        if not isinstance(job_seeker_id, str):
            return problem(400, "Bad Request", "Send a JSON object with a job_seeker_id string.")
        status, detail = learners.activate(learner, job_seeker_id)
        if status != 200:
            title = "Conflict" if status == 409 else "Unprocessable Content"
            return problem(status, title, detail)
        return jsonify({k: learner[k] for k in ("id", "name", "email", "entitlements")})

    @app.get("/v1/me")
    def me() -> Response:
        learner = current_learner()
        profile = {k: learner[k] for k in ("id", "name", "email", "entitlements")}
        # Where progress goes: another learning record store when one is set (a test's
        # Ralph), else this platform's own statements resource.
        profile["xapi_endpoint"] = app.config.get("XAPI_ENDPOINT") or (
            request.host_url + "v1/xapi/"
        )
        return jsonify(profile)

    @app.get("/v1/me/enrollments")
    def enrollments() -> Response:
        learner = current_learner()
        return jsonify({"enrollments": [{"course_id": c} for c in learner["enrollments"]]})

    @app.post("/v1/me/enrollments")
    def enroll() -> Response | tuple[Response, int]:
        learner = current_learner()
        body = request.get_json(silent=True)
        course_id = body.get("course_id") if isinstance(body, dict) else None
        if not isinstance(course_id, str):
            return problem(400, "Bad Request", "Send a JSON object with a course_id string.")
        if course_id not in content.courses:
            raise NotFound(f"No course with id {course_id!r}.")
        created = learners.enroll(learner, course_id)
        return jsonify({"course_id": course_id}), 201 if created else 200


def _current_learner(provider: ProviderState) -> dict[str, Any]:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    token = provider.token_for_access(value) if scheme.lower() == "bearer" else None
    if token is None or token.is_revoked() or token.is_expired():
        raise Unauthorized("A valid bearer token is required.")
    learner: dict[str, Any] = token.user
    return learner


def _register_certificates(
    app: Flask, provider: ProviderState, statements: StatementStore, certificates: Certificates
) -> None:
    @app.after_request
    def award(response: Response) -> Response:
        # After statements are stored: a completed course earns its certificate. The
        # learner is the one the request was authorised for, not looked up again (the
        # token may have expired meanwhile: that once turned a stored batch into a 500).
        learner = g.get("stored_for")
        if learner is not None:
            certificates.award(learner, statements, request.host_url.rstrip("/"))
        return response

    @app.get("/v1/me/certificates")
    def list_certificates() -> Response:
        learner = _current_learner(provider)
        found = sorted(certificates.of(learner["id"]), key=lambda c: c.issued_at)
        return jsonify({"certificates": [c.summary() for c in found]})

    def issued(certificate_id: str) -> Issued:
        made = certificates.find(_current_learner(provider)["id"], certificate_id)
        if made is None:
            raise NotFound(f"No certificate {certificate_id!r} for this learner.")
        return made

    @app.get("/v1/me/certificates/<certificate_id>.pdf")
    def certificate_pdf(certificate_id: str) -> Response:
        pdf = issued(certificate_id).pdf(request.host_url.rstrip("/"))
        return Response(pdf, mimetype="application/pdf")

    @app.get("/v1/me/certificates/<certificate_id>")
    def certificate(certificate_id: str) -> Response:
        return Response(issued(certificate_id).credential, mimetype="application/vc+jwt")


def _register_admin(app: Flask, faults: Faults, traffic: Traffic) -> None:
    """Fault switches and traffic counts for tests and benchmarks that drive a sandbox in
    another process (not in v1)."""

    @app.get("/_sandbox/traffic")
    def get_traffic() -> Response:
        return jsonify(traffic.as_dict())

    @app.delete("/_sandbox/traffic")
    def reset_traffic() -> Response:
        traffic.reset()
        return jsonify(traffic.as_dict())

    @app.get("/_sandbox/faults")
    def get_faults() -> Response:
        return jsonify(faults.as_dict())

    @app.put("/_sandbox/faults")
    def put_faults() -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return problem(400, "Bad Request", "Send the fault plan as a JSON object.")
        try:
            faults.set(plan_from_json(body))
        except (TypeError, ValueError) as error:
            return problem(400, "Bad Request", str(error))
        return jsonify(faults.as_dict())

    @app.delete("/_sandbox/faults")
    def delete_faults() -> Response:
        faults.clear()
        return jsonify(faults.as_dict())
