"""The web app's store: round trips, immutability, transactions, crashes,
interrupted runs and migrations (SQLite in tmp_path; PostgreSQL on the
server ROSTER_TEST_POSTGRES_URL names, or else on a throwaway one started
from this machine's PostgreSQL when it has one)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

import roster.store.api as store_api
from roster.errors import InputError
from roster.load import load_scenario, read_data
from roster.model.solve import SolveParams, solve
from roster.result import Result, SolveStatus
from roster.roster import Roster
from roster.store import (
    INTERRUPTED,
    ImmutableError,
    NotFound,
    Store,
    StoreError,
    database_url,
    default_path,
    downgrade,
    head,
    open_store,
    revision,
    upgrade,
)
from roster.store.models import Base, Published, ScenarioVersion
from roster.validation import ScenarioError

DATA = Path(__file__).parent / "data"
SCENARIOS = Path(__file__).parent.parent / "scenarios"
MINI = DATA / "mini.yaml"
POSTGRES = os.environ.get("ROSTER_TEST_POSTGRES_URL")


def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'roster.db'}"


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with open_store(url(tmp_path)) as st:
        yield st


def mini() -> dict[str, Any]:
    data = read_data(MINI)
    assert isinstance(data, dict)
    return data


def a_roster(days: int = 3) -> Roster:
    start = dt.date(2026, 12, 7)
    rows = [
        (staff, start + dt.timedelta(days=d), shift, "RN")
        for d in range(days)
        for staff, shift in (("A", "E"), ("C", "L"), ("D", "N"))
    ]
    return Roster(pd.DataFrame(rows, columns=["staff", "date", "shift", "role"]))


def a_result(status: SolveStatus = SolveStatus.FEASIBLE, roster: Roster | None = None) -> Result:
    has = status.has_roster
    return Result(
        status=status,
        objective=12.0 if has else None,
        best_bound=4.0 if has else None,
        wall_time_s=1.5,
        roster=(roster or a_roster()) if has else None,
        report=None,
        explanation=[] if has else ["cover on Mon 07 Dec cannot be given"],
    )


def count(st: Store, table: str) -> int:
    with st.engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


# -- where it lives --------------------------------------------------------------
def test_default_database_is_in_xdg_data_home(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "roster" / "roster.db"
    with open_store() as st:
        st.create_unit("Ward 7", mini())
    assert (tmp_path / "data" / "roster" / "roster.db").is_file()
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / ".local" / "share" / "roster" / "roster.db"


def test_sqlite_folder_created_and_pragmas_set(tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 'a' / 'b' / 'x.db'}"
    assert database_url(target) == target and (tmp_path / "a" / "b").is_dir()
    with open_store(target) as st, st.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


# -- units and scenario versions --------------------------------------------------
def test_unit_round_trip(store: Store) -> None:
    unit = store.create_unit("  Ward   7 ", mini())
    assert unit.name == "Ward 7" and unit.version == 1
    assert unit.created.tzinfo is not None
    assert store.units() == [unit]
    assert store.unit(unit.id) == unit
    current = store.scenario(unit.id)
    assert current.version == 1 and current.note == "created"
    # stored as validated data that validates again to the same scenario
    assert current.scenario() == load_scenario(MINI)


def test_every_shipped_scenario_round_trips(store: Store) -> None:
    for i, path in enumerate(sorted(SCENARIOS.glob("*.yaml"))):
        unit = store.create_unit(f"unit {i}", read_data(path))
        assert store.scenario(unit.id).scenario() == load_scenario(path), path


def test_invalid_scenario_stores_nothing(store: Store) -> None:
    data = mini()
    data["staff"][0]["contract"] = "fulltime"
    with pytest.raises(ScenarioError) as err:
        store.create_unit("Ward 7", data)
    assert "staff[0] (A).contract" in str(err.value)
    unit = store.create_unit("Ward 7", mini())
    with pytest.raises(ScenarioError):
        store.add_version(unit.id, data)
    assert count(store, "units") == 1 and count(store, "scenario_versions") == 1


def test_unit_names_are_required_and_unique(store: Store) -> None:
    store.create_unit("Ward 7", mini())
    with pytest.raises(StoreError, match="exists already"):
        store.create_unit("ward  7".replace("w", "W"), mini())
    with pytest.raises(StoreError, match="needs a name"):
        store.create_unit("  ", mini())
    assert count(store, "units") == 1
    with pytest.raises(NotFound, match="no unit 99"):
        store.unit(99)
    assert isinstance(NotFound("unit", "x"), InputError)


def test_scenario_versions_are_never_overwritten(store: Store) -> None:
    unit = store.create_unit("Ward 7", mini())
    first = store.scenario(unit.id)
    edited = mini()
    edited["name"] = "Mini ward, edited"
    second = store.add_version(unit.id, edited, note="renamed")
    third = store.add_version(unit.id, load_scenario(MINI))  # a Scenario is taken as it is
    assert [v.version for v in store.versions(unit.id)] == [1, 2, 3]
    assert store.scenario(unit.id) == third and store.unit(unit.id).version == 3
    assert store.scenario(unit.id, version=1) == first
    assert store.scenario(unit.id, version=2) == second
    assert second.scenario().name == "Mini ward, edited" and second.note == "renamed"
    with pytest.raises(NotFound, match="no scenario version 4"):
        store.scenario(unit.id, version=4)
    # the ORM and the database refuse to rewrite one
    with pytest.raises(ImmutableError), store.writing() as session:
        session.get_one(ScenarioVersion, first.id).note = "rewritten"
    with pytest.raises(IntegrityError, match="never changed"), store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE scenario_versions SET note = 'x'"))
    assert store.scenario(unit.id, version=1) == first


# -- runs ------------------------------------------------------------------------------
def test_run_lifecycle_round_trip(store: Store) -> None:
    unit = store.create_unit("Ward 7", mini())
    run = store.create_run(unit.id, {"time_limit": 30, "workers": 2})
    assert (run.state, run.status, run.version, run.live) == ("queued", None, 1, True)
    assert store.start_run(run.id).state == "running"
    store.record_progress(run.id, "solving: 1s", objective=30, best_bound=2, gap=0.9)
    store.record_progress(run.id, "solving: 2s\n", objective=20)
    mid = store.run(run.id)
    assert mid.log == "solving: 1s\nsolving: 2s\n"
    assert (mid.objective, mid.best_bound, mid.gap) == (20, 2, 0.9)
    done = store.finish_run(run.id, a_result())
    assert (done.state, done.status, done.objective, done.best_bound) == (
        "finished", "FEASIBLE", 12, 4,
    )  # fmt: skip
    assert done.gap == pytest.approx(8 / 12) and done.finished is not None and not done.live
    assert done.summary is not None and done.summary["status"] == "FEASIBLE"
    assert done.params == {"time_limit": 30, "workers": 2}
    stored = store.roster(done.roster_id or 0)
    assert (stored.kind, stored.run_id, stored.summary) == ("solve", run.id, done.summary)
    assert stored.rows[0] == {"staff": "A", "date": "2026-12-07", "shift": "E", "role": "RN"}
    pd.testing.assert_frame_equal(stored.roster().df, a_roster().df)
    assert store.latest_roster(unit.id) == stored and store.runs(unit.id) == [done]


@pytest.mark.slow
def test_a_real_solve_is_stored_with_its_summary(store: Store) -> None:
    unit = store.create_unit("Mini", mini())
    run = store.start_run(store.create_run(unit.id, {"time_limit": 2}).id)
    scenario = store.scenario(unit.id).scenario()
    result = solve(scenario, SolveParams(time_limit=2, workers=1, seed=0))
    done = store.finish_run(run.id, result)  # the scenario validated again from the store
    assert done.status == result.status.value and done.objective == result.objective
    roster = store.roster(done.roster_id or 0)
    assert result.roster is not None
    pd.testing.assert_frame_equal(roster.roster().df, result.roster.df)
    assert set(roster.summary["staff"]) == {p.id for p in scenario.staff}


def test_a_run_without_a_roster_keeps_its_explanation(store: Store) -> None:
    unit = store.create_unit("Ward 7", mini())
    run = store.create_run(unit.id)
    done = store.finish_run(run.id, a_result(SolveStatus.INFEASIBLE))
    assert (done.status, done.roster_id, done.objective) == ("INFEASIBLE", None, None)
    assert done.summary is not None
    assert done.summary["explanation"] == ["cover on Mon 07 Dec cannot be given"]
    assert store.latest_roster(unit.id) is None


def test_run_states_only_move_forward(store: Store) -> None:
    unit = store.create_unit("Ward 7", mini())
    run = store.create_run(unit.id)
    failed = store.fail_run(run.id, "out of memory")
    assert (failed.state, failed.error) == ("failed", "out of memory")
    with pytest.raises(StoreError, match="is failed, not queued or running"):
        store.finish_run(run.id, a_result())
    with pytest.raises(StoreError, match="is failed, not queued"):
        store.start_run(run.id)
    with pytest.raises(StoreError, match="is failed"):
        store.record_progress(run.id, "late", objective=1)
    with pytest.raises(StoreError, match="is failed"):
        store.record_progress(run.id)
    with pytest.raises(NotFound, match="no run 99"):
        store.record_progress(99, "x")
    with pytest.raises(NotFound, match="no scenario version 7"):
        store.create_run(unit.id, version=7)
    assert store.run(run.id) == failed and count(store, "rosters") == 0


# -- transactions --------------------------------------------------------------------
def test_an_error_mid_save_leaves_nothing(store: Store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    unit = store.create_unit("Ward 7", mini())
    run = store.start_run(store.create_run(unit.id).id)

    def broken(roster: Any) -> Any:
        raise RuntimeError("disk on fire")

    # the run's state is written before its roster, in the same transaction
    with monkeypatch.context() as m:
        m.setattr(store_api, "roster_rows", broken)
        with pytest.raises(RuntimeError, match="disk on fire"):
            store.finish_run(run.id, a_result())
    assert store.run(run.id) == run and count(store, "rosters") == 0
    # a unit is written before its first version
    with monkeypatch.context() as m:
        m.setattr(store_api, "ScenarioVersion", None)
        with pytest.raises(TypeError):
            store.create_unit("Ward 8", mini())
    assert [u.name for u in store.units()] == ["Ward 7"] and count(store, "units") == 1


def test_rows_are_checked_before_anything_is_written(store: Store) -> None:
    unit = store.create_unit("Ward 7", mini())
    with pytest.raises(StoreError, match=r"rows\[1\].date: not a date"):
        store.save_roster(unit.id, [{"staff": "A", "date": "2026-12-07", "shift": "E"},
                                    {"staff": "A", "date": "Monday", "shift": "E"}])  # fmt: skip
    with pytest.raises(StoreError, match=r"rows\[0\].shift: blank shift"):
        store.save_roster(unit.id, [{"staff": "A", "date": "2026-12-07", "shift": ""}])
    assert count(store, "rosters") == 0
    saved = store.save_roster(unit.id, [{"staff": "A", "date": "2026-12-07", "shift": "E"}])
    assert saved.rows == [{"staff": "A", "date": "2026-12-07", "shift": "E", "role": None}]
    assert saved.kind == "import" and saved.roster().df.loc[0, "date"] == dt.date(2026, 12, 7)


# -- published versions and changes ----------------------------------------------------
def test_published_versions_are_immutable(store: Store) -> None:
    unit = store.create_unit("Ward 7", mini())
    solved = store.roster(store.finish_run(store.create_run(unit.id).id, a_result()).roster_id or 0)
    first = store.publish(solved.id, note="week 50")
    assert (first.number, first.rows, first.note) == (1, solved.rows, "week 50")
    change = store.record_change(
        solved.id,
        a_roster(days=2),
        [{"staff": "A", "date": "2026-12-09", "before": "E", "after": "off", "reason": "sick"}],
    )
    second = store.publish(change.result_id)
    assert second.number == 2 and len(second.rows) == 6
    assert store.latest_published(unit.id) == second
    assert store.published(unit.id) == [first, second]
    assert store.published(unit.id, number=1) == [first]
    with pytest.raises(NotFound, match="no published version 3"):
        store.published(unit.id, number=3)
    # no call changes or removes one
    verbs = ("update", "delete", "remove", "unpublish", "set_", "edit")
    assert not [m for m in dir(Store) if m.startswith(verbs)]
    # nor does the ORM ...
    with pytest.raises(ImmutableError, match="never changed"), store.writing() as session:
        session.get_one(Published, first.id).rows = []
    with pytest.raises(ImmutableError, match="never deleted"), store.writing() as session:
        session.delete(session.get_one(Published, first.id))
    # ... nor SQL, whatever the client
    for sql in ("UPDATE published SET note = 'x'", "DELETE FROM published"):
        with pytest.raises(IntegrityError, match="never changed"), store.engine.begin() as conn:
            conn.execute(sa.text(sql))
    assert store.published(unit.id) == [first, second]


def test_a_change_makes_a_new_roster_and_keeps_the_old(store: Store) -> None:
    unit = store.create_unit("Ward 7", mini())
    before = store.save_roster(unit.id, a_roster(), summary={"note": "imported"})
    edited = store.add_version(unit.id, mini(), note="A on leave")
    table = pd.DataFrame(
        [("A", "2026-12-09", "E", "off", "absent"), ("C", "2026-12-09", "L", "E", "covers A's E")],
        columns=["staff", "date", "before", "after", "reason"],
    )
    change = store.record_change(
        before.id, a_roster(days=2), table, kind="repair", reason="A sick", version=edited.version
    )
    after = store.roster(change.result_id)
    assert (after.parent_id, after.kind, after.scenario_version_id) == (
        before.id,
        "repair",
        edited.id,
    )
    assert store.roster(before.id) == before and len(after.rows) == 6
    assert change.rows[1] == {
        "staff": "C", "date": "2026-12-09", "before": "L", "after": "E", "reason": "covers A's E",
    }  # fmt: skip
    assert (change.kind, change.reason, change.roster_id) == ("repair", "A sick", before.id)
    assert store.changes(unit.id) == [change] and store.latest_roster(unit.id) == after
    with pytest.raises(StoreError, match="unknown change kind"):
        store.record_change(before.id, a_roster(), [], kind="magic")
    with pytest.raises(NotFound, match="no roster 99"):
        store.record_change(99, a_roster(), [])
    assert count(store, "rosters") == 2 and count(store, "changes") == 1


def test_targeted_reads_find_what_the_lists_hold(store: Store) -> None:
    """The pages read one roster's children, its change, its published
    versions and a version by id without loading every record's rows."""
    unit = store.create_unit("Ward 7", mini())
    first = store.save_roster(unit.id, a_roster())
    edit = store.record_change(first.id, a_roster(days=2), [], kind="edit", reason="x")
    other = store.record_change(first.id, a_roster(days=1), [], kind="edit", reason="y")
    store.publish(first.id)
    store.publish(edit.result_id)
    assert [r.id for r in store.rosters(unit.id, parent_id=first.id)] == [
        other.result_id, edit.result_id,
    ]  # fmt: skip
    assert store.rosters(unit.id, limit=2) == store.rosters(unit.id)[:2]
    assert store.change_making(edit.result_id) == edit
    assert store.change_making(first.id) is None
    assert [p.number for p in store.published(unit.id, roster_id=edit.result_id)] == [2]
    [version] = store.versions(unit.id)
    assert store.version_by_id(version.id) == version
    assert store.version_numbers(unit.id) == {version.id: 1}
    with pytest.raises(NotFound, match="no scenario version with id 999"):
        store.version_by_id(999)


