"""Who may reach ``roster serve``: it binds to loopback by default and
refuses any other address until a password is set.

The password is kept as a salted scrypt hash (standard library only) in a
file beside the SQLite database (``roster.db`` -> ``roster.db.password``;
for a database that is no file, e.g. PostgreSQL, in the default data
folder), readable by its owner only (0600). The store has no settings
table; keeping the hash out of the database means a copied database carries
no credential.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from pathlib import Path

from sqlalchemy import make_url

from roster.store import database_url, default_path

#: scrypt's cost parameters (about 16 MB and 50 ms a check)
_N, _R, _P = 2**14, 8, 1
#: shortest password accepted
MIN_LENGTH = 8
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def password_path(url: str | None = None) -> Path:
    """Where the password hash for the database at ``url`` is kept."""
    parsed = make_url(database_url(url))
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        db = Path(parsed.database).expanduser()
        return db.with_name(db.name + ".password")
    return default_path().parent / "serve.password"


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``password`` as stored: ``scrypt$N$r$p$salt$hash`` (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def matches(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` (a ``hash_password`` text) hashes."""
    try:
        kind, n, r, p, salt, digest = stored.strip().split("$")
        if kind != "scrypt":
            return False
        found = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(found.hex(), digest)


def set_password(password: str, url: str | None = None) -> Path:
    """Store ``password``'s hash for the database at ``url`` (owner-only
    file, written whole or not at all); returns the file."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    path = password_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(hash_password(password) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(staging, 0o600)
        os.replace(staging, path)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return path


def stored_password(url: str | None = None) -> str | None:
    """The stored hash for the database at ``url``, if a password was set."""
    path = password_path(url)
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    return text or None


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_problem(host: str, url: str | None = None) -> str | None:
    """Why the server may not listen on ``host`` (None: it may): any address
    but loopback needs a password set with ``roster serve --set-password``."""
    if is_loopback(host) or stored_password(url) is not None:
        return None
    return (
        f"--host {host}: other machines could reach the unit's data there, and no password "
        f"is set; set one first with 'roster serve --set-password' (kept in "
        f"{password_path(url)}), or leave --host out to serve this machine only (127.0.0.1)"
    )
