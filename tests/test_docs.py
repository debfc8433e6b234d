"""The README's rule table against the code: every rule kind the code
registers has its row, naming every parameter it takes, and no row names a
kind the code does not know. (``roster rules`` prints the catalogue from the
code itself.)"""

from __future__ import annotations

import re
from pathlib import Path

from roster.catalogue import catalogue

README = Path(__file__).parents[1] / "README.md"


def _rule_rows() -> dict[str, str]:
    """kind -> the rest of its row, from the table headed 'kind | parameters'."""
    lines = README.read_text().splitlines()
    start = lines.index("| kind | parameters | unit of violation |")
    rows = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        kind = re.match(r"\| `([a-z_]+)` \|", line)
        assert kind is not None, line
        rows[kind.group(1)] = line
    return rows


def test_every_rule_kind_is_documented_with_every_parameter() -> None:
    rows = _rule_rows()
    kinds = {k.kind: k for k in catalogue().kinds}
    assert set(rows) == set(kinds)
    for name, kind in kinds.items():
        missing = [p.name for p in kind.parameters if f"`{p.name}" not in rows[name]]
        assert missing == [], f"README's row for {name} leaves out {missing}"
