"""The sandbox's OpenID provider, built on Authlib's authorization server.

Authorization code with PKCE (S256 required) and a loopback redirect on any port (RFC 8252),
refresh tokens rotated at each use, the device authorization grant (RFC 8628), token
revocation (RFC 7009), discovery, JWKS and userinfo. ID tokens are signed RS256, ES256 or
EdDSA with keys made at start. Pages: login, consent, and the device-code entry page. State
lives in memory.

Strict mode (``ProviderState.strict``) behaves like the certified providers learners meet:
``offline_access`` only with ``prompt=consent`` (OpenID Connect Core 11), the ``iss``
authorization response parameter (RFC 9207), no ``interval`` in the device answer unless a
test sets one, and profile claims from userinfo rather than in the ID token (Core 5.4). A
refresh asking for more than was granted is refused with ``invalid_scope`` in both modes.

models.py holds what the provider remembers (``ProviderState``, codes, tokens as hashes);
grants.py the grants and endpoints over Authlib's; routes.py its addresses and pages.
"""

from __future__ import annotations

import secrets

from authlib.integrations.flask_oauth2 import AuthorizationServer
from flask import Flask

from companion.sandbox.learners import Learners
from companion.sandbox.oidc.grants import authorization_server, user_info
from companion.sandbox.oidc.models import (
    CLIENT_ID,
    DEVICE_GRANT,
    SCOPES,
    AuthorizationCode,
    Client,
    ProviderState,
    Token,
    token_hash,
)
from companion.sandbox.oidc.routes import add_routes, discovery_document

__all__ = [
    "CLIENT_ID",
    "DEVICE_GRANT",
    "SCOPES",
    "AuthorizationCode",
    "Client",
    "ProviderState",
    "Token",
    "discovery_document",
    "register",
    "token_hash",
    "user_info",
]


def register(app: Flask, learners: Learners, state: ProviderState) -> AuthorizationServer:
    """The provider on ``app``: its grants and endpoints, and the pages learners see."""
    app.secret_key = secrets.token_bytes(32)
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True
    server = authorization_server(app, state)
    add_routes(app, server, learners, state)
    return server
