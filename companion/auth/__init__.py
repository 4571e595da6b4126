"""Sign-in: OpenID Connect flows and the credential vault (later issue)."""
