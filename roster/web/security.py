"""Guards every request passes: a page of another site may not change
anything (``cross_site``), every form carries the session's CSRF token
(``csrf_guard``), and with a password set, a signed-in session.

The session is a random id in an HTTP-only, same-site cookie; the CSRF token
a form sends back is an HMAC of that id under the server's secret, so a page
elsewhere can neither read nor forge it. Signing in (``routes/login.py``)
gives the browser a new session id (so an id planted before cannot be
ridden) whose cookie also carries when it was last used and an HMAC over
both and the password hash: no server-side table, so a restart signs nobody
out (with the secret kept in a file, ``access.server_secret``), while a
session idle for ``IDLE`` seconds, or from before a password change, is
not signed in. Wrong passwords lock the client's address out for a while.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import RedirectResponse, Response

#: methods that change something: refused when another site's page sends them
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_COOKIE = "roster_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
#: the most fields a form may send (a big unit's leave or requests form has
#: thousands; Starlette's default is 1,000)
MAX_FORM_FIELDS = 50_000
#: a signed-in session unused this long (seconds) must sign in again
IDLE = 12 * 3600
#: how often (seconds) a signed-in session's cookie is renewed as it is used
RENEW = 60
#: wrong passwords from one address within ``WINDOW`` seconds before it is
#: locked out for ``LOCKOUT`` seconds after the latest
LOCK_AFTER, WINDOW, LOCKOUT = 5, 15 * 60, 5 * 60
#: served without signing in: the sign-in page itself, static files, and
#: the staff's read-only links (their token is their credential)
PUBLIC_PATHS = frozenset({"/login", "/logout"})
PUBLIC_PREFIXES = ("/static/", "/me/")
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")


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


class Attempts:
    """Wrong passwords by client address, to slow guessing: an address with
    ``LOCK_AFTER`` attempts in ``WINDOW`` waits ``LOCKOUT`` after the latest.
    An attempt counts before its password is checked, so many sent at once
    gain nothing; a right password clears the address's count."""

    def __init__(self) -> None:
        self._tries: dict[str, list[float]] = {}

    def wait(self, address: str, now: float) -> float:
        """Seconds ``address`` must wait before it may try again (0: none)."""
        recent = [t for t in self._tries.get(address, []) if now - t < WINDOW]
        if len(recent) < LOCK_AFTER:
            return 0.0
        return max(0.0, recent[-1] + LOCKOUT - now)

    def attempt(self, address: str, now: float) -> None:
        """Count an attempt from ``address`` (forgetting ones out of the window)."""
        self._tries = {a: [t for t in ts if now - t < WINDOW] for a, ts in self._tries.items()}
        self._tries = {a: ts for a, ts in self._tries.items() if ts}
        self._tries.setdefault(address, []).append(now)

    def succeeded(self, address: str) -> None:
        """The right password from ``address``: its count starts again."""
        self._tries.pop(address, None)


@dataclass
class Guard:
    """What the guards share with the sign-in page: the server's secret, the
    password hash (None: no sign-in, the server is this machine's only), the
    clock (tests move it), the wrong-password counts, and the sessions
    signed out before their cookie expires."""

    secret: bytes
    password_hash: str | None
    clock: Callable[[], float] = time.time
    attempts: Attempts = field(default_factory=Attempts)
    signed_out: dict[str, float] = field(default_factory=dict)

    def signed_cookie(self, session: str, seen: int) -> str:
        """The cookie of signed-in session ``session`` last used at ``seen``."""
        text = f"signed-in|{session}|{seen}|{self.password_hash}"
        mac = hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest()
        return f"{session}.{seen}.{mac}"

    def read(self, cookie: str, now: int) -> tuple[str, int | None] | None:
        """The session id a cookie names and, if it is signed in (its HMAC
        right, used within ``IDLE``, not signed out), when it was last used;
        None for a cookie that is not one of ours."""
        session, _, rest = cookie.partition(".")
        if not _SESSION_ID.fullmatch(session):
            return None
        seen_text = rest.partition(".")[0]
        if self.password_hash is None or not seen_text.isdigit() or session in self.signed_out:
            return session, None
        seen = int(seen_text)
        valid = hmac.compare_digest(cookie, self.signed_cookie(session, seen))
        return session, seen if valid and -RENEW <= now - seen <= IDLE else None

    def forget(self, session: str, now: float) -> None:
        """Session ``session`` signed out: its cookie is no longer signed in,
        even if a copy of it is sent (kept until it would have expired)."""
        self.signed_out = {s: t for s, t in self.signed_out.items() if now - t <= IDLE}
        self.signed_out[session] = now


