"""Who may reach ``roster serve``: it binds to loopback by default and
refuses any other address until a password is set.

The password is kept as a salted scrypt hash (standard library only) in a
file beside the SQLite database (``roster.db`` -> ``roster.db.password``;
for a database that is no file, e.g. PostgreSQL, in the default data
folder), readable by its owner only (0600). The store has no settings
table; keeping the hash out of the database means a copied database carries
no credential.

Beside it, two more owner-only files: ``.secret``, the random key that signs
sessions (so a restart signs nobody out), and ``.links``, each staff
member's private read-only link (``StaffLinks``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import threading
from pathlib import Path

from sqlalchemy import URL, make_url

from roster.store import database_url, default_path

#: scrypt's cost parameters (about 16 MB and 50 ms a check)
_N, _R, _P = 2**14, 8, 1
#: shortest password accepted
MIN_LENGTH = 8
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def password_path(url: str | None = None) -> Path:
    """Where the password hash for the database at ``url`` is kept."""
    return _beside(url, "password")


def secret_path(url: str | None = None) -> Path:
    """Where the key signing the sessions of the database at ``url`` is kept."""
    return _beside(url, "secret")


def links_path(url: str | None = None) -> Path | None:
    """Where the staff links of the database at ``url`` are kept; None for
    an in-memory database (its links die with it). A database that is no
    file has its own file in the default data folder, named after its URL,
    so a link made for one database never opens another's unit."""
    parsed = make_url(database_url(url))
    if parsed.get_backend_name() != "sqlite":
        p = parsed  # the database's address; a password can change
        where = URL.create(p.drivername, p.username, None, p.host, p.port, p.database, p.query)
        name = hashlib.sha256(where.render_as_string().encode()).hexdigest()
        return default_path().parent / f"serve-{name[:16]}.links"
    if parsed.database in (None, "", ":memory:"):
        return None
    return _beside(url, "links")


def _beside(url: str | None, kind: str) -> Path:
    """``roster.db`` -> ``roster.db.<kind>``; a database that is no file
    keeps ``serve.<kind>`` in the default data folder."""
    parsed = make_url(database_url(url))
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        db = Path(parsed.database).expanduser()
        return db.with_name(f"{db.name}.{kind}")
    return default_path().parent / f"serve.{kind}"


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
    return write_private(password_path(url), hash_password(password) + "\n")


def write_private(path: Path, text: str) -> Path:
    """Write ``text`` to ``path``, readable by its owner only (0600), whole
    or not at all (a staging file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
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


def server_secret(url: str | None = None) -> bytes:
    """The key that signs sessions and forms for the database at ``url``:
    made at random on first use and kept (0600), so signed-in browsers stay
    signed in across restarts."""
    path = secret_path(url)
    try:
        return bytes.fromhex(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        write_private(path, secrets.token_hex(32) + "\n")
        return bytes.fromhex(path.read_text().strip())


class StaffLinks:
    """Each staff member's private link: a random token (192 bits) standing
    for (unit, staff id), made on first use, replaced on reset (the old
    link then stops working). Kept in a JSON file (0600) beside the
    database, or in memory when ``path`` is None. The token itself is the
    credential; the file holds no scenario data."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._memory: dict[str, tuple[int, str]] = {}

    def token(self, unit_id: int, staff_id: str) -> str:
        """The person's token, made now if they have none."""
        with self._lock:
            links = self._read()
            for token, who in links.items():
                if who == (unit_id, staff_id):
                    return token
            return self._add(links, unit_id, staff_id)

    def reset(self, unit_id: int, staff_id: str) -> str:
        """A new token for the person; their old one stops working."""
        with self._lock:
            links = {t: who for t, who in self._read().items() if who != (unit_id, staff_id)}
            return self._add(links, unit_id, staff_id)

    def find(self, token: str) -> tuple[int, str] | None:
        """Whose token ``token`` is (unit id, staff id), if anyone's
        (compared in constant time, so timing tells nothing of the tokens)."""
        with self._lock:
            links = self._read()
        given = token.encode()
        for known, who in links.items():
            if hmac.compare_digest(known.encode(), given):
                return who
        return None

    def _add(self, links: dict[str, tuple[int, str]], unit_id: int, staff_id: str) -> str:
        token = secrets.token_urlsafe(24)
        links[token] = (unit_id, staff_id)
        if self.path is None:
            self._memory = links
        else:
            text = json.dumps({t: list(who) for t, who in links.items()}, indent=1, sort_keys=True)
            write_private(self.path, text + "\n")
        return token

    def _read(self) -> dict[str, tuple[int, str]]:
        if self.path is None:
            return dict(self._memory)
        try:
            stored = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        return {t: (int(unit), str(staff)) for t, (unit, staff) in stored.items()}
