"""How quickly the workbench answers a manager (issue 20): the pages and
actions that run the library inside the request, on the ward a manager
knows and on larger generated units, through the real app (TestClient, a
SQLite store in a temporary folder). Solves run in the background and are
measured by benchmarks/engine.py; here a roster is solved once per unit
(with a short limit) and then read, changed and checked.

    python benchmarks/web.py [--repeat 5]

Prints a table: for each unit, the median seconds of
- the roster page (the grid, how good it is, every form);
- a cell's check (the htmx preview: the hard rules a change breaks and the
  penalty change);
- who can cover a shift (every person tried);
- applying a change (a new roster stored);
- the edit page (every section's form);
- importing a staff sheet of the unit's own people (the mapping step and the
  import).
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import Workbook

from roster import SolveParams, load_scenario, solve
from roster.generate import unit as generated_unit
from roster.load import read_data
from roster.store import open_store
from roster.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
UNITS: dict[str, Callable[[], dict]] = {
    "medical ward (28 x 7)": lambda: read_data(ROOT / "scenarios" / "medical-ward.yaml"),
    "generated 60 x 28": lambda: generated_unit(60, 28),
    "generated 120 x 28": lambda: generated_unit(120, 28),
}


#: the staff sheet's columns, as the mapping step is answered
HEADER = ["Staff ID", "Full name", "Job role", "Contract", "Weekly hours"]
MAPPING = {
    f"map.{field}": column
    for field, column in zip(["id", "name", "roles", "contract", "hours_per_week"], HEADER)
}


def timed(action: Callable[[], object], repeat: int) -> float:
    """The median seconds of ``action``, run ``repeat`` times."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def staff_sheet(data: dict) -> bytes:
    """The unit's own people as the staff sheet a ward keeps (XLSX)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for p in data["staff"]:
        hours = p.get("hours_per_week", "")
        sheet.append([p["id"], p.get("name", p["id"]), p["roles"][0], p.get("contract", ""), hours])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measure(name: str, data: dict, repeat: int, folder: Path) -> dict[str, float]:
    """The figures for one unit."""
    path = folder / (re.sub(r"\W+", "-", name) + ".db")
    store = open_store(f"sqlite:///{path}")
    unit = store.create_unit(name, data)
    scenario = load_scenario(data)
    solved = solve(scenario, SolveParams(time_limit=30, workers=2))
    assert solved.roster is not None, solved.status
    info = store.save_roster(unit.id, solved.roster, kind="import")
    row = next(r for r in info.rows if r["shift"] in {s.id for s in scenario.shifts})
    cell = {"staff": row["staff"], "date": row["date"], "shift": "off", "role": ""}
    base = f"/rosters/{info.id}"
    with TestClient(create_app(store)) as client:
        page = client.get("/").text
        token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page)
        assert token
        client.headers["X-CSRF-Token"] = token.group(1)
        htmx = {"HX-Request": "true"}
        figures = {
            "roster page": timed(lambda: ok(client.get(base)), repeat),
            "cell check": timed(
                lambda: ok(client.post(f"{base}/check", data=cell, headers=htmx)), repeat
            ),
            "who can cover": timed(
                lambda: ok(
                    client.get(
                        f"{base}/cover",
                        params={"date": row["date"], "shift": row["shift"], "role": ""},
                        headers=htmx,
                    )
                ),
                repeat,
            ),
            "apply a change": timed(
                lambda: ok(
                    client.post(
                        f"{base}/edit", data={**cell, "confirm": "yes"}, follow_redirects=False
                    )
                ),
                repeat,
            ),
            "edit page": timed(lambda: ok(client.get(f"/units/{unit.id}/edit")), repeat),
        }
        sheet = staff_sheet(data)

        def import_staff() -> None:
            step = client.post(
                f"/units/{unit.id}/import",
                data={"kind": "staff"},
                files={"file": ("staff.xlsx", sheet)},
            )
            ok(step)
            target = re.search(r'<form id="mapping" method="post" action="([^"]+)"', step.text)
            assert target, step.text[:500]
            done = ok(client.post(target.group(1), data=MAPPING))
            assert 'id="import-result"' in done.text, done.text[:500]

        figures["import staff sheet"] = timed(import_staff, repeat)
    store.close()
    return figures


def ok(response):  # type: ignore[no-untyped-def]
    """A response that is not an error."""
    assert response.status_code < 400, (response.status_code, response.text[:500])
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, make in UNITS.items():
            data = make()
            figures = measure(name, data, args.repeat, Path(folder))
            rows.append((name, len(data["staff"]), figures))
            print(name, {k: round(v, 3) for k, v in figures.items()}, file=sys.stderr)
    keys = list(rows[0][2])
    print(f"`python benchmarks/web.py --repeat {args.repeat}` (median seconds)\n")
    print("| unit | staff | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for name, staff, figures in rows:
        print(f"| {name} | {staff} | " + " | ".join(f"{figures[k]:.2f}" for k in keys) + " |")


if __name__ == "__main__":
    main()
