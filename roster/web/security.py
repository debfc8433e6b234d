"""Guards every request passes: a page of another site may not change
anything (``cross_site``), every form carries the session's CSRF token
(``csrf_guard``), and with a password set, the password.

The session is a random id in an HTTP-only, same-site cookie; the CSRF token
a form sends back is an HMAC of that id under the server's secret, so a page
elsewhere can neither read nor forge it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from roster.web.access import matches

#: methods that change something: refused when another site's page sends them
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_COOKIE = "roster_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def cross_site(method: str, headers: Mapping[str, str]) -> bool:
    """Whether a request that changes something comes from another site's
    page (a form or script there aimed at this server: even on 127.0.0.1 a
    page in the manager's browser could start solves or publish). Browsers
    say where a request comes from (``Sec-Fetch-Site``, ``Origin``,
    ``Referer``); a request that says nothing (curl, a script) is not a
    browser's cross-site request."""
    if method.upper() not in UNSAFE:
        return False
    fetch = headers.get("sec-fetch-site")
    if fetch is not None:
        return fetch not in ("same-origin", "none")
    host = headers.get("host", "")
    source = headers.get("origin") or headers.get("referer")
    if not source or source == "null":
        return source == "null"  # an opaque origin (a sandboxed page, a data: URL)
    return urlsplit(source).netloc != host


def csrf_token(secret: bytes, session: str) -> str:
    """The CSRF token of session ``session``."""
    return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()


class SameOrigin(BaseHTTPMiddleware):
    """Refuses ``cross_site`` requests with 403 before any handler runs."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if cross_site(request.method, request.headers):
            return Response("refused: a request from another site's page", status_code=403)
        return await call_next(request)


class Sessions(BaseHTTPMiddleware):
    """Gives every browser a session id (cookie) and each request its CSRF
    token (``request.state.csrf``), which pages put in their forms."""

    def __init__(self, app: Any, secret: bytes) -> None:
        super().__init__(app)
        self.secret = secret

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        session = request.cookies.get(SESSION_COOKIE, "")
        fresh = len(session) != 43 or not session.replace("-", "").replace("_", "").isalnum()
        if fresh:
            session = secrets.token_urlsafe(32)
        request.state.session = session
        request.state.csrf = csrf_token(self.secret, session)
        response = await call_next(request)
        if fresh:
            response.set_cookie(
                SESSION_COOKIE, session, httponly=True, samesite="strict",
                secure=request.url.scheme == "https", path="/",
            )  # fmt: skip
        return response


async def csrf_guard(request: Request) -> None:
    """A request that changes something must carry the session's CSRF token
    (form field ``csrf_token`` or header ``X-CSRF-Token``); else 403."""
    if request.method.upper() not in UNSAFE:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("multipart/form-data", "application/x-www-form-urlencoded")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = getattr(request.state, "csrf", "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise HTTPException(
            403,
            "refused: this form is out of date or came from another page "
            "(its security token is missing or wrong); reload the page and try again",
        )


class PasswordGate(BaseHTTPMiddleware):
    """HTTP Basic authentication against the stored password hash (any user
    name), for a server reachable from other machines."""

    def __init__(self, app: Any, stored: str) -> None:
        super().__init__(app)
        self.stored = stored
        self.accepted: set[str] = set()

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        header = request.headers.get("authorization", "")
        if header in self.accepted or self._valid(header):
            self.accepted.add(header)
            return await call_next(request)
        return Response(
            "the roster server needs its password",
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="roster", charset="UTF-8"'},
        )

    def _valid(self, header: str) -> bool:
        kind, _, token = header.partition(" ")
        if kind.lower() != "basic" or not token:
            return False
        try:
            _user, _, password = base64.b64decode(token).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return matches(password, self.stored)


def install_guards(app: FastAPI, *, secret: bytes, password_hash: str | None) -> None:
    """Add the guards to ``app``. Middleware added last runs first: the
    cross-site refusal, then the password, then the session."""
    app.add_middleware(Sessions, secret=secret)
    if password_hash is not None:
        app.add_middleware(PasswordGate, stored=password_hash)
    app.add_middleware(SameOrigin)
