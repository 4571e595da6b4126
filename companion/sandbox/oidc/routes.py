"""The provider's addresses: discovery, keys, userinfo, the login and consent pages, the
token, device and revocation endpoints, and the page where a device code is entered."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from authlib.integrations.flask_oauth2 import AuthorizationServer
from flask import Flask, Response, jsonify, redirect, request, session

from companion.sandbox import pages, signing
from companion.sandbox.learners import Learners
from companion.sandbox.oidc.grants import request_issuer, user_info
from companion.sandbox.oidc.models import DEVICE_GRANT, SCOPES, ProviderState


def discovery_document(issuer: str, state: ProviderState | None = None) -> dict[str, Any]:
    strict = state is not None and state.strict
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/oauth/authorize",
        "token_endpoint": f"{issuer}/oauth/token",
        "device_authorization_endpoint": f"{issuer}/oauth/device_authorization",
        "revocation_endpoint": f"{issuer}/oauth/revoke",
        "userinfo_endpoint": f"{issuer}/oauth/userinfo",
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "authorization_response_iss_parameter_supported": strict,
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(signing.ID_TOKEN_ALGORITHMS),
        "prompt_values_supported": ["none", "login", "consent"],
        "scopes_supported": list(SCOPES),
        "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_GRANT],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
    }


def add_routes(
    app: Flask, server: AuthorizationServer, learners: Learners, state: ProviderState
) -> None:
    @app.get("/.well-known/openid-configuration")
    def openid_configuration() -> Any:
        return {**discovery_document(request_issuer(), state), **state.discovery_overrides}

    @app.get("/.well-known/jwks.json")
    def jwks() -> Any:
        return state.jwks()

    @app.get("/oauth/userinfo")
    def userinfo() -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        token = state.token_for_access(value) if scheme.lower() == "bearer" else None
        if token is None or token.is_revoked() or token.is_expired():
            answer = Response(status=401)
            answer.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return answer
        return jsonify(dict(user_info(token.user, token.scope)))

    @app.route("/oauth/login", methods=["GET", "POST"])
    def login() -> Any:
        target = request.values.get("next", "/")
        if not target.startswith("/oauth/") and not target.startswith("/device"):
            target = "/"
        error = ""
        if request.method == "POST":
            learner = learners.check_password(
                request.form.get("username", ""), request.form.get("password", "")
            )
            if learner is not None:
                session["login"] = learner["login"]
                return redirect(target)
            error = "Identifiant ou mot de passe incorrect."
        return Response(pages.login(target, error), mimetype="text/html")

    def signed_in() -> dict[str, Any] | None:
        return learners.records.get(session.get("login", ""))

    @app.route("/oauth/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        learner = signed_in()
        if learner is None:
            return redirect("/oauth/login?next=" + _quoted(request.full_path))
        try:
            grant = server.get_consent_grant(end_user=learner)
        except Exception as error:  # an invalid request: shown, never redirected
            return Response(pages.error(str(error)), status=400, mimetype="text/html")
        if request.method == "GET":
            return Response(
                pages.consent(learner, grant.request.payload.scope or ""), mimetype="text/html"
            )
        approved = request.form.get("decision") == "allow"
        return server.create_authorization_response(
            grant_user=learner if approved else None, grant=grant
        )

    @app.post("/oauth/token")
    def token() -> Any:
        target = state.token_redirect  # a hijacked or misconfigured front: the body follows
        if target and not target.startswith(request_issuer() + "/"):
            return redirect(target, code=307)
        return server.create_token_response()

    @app.post("/oauth/device_authorization")
    def device_authorization() -> Any:
        return server.create_endpoint_response("device_authorization")

    @app.post("/oauth/revoke")
    def revoke() -> Any:
        return server.create_endpoint_response("revocation")

    @app.route("/device", methods=["GET", "POST"])
    def device() -> Any:
        learner = signed_in()
        if learner is None:
            return redirect("/oauth/login?next=" + _quoted(request.full_path))
        user_code = request.values.get("user_code", "").strip().upper()
        if request.method == "GET":
            return Response(pages.device(user_code, ""), mimetype="text/html")
        known = any(
            c["user_code"] == user_code and not c.is_expired() for c in state.device_codes.values()
        )
        if not known:
            return Response(
                pages.device(user_code, "Code inconnu ou expiré."), status=400, mimetype="text/html"
            )
        approved = request.form.get("decision") == "allow"
        state.device_grants[user_code] = (learner, approved)
        return Response(pages.device_done(approved), mimetype="text/html")


def _quoted(path: str) -> str:
    return quote(path, safe="")
