"""Security headers on every response and cookies that are Secure over HTTPS."""

from flask import request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (or config says so)."""

    def get_cookie_secure(self, app) -> bool:
        configured = app.config["SESSION_COOKIE_SECURE"]
        return request.is_secure if configured is None else bool(configured)


def init_security(app) -> None:
    app.session_interface = SessionInterface()

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":  # pages, downloads, feeds: personal, never cached
            headers.setdefault("Cache-Control", "no-store")
        return response