def test_a_change_with_its_new_scenario_is_one_transaction(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repair's added leave and the roster it made are stored together or
    not at all: a failure after the new version leaves no version behind."""
    unit = store.create_unit("Ward 7", mini())
    before = store.save_roster(unit.id, a_roster())
    change = store.record_change(
        before.id, a_roster(days=2), [], kind="repair", reason="A sick", scenario=mini()
    )
    [old, new] = store.versions(unit.id)
    assert (new.version, new.note) == (2, "A sick")
    assert store.roster(change.result_id).scenario_version_id == new.id
    # a failure writing the change itself: neither the version nor the roster stays
    import roster.store.api as api

    monkeypatch.setattr(api, "table_rows", lambda rows: [{"bad": object()}])
    with pytest.raises(Exception):  # noqa: B017 - whatever the database says
        store.record_change(before.id, a_roster(), [], kind="repair", scenario=mini())
    assert [v.version for v in store.versions(unit.id)] == [old.version, new.version]
    assert count(store, "rosters") == 2 and count(store, "changes") == 1
    with pytest.raises(StoreError, match="not both"):
        store.record_change(before.id, a_roster(), [], version=1, scenario=mini())


# -- interrupted runs ----------------------------------------------------------------------
def test_runs_left_live_are_marked_interrupted_on_reopening(tmp_path: Path) -> None:
    with open_store(url(tmp_path)) as st:
        unit = st.create_unit("Ward 7", mini())
        queued = st.create_run(unit.id)
        running = st.start_run(st.create_run(unit.id).id)
        st.record_progress(running.id, "solving: 5s", objective=40)
        done = st.finish_run(st.create_run(unit.id).id, a_result())
    with open_store(url(tmp_path)) as st:
        assert st.mark_interrupted() == [queued.id, running.id]
        assert st.mark_interrupted() == []
        for run in (st.run(queued.id), st.run(running.id)):
            assert (run.state, run.error) == ("interrupted", INTERRUPTED)
            assert run.finished is not None and not run.live
        assert st.run(running.id).log == "solving: 5s\n" and st.run(running.id).objective == 40
        assert st.run(done.id) == done
        with pytest.raises(StoreError, match="is interrupted"):
            st.record_progress(running.id, "a worker that outlived its server")


CHILD_PRELUDE = """
import datetime as dt, sys, time
import pandas as pd
from roster.load import read_data
from roster.result import Result, SolveStatus
from roster.roster import Roster
from roster.store import open_store

def roster(days):
    start = dt.date(2026, 12, 7)
    rows = [(s, start + dt.timedelta(days=d), t, "RN")
            for d in range(days) for s, t in (("A", "E"), ("C", "L"), ("D", "N"))]
    return Roster(pd.DataFrame(rows, columns=["staff", "date", "shift", "role"]))

def result(days):
    return Result(SolveStatus.FEASIBLE, 12.0, 4.0, 1.0, roster(days), None)

store = open_store(sys.argv[1])
"""


def run_child(tmp_path: Path, body: str) -> subprocess.Popen[str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD_PRELUDE + textwrap.dedent(body))
    return subprocess.Popen(
        [sys.executable, "-u", str(script), url(tmp_path), str(MINI)],
        stdout=subprocess.PIPE,
        text=True,
    )


def read_until(child: subprocess.Popen[str], done: Any) -> list[str]:
    lines: list[str] = []
    assert child.stdout is not None
    for line in child.stdout:
        lines.append(line.strip())
        if done(lines):
            return lines
    pytest.fail(f"the child ended first (exit {child.wait()}): {lines}")


def kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL


def test_a_server_killed_mid_solve_loses_nothing(tmp_path: Path) -> None:
    child = run_child(
        tmp_path,
        """
        unit = store.create_unit("Ward 7", read_data(sys.argv[2]))
        first = store.finish_run(store.create_run(unit.id).id, result(7))
        store.publish(first.roster_id, note="week 50")
        run = store.start_run(store.create_run(unit.id, {"time_limit": 600}).id)
        for i in range(10**6):  # a solve in progress, as the server records it
            store.record_progress(run.id, f"solving: {i}s", objective=100 - i % 50)
            print(run.id, i, flush=True)
            time.sleep(0.01)
        """,
    )
    lines = read_until(child, lambda lines: len(lines) >= 5)
    kill(child)
    run_id = int(lines[0].split()[0])
    with open_store(url(tmp_path)) as st:
        [unit] = st.units()
        assert st.scenario(unit.id).scenario() == load_scenario(MINI)
        published = st.latest_published(unit.id)
        assert published is not None and published.note == "week 50" and len(published.rows) == 21
        assert st.run(run_id).state == "running"
        assert st.mark_interrupted() == [run_id]
        run = st.run(run_id)
        assert run.state == "interrupted" and run.error == INTERRUPTED
        logged = run.log.splitlines()
        assert logged[: len(lines)] == [f"solving: {line.split()[1]}s" for line in lines]
        [finished] = [r for r in st.runs(unit.id) if r.state == "finished"]
        assert len(st.roster(finished.roster_id or 0).rows) == 21


def test_a_process_killed_mid_write_leaves_every_committed_record_whole(tmp_path: Path) -> None:
    child = run_child(
        tmp_path,
        """
        unit = store.create_unit("Ward 7", read_data(sys.argv[2]))
        for i in range(10**6):
            run = store.start_run(store.create_run(unit.id, {"i": i}).id)
            store.record_progress(run.id, f"run {i}")
            done = store.finish_run(run.id, result(1 + i % 7))
            store.publish(done.roster_id)
            print(run.id, i, flush=True)
        """,
    )
    lines = read_until(child, lambda lines: len(lines) >= 20)
    kill(child)
    with open_store(url(tmp_path)) as st:
        with st.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        [unit] = st.units()
        reported = {int(line.split()[0]): int(line.split()[1]) for line in lines}
        runs = {r.id: r for r in st.runs(unit.id)}
        assert set(reported) <= set(runs)
        for run in runs.values():
            if run.state == "finished":  # then its roster is there, whole
                i = run.params["i"]
                assert run.log == f"run {i}\n"
                assert len(st.roster(run.roster_id or 0).rows) == 3 * (1 + i % 7)
            else:
                assert run.id not in reported and run.live
        for run_id in reported:
            assert runs[run_id].state == "finished"
        # at most one run was caught between its writes
        assert len(st.mark_interrupted()) <= 1
        published = st.published(unit.id)
        assert [p.number for p in published] == list(range(1, len(published) + 1))
        assert len(published) >= len(reported)


# -- migrations -------------------------------------------------------------------------------
def schema(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
            )
        ]


def assert_schema_matches_models(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert differences == []
    assert revision(engine) == head()


def test_migrations_build_the_models_schema_and_run_once(tmp_path: Path) -> None:
    with open_store(url(tmp_path)) as st:
        assert_schema_matches_models(st.engine)
        unit = st.create_unit("Ward 7", mini())
        before = schema(st.engine)
        upgrade(st.engine)  # at head already: nothing to do
        upgrade(url(tmp_path))
        assert schema(st.engine) == before
        assert [u.id for u in st.units()] == [unit.id]
    with open_store(url(tmp_path)) as st:  # opening again migrates nothing either
        assert schema(st.engine) == before


def test_migrations_go_down_and_up_again(tmp_path: Path) -> None:
    engine = sa.create_engine(url(tmp_path))
    upgrade(url(tmp_path))
    downgrade(url(tmp_path), "base")
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == ["alembic_version"]
    upgrade(url(tmp_path))
    assert_schema_matches_models(engine)
    engine.dispose()


def test_open_store_without_migrating_leaves_the_database_alone(tmp_path: Path) -> None:
    with open_store(url(tmp_path), migrate=False) as st:
        assert revision(st.engine) is None
        with st.engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []


# -- PostgreSQL ---------------------------------------------------------------------------------
def _pg_bin(name: str) -> str | None:
    """A PostgreSQL server program: on the PATH or where Debian puts it."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(versions[-1]) if versions else None


@pytest.fixture(scope="module")
def postgres_url():  # type: ignore[no-untyped-def]
    """ROSTER_TEST_POSTGRES_URL, or else a throwaway PostgreSQL server of
    this machine's (a cluster in a temporary folder, on a socket there),
    so the store is tested on PostgreSQL wherever PostgreSQL is installed."""
    if POSTGRES:
        yield POSTGRES
        return
    pytest.importorskip("psycopg")
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("no PostgreSQL here (Debian: postgresql) nor ROSTER_TEST_POSTGRES_URL")
    # not under pytest's folders: those are its user's alone, and the server
    # may run as another
    folder = Path(tempfile.mkdtemp(prefix="roster-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser to start PostgreSQL as another user")
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", 54000 + os.getpid() % 1000

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    run(initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off"
    run(pg_ctl, "-D", str(data), "-o", options, "-w", "-l", str(folder / "log"), "start")
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
    finally:
        run(pg_ctl, "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres(postgres_url: str):  # type: ignore[no-untyped-def]
    schema_name = f"roster_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema_name}"))
    st = open_store(postgres_url, connect_args={"options": f"-csearch_path={schema_name}"})
    try:
        yield st
    finally:
        st.close()
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema_name} CASCADE"))
        admin.dispose()


def test_postgresql_round_trip(postgres: Store) -> None:
    st = postgres
    assert_schema_matches_models(st.engine)
    upgrade(st.engine)
    unit = st.create_unit("Ward 7", mini())
    assert st.scenario(unit.id).scenario() == load_scenario(MINI)
    run = st.start_run(st.create_run(unit.id, {"time_limit": 5}).id)
    st.record_progress(run.id, "solving: 1s", objective=9)
    st.record_progress(run.id, "solving: 2s", best_bound=3)
    done = st.finish_run(run.id, a_result())
    assert done.log == "solving: 1s\nsolving: 2s\n" and done.status == "FEASIBLE"
    assert done.finished is not None and done.finished.tzinfo is not None
    published = st.publish(done.roster_id or 0)
    assert st.latest_published(unit.id) == published
    for sql in ("UPDATE published SET note = 'x'", "DELETE FROM published"):
        with pytest.raises(sa.exc.DBAPIError, match="never changed"), st.engine.begin() as conn:
            conn.execute(sa.text(sql))
    queued = st.create_run(unit.id)
    assert st.mark_interrupted() == [queued.id]
    with pytest.raises(StoreError, match="exists already"):
        st.create_unit("Ward 7", mini())


# -- the queue and what-if runs ---------------------------------------------------------------
def test_queued_runs_wait_in_order_and_know_their_place(store: Store) -> None:
    unit = store.create_unit("Ward 7", mini())
    first, second, third = (store.create_run(unit.id) for _ in range(3))
    assert store.queued() == [first.id, second.id, third.id]
    assert [store.run(r.id).queue_position for r in (first, second, third)] == [1, 2, 3]
    store.start_run(first.id)
    assert store.run(first.id).queue_position is None
    assert store.run(third.id).queue_position == 2
    cancelled = store.cancel_run(second.id, "cancelled while it waited")
    assert (cancelled.state, cancelled.error, cancelled.roster_id) == (
        "failed",
        "cancelled while it waited",
        None,
    )
    assert store.queued() == [third.id] and store.run(third.id).queue_position == 1
    with pytest.raises(StoreError, match="is running, not queued"):
        store.cancel_run(first.id, "too late")


def test_a_whatif_run_keeps_each_variant_as_it_finishes(store: Store) -> None:
    unit = store.create_unit("Ward 7", mini())
    solve_run = store.create_run(unit.id)
    run = store.create_run(unit.id, {"vary": ["staff.RN=-1,0"], "time_limit": 2}, kind="whatif")
    assert run.kind == "whatif" and solve_run.kind == "solve"
    assert store.runs(unit.id) == [store.run(solve_run.id)]
    assert [r.id for r in store.runs(unit.id, kind="whatif")] == [run.id]
    with pytest.raises(StoreError, match="not running"):
        store.record_variant(run.id, {"variant": "a"}, "too early")
    store.start_run(run.id)
    row = {"variant": "staff.RN=-1", "staff.RN": "-1", "objective": float("nan"), "proven": True}
    assert store.record_variant(run.id, row, "variant 1 of 2: staff.RN=-1: OPTIMAL") == 1
    assert store.record_variant(run.id, {"variant": "staff.RN=0"}, "variant 2 of 2") == 2
    assert store.variants(run.id) == [
        {"variant": "staff.RN=-1", "staff.RN": "-1", "objective": None, "proven": True},
        {"variant": "staff.RN=0"},
    ]
    done = store.finish_whatif(run.id, {"solved": 2}, "done: 2 of 2 variants solved")
    assert (done.state, done.summary, done.status) == ("finished", {"solved": 2}, None)
    assert done.log.splitlines() == [
        "variant 1 of 2: staff.RN=-1: OPTIMAL",
        "variant 2 of 2",
        "done: 2 of 2 variants solved",
    ]
    with pytest.raises(StoreError, match="is finished"):
        store.record_variant(run.id, {"variant": "late"}, "late")
    with pytest.raises(StoreError, match="unknown run kind 'report'"):
        store.create_run(unit.id, kind="report")
    with pytest.raises(NotFound):
        store.variants(10**6)


def test_a_queued_whatif_is_interrupted_with_the_solves(tmp_path: Path) -> None:
    with open_store(url(tmp_path)) as st:
        unit = st.create_unit("Ward 7", mini())
        running = st.start_run(st.create_run(unit.id, {}, kind="whatif").id)
        st.record_variant(running.id, {"variant": "base"}, "variant 1 of 3")
        queued = st.create_run(unit.id)
    with open_store(url(tmp_path)) as st:
        assert st.mark_interrupted() == [running.id, queued.id]
        assert st.queued() == [] and st.run(queued.id).queue_position is None
        assert st.variants(running.id) == [{"variant": "base"}]


def test_the_whatif_migration_goes_down_with_data_kept(tmp_path: Path) -> None:
    with open_store(url(tmp_path)) as st:
        unit = st.create_unit("Ward 7", mini())
        solved = st.finish_run(st.create_run(unit.id).id, a_result())
        st.create_run(unit.id, {}, kind="whatif")
    downgrade(url(tmp_path), "0001")
    engine = sa.create_engine(url(tmp_path))
    with engine.connect() as conn:
        assert "variant_results" not in sa.inspect(conn).get_table_names()
        assert conn.execute(sa.text("SELECT id FROM runs")).scalars().all() == [solved.id]
    engine.dispose()
    with open_store(url(tmp_path)) as st:
        assert st.run(solved.id).kind == "solve" and st.run(solved.id).roster_id is not None
