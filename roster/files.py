"""Writing one file safely: atomically (written beside its target, then
renamed over it, so a crash or Ctrl-C never leaves half a file) and, for
tables, safe to open in a spreadsheet (no cell runs as a formula)."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from roster.load import dump_yaml


def atomic_write(path: Path, write: Callable[[Any], None], mode: str = "w") -> None:
    """Call ``write(fh)`` on a temporary file beside ``path``, then rename it
    over ``path``: readers see the old file or the whole new one. Every file
    the product writes goes through here."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        text = "b" not in mode
        with os.fdopen(
            fd, mode, encoding="utf-8" if text else None, newline="" if text else None
        ) as fh:
            os.fchmod(
                fh.fileno(), 0o666 & ~current_umask()
            )  # mkstemp makes 0600: use the usual mode
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: what a spreadsheet reads as the start of a formula (OWASP "CSV injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (a name such as
    ``=HYPERLINK(...)``), prefixed with ``'`` so it shows as text; numbers,
    negative ones included, are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_table(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell (and the index and header) passed
    through ``safe_cell``."""
    out = df.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    if not pd.api.types.is_numeric_dtype(out.index):
        out.index = out.index.map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out


def write_table(path: Path, df: pd.DataFrame, index: bool = False) -> None:
    """A CSV the product writes, atomically and safe to open in a
    spreadsheet (every CSV goes through here)."""
    safe = safe_table(df)
    atomic_write(path, lambda fh: safe.to_csv(fh, index=index))


def write_scenario(data: dict[str, Any], path: Path) -> None:
    """Scenario data as a file ``load_scenario`` reads back: JSON for a
    ``.json`` path, YAML otherwise (written by ``import`` and the unit generator)."""
    if path.suffix == ".json":
        write_json(path, data)
    else:
        atomic_write(path, lambda fh: dump_yaml(data, fh))


def write_json(path: Path, data: Any) -> None:
    """A JSON file, atomically (dates and other values as text)."""
    atomic_write(path, lambda fh: json.dump(data, fh, indent=1, default=str))


def current_umask() -> int:
    """The process's umask (reading it means setting it: set back at once),
    so files and folders get the modes the user's settings give."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