def guard_of(request: Request) -> Guard:
    """The app's ``Guard``."""
    guard: Guard = request.app.state.guard
    return guard


def sign_in(request: Request) -> None:
    """Mark the request's browser signed in: its response carries a new
    session id (fixation: an id someone planted beforehand stays out)."""
    request.state.switch = "in"


def sign_out(request: Request) -> None:
    """End the request's session: its response carries a fresh one."""
    request.state.switch = "out"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, else ``/`` (a
    link ``/login?next=https://elsewhere`` must not send people away)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path in ("/login", "/logout"):
        return "/"
    return target


def new_session() -> str:
    """A random session id (256 bits)."""
    return secrets.token_urlsafe(32)


class Sessions(BaseHTTPMiddleware):
    """Gives every browser a session id (cookie) and each request its CSRF
    token (``request.state.csrf``), which pages put in their forms, and
    whether it is signed in (``request.state.signed_in``); renews a
    signed-in cookie as it is used, and switches sessions on signing in
    and out."""

    def __init__(self, app: Any, guard: Guard) -> None:
        super().__init__(app)
        self.guard = guard

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        guard, now = self.guard, int(self.guard.clock())
        found = guard.read(request.cookies.get(SESSION_COOKIE, ""), now)
        session, seen = found if found is not None else (new_session(), None)
        request.state.session, request.state.signed_in = session, seen is not None
        request.state.csrf = csrf_token(guard.secret, session)
        response = await call_next(request)
        switch = getattr(request.state, "switch", None)
        if switch == "in":
            self._set(request, response, guard.signed_cookie(new_session(), now), IDLE)
        elif switch == "out":
            guard.forget(session, now)
            self._set(request, response, new_session(), None)
        elif found is None:
            self._set(request, response, session, None)
        elif seen is not None and now - seen >= RENEW:
            self._set(request, response, guard.signed_cookie(session, now), IDLE)
        return response

    @staticmethod
    def _set(request: Request, response: Response, value: str, max_age: int | None) -> None:
        # lax, not strict: a link to the app followed from another site (an
        # e-mail, the intranet) arrives signed in; what changes something
        # is still refused from elsewhere (SameOrigin, the CSRF token)
        response.set_cookie(
            SESSION_COOKIE, value, max_age=max_age, httponly=True, samesite="lax",
            secure=request.url.scheme == "https", path="/",
        )  # fmt: skip


class SignInGate(BaseHTTPMiddleware):
    """With a password set, a browser that has not signed in is sent to the
    sign-in page (a page) or refused with 401 (anything else: forms,
    htmx's requests, live progress), except on the public paths."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if request.state.signed_in or path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return await call_next(request)
        here = path + (f"?{request.url.query}" if request.url.query else "")
        login = f"/login?next={quote(here, safe='')}"
        htmx = request.headers.get("hx-request") == "true"
        stream = "text/event-stream" in request.headers.get("accept", "")
        if request.method in ("GET", "HEAD") and not htmx and not stream:
            return RedirectResponse(login, status_code=303)
        return Response(
            "sign in first: this server needs its password",
            status_code=401,
            headers={"HX-Redirect": login},
        )


async def csrf_guard(request: Request) -> None:
    """A request that changes something must carry the session's CSRF token
    (form field ``csrf_token`` or header ``X-CSRF-Token``); else 403."""
    if request.method.upper() not in UNSAFE:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("multipart/form-data", "application/x-www-form-urlencoded")
    ):
        # the handler gets this parse (Starlette keeps it), so its limit is this one
        value = (await request.form(max_fields=MAX_FORM_FIELDS)).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = getattr(request.state, "csrf", "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise HTTPException(
            403,
            "refused: this form is out of date or came from another page "
            "(its security token is missing or wrong); reload the page and try again",
        )


def install_guards(app: FastAPI, *, secret: bytes, password_hash: str | None) -> None:
    """Add the guards to ``app`` (their state: ``app.state.guard``).
    Middleware added last runs first: the cross-site refusal, then the
    session, then (with a password) the sign-in gate."""
    guard = Guard(secret, password_hash)
    app.state.guard = guard
    if password_hash is not None:
        app.add_middleware(SignInGate)
    app.add_middleware(Sessions, guard=guard)
    app.add_middleware(SameOrigin)
