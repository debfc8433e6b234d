"""``roster serve``: the unit manager's workbench in a browser (the web
extra). A thin layer: open the store, mark runs a killed server left as
interrupted, check the address may be served, run uvicorn on the app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from roster.cli.common import EXIT_BAD_INPUT, err, main, out, say

WEB_EXTRA = "roster serve needs the web extra: pip install 'roster[web]'"


def refuse_host(problem: str | None) -> None:
    """Exit 2 saying why, when the address may not be served (``problem``:
    ``roster.web.access.host_problem``'s answer); return when it may."""
    if problem is not None:
        say(err, problem)
        raise SystemExit(EXIT_BAD_INPUT)


def ask_password(store_hash: Callable[[str], Path]) -> None:
    """Read the password twice from the terminal (hidden) and store its hash
    with ``store_hash`` (``roster.web.access.set_password`` for the database)."""
    password = click.prompt(
        "New password for roster serve", hide_input=True, confirmation_prompt=True
    )
    try:
        path = store_hash(password)
    except ValueError as exc:
        say(err, f"password: {exc}")
        raise SystemExit(EXIT_BAD_INPUT) from None
    say(out, f"password set (a salted scrypt hash in {path}, readable by you only)")


@main.command()
@click.option(
    "--db",
    "url",
    default=None,
    metavar="URL",
    help="SQLAlchemy database URL [default: ~/.local/share/roster/roster.db].",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; any but loopback needs a password (--set-password).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--solves",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Solves running at once; more wait in a queue (one solve already uses every core).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Solve on this Dask cluster (tcp://host:port) instead of this machine; the "
    "scenarios go to it. Needs roster[distributed].",
)
@click.option(
    "--set-password",
    "set_pw",
    is_flag=True,
    help="Set the password (8 characters or more) other machines must give, then exit.",
)
def serve(
    url: str | None, host: str, port: int, solves: int, scheduler: str | None, set_pw: bool
) -> None:
    """Serve the web app: units, solving with live progress, rosters."""
    try:  # the web extra is optional: the rest of the command line runs without it
        import uvicorn

        from roster.store import open_store
        from roster.web.access import host_problem, server_secret, set_password, stored_password
        from roster.web.app import create_app
    except ImportError:
        say(err, WEB_EXTRA)
        raise SystemExit(EXIT_BAD_INPUT) from None
    if set_pw:
        ask_password(lambda password: set_password(password, url))
        return
    refuse_host(host_problem(host, url))
    store = open_store(url)
    interrupted = store.mark_interrupted()
    if interrupted:
        say(err, f"marked {len(interrupted)} run(s) a stopped server left as interrupted")
    password = stored_password(url)  # with one, a kept secret: a restart signs nobody out
    secret = server_secret(url) if password is not None else None
    app = create_app(
        store, password_hash=password, secret=secret, max_solves=solves, scheduler=scheduler
    )
    say(out, f"roster serve: http://{host}:{port}/ (Ctrl-C stops)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()
