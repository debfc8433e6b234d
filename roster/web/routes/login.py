"""Signing in with the server's password, and out. Without a password (the
server is this machine's only) there is nothing to sign in to, and both
pages send the browser on."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from roster.web.access import matches
from roster.web.pages import page
from roster.web.security import guard_of, safe_next, sign_in, sign_out

#: longer "passwords" are not hashed (scrypt of megabytes would tie up the server)
MAX_PASSWORD = 1024

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, target: Annotated[str, Query(alias="next")] = "/") -> Response:
    """The sign-in form; a browser already signed in goes on to ``next``."""
    if guard_of(request).password_hash is None or request.state.signed_in:
        return RedirectResponse(safe_next(target), status_code=303)
    return page(request, "login.html.j2", target=safe_next(target), problems=[])


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    password: Annotated[str, Form()] = "",
    target: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Check the password; right: a new signed-in session, on to ``next``.
    Wrong: say only that, and count it against the client's address."""
    guard, target = guard_of(request), safe_next(target)
    if guard.password_hash is None:
        return RedirectResponse(target, status_code=303)
    address = request.client.host if request.client else "unknown"
    now = guard.clock()
    wait = guard.attempts.wait(address, now)
    if wait > 0:
        minutes = math.ceil(wait / 60)
        return page(
            request, "login.html.j2", 429, target=target,
            problems=[f"Too many wrong passwords: wait {minutes} minute(s), then try again."],
        )  # fmt: skip
    guard.attempts.attempt(address, now)
    right = len(password) <= MAX_PASSWORD and await run_in_threadpool(
        matches, password, guard.password_hash
    )
    if not right:
        return page(request, "login.html.j2", 401, target=target, problems=["Wrong password."])
    guard.attempts.succeeded(address)
    sign_in(request)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    """End the session; back to the sign-in page."""
    sign_out(request)
    to = "/" if guard_of(request).password_hash is None else "/login"
    return RedirectResponse(to, status_code=303)
