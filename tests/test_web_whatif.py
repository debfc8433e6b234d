"""The what-if page: keys and values chosen in a form, the variants solved
in the background (a run in the queue), the table, the chart with every
variant and the fewest staff needed with its certainty, kept in the store;
bad input located beside the form with nothing stored."""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from roster.load import load_scenario, parse_text, read_data
from roster.store import Store, open_store
from roster.variants import VaryError, parse_vary
from roster.web.app import create_app
from roster.whatif import chart_series, headcount, keys_to_vary, needed, plan_data, table_of
from web_support import SMALL, browser, client, make_unit, store, url, wait_for_end  # noqa: F401


def post_whatif(client: TestClient, unit_id: int, rows: list[tuple[str, str]], **form: str) -> Any:
    data: dict[str, Any] = {
        "key": [k for k, _ in rows],
        "values": [v for _, v in rows],
        "time_limit": "2",
        **form,
    }
    return client.post(f"/units/{unit_id}/whatif", data=data, follow_redirects=False)


def started(response: Any) -> int:
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith("/whatif/")
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_plan_data_plans_stored_scenario_data_with_a_cap() -> None:
    data = parse_text(SMALL.read_text())
    planned = plan_data(data, ["staff.RN=-1,0", "demand.RN.N=1,2"], source="Ward 7")
    assert [v.name for v in planned.variants][:2] == [
        "staff.RN=-1__demand.RN.N=1",
        "staff.RN=-1__demand.RN.N=2",
    ]
    assert len(planned.scenarios) == 4 and planned.scenario == "Ward 7"
    assert data == parse_text(SMALL.read_text())  # the stored data is left as it was
    with pytest.raises(VaryError, match="6 variants; at most 5"):
        plan_data(data, ["staff.RN=-1..1", "demand.RN=1,2"], max_variants=5)
    with pytest.raises(VaryError, match="unknown role 'XX'"):
        plan_data(data, ["staff.XX=+1"])


def test_the_keys_a_unit_can_vary_and_the_headcount_needed() -> None:
    small = load_scenario(SMALL)
    keys = dict(keys_to_vary(small))
    assert keys["staff.RN"] == "headcount of registered nurse (now 5): e.g. -1,0,+1"
    assert {"staff.PH", "demand.RN", "demand.RN.N", "demand.PH.E"} <= set(keys)
    assert "demand.charge" not in keys  # no cover asks for the skill: nothing to scale
    assert keys["contract.full-time.hours_per_week"].startswith("contracted hours a week")
    example = {"staff": "+1", "demand": "1.5", "contract": "30"}
    for key in keys:  # every one suggested is one that can be varied
        plan_data(parse_text(SMALL.read_text()), [f"{key}={example[key.split('.')[0]]}"])
    assert headcount({"key": "staff.PH@P1", "needed": "+2"}, small) == "PH: 4 (2 now, +2)"
    assert headcount({"key": "staff.RN", "needed": None}, small) == ""
    # the fewest tried was already enough: a bound, not the answer
    unsettled = {"key": "staff.PH@P1", "needed": "-1", "settled": False}
    assert headcount(unsettled, small) == "PH: at most 1 (2 now, -1)"


SHIPPED = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_key_suggested_for_a_shipped_scenario_can_be_varied(path: Path) -> None:
    keys = keys_to_vary(load_scenario(path))
    assert len(keys) >= 5
    example = {"staff": "+1", "demand": "1.5", "contract": "30"}
    data = read_data(path)
    for key, _ in keys:
        plan_data(data, [f"{key}={example[key.split('.')[0]]}"])


def test_a_whatif_end_to_end(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    form = client.get(f"/units/{unit_id}/whatif")
    assert form.status_code == 200 and 'id="whatif"' in form.text
    assert 'value="staff.RN"' in form.text and "headcount of registered nurse (now 5)" in form.text
    run_id = started(post_whatif(client, unit_id, [("staff.RN", "-4,-1,0"), ("", "")]))
    assert client.get(f"/runs/{run_id}", follow_redirects=False).headers["location"] == (
        f"/whatif/{run_id}"
    )
    events = client.get(f"/runs/{run_id}/events")  # streams until the run ends
    assert "event: progress\ndata: variant 1 of 3: " in events.text
    wait_for_end(store, run_id)
    run = store.run(run_id)
    assert (run.state, run.kind) == ("finished", "whatif"), run
    assert run.log.splitlines()[-1] == "done: 3 of 3 variants solved"
    assert len(store.variants(run_id)) == 3

    page = client.get(f"/whatif/{run_id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert 'id="whatif-table"' in text and 'id="whatif-chart"' in text
    assert 'id="whatif-answer"' in text
    for heading in ("staff.RN", "status", "penalty", "gap %", "uncovered hours"):
        assert f'<th scope="col">{heading}</th>' in text
    assert text.count("<tr><td>") == 3
    answer = text[text.index('id="whatif-answer"') :]
    assert "staff.RN: -1 is the fewest with no uncovered hours" in answer
    assert "RN: 4 (5 now, -1)" in answer
    assert "Certain: every smaller headcount tried" in answer

    chart = client.get(f"/whatif/{run_id}/chart.svg")
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.text.lstrip().startswith("<?xml") and "<svg" in chart.text
    listing = client.get(f"/units/{unit_id}/whatif").text
    assert f'href="/whatif/{run_id}"' in listing and "staff.RN=-4,-1,0" in listing


def test_the_results_survive_a_restart(url: str, store: Store) -> None:
    with browser(create_app(store)) as c:
        unit_id = make_unit(c)
        run_id = started(post_whatif(c, unit_id, [("staff.RN", "-1,0"), ("demand.RN.N", "1,2")]))
        wait_for_end(store, run_id)
    with open_store(url) as again:
        again.mark_interrupted()
        with browser(create_app(again)) as c:
            text = html.unescape(c.get(f"/whatif/{run_id}").text)
        rows = again.variants(run_id)
    assert len(rows) == 4 and text.count("<tr><td>") == 4
    axes = [parse_vary("staff.RN=-1,0"), parse_vary("demand.RN.N=1,2")]
    table = table_of(rows, axes)
    series = chart_series(table, axes, load_scenario(SMALL))
    plotted = {v for s in series for v in s.variants}
    assert plotted == {r["variant"] for r in rows}  # every variant, every key
    assert {s.label for s in series} == {"demand.RN.N=1", "demand.RN.N=2"}
    assert set(needed(table, axes)["key"]) == {"staff.RN"}


@pytest.mark.parametrize(
    ("rows", "form", "message"),
    [
        ([("staff.XX", "+1")], {}, "staff.XX: unknown role 'XX'; allowed: RN, PH"),
        ([("staff.RN", "two")], {}, "vary[1] (staff.RN): 'two' is not a whole number of staff"),
        ([("demand.RN", "lots")], {}, "vary[1] (demand.RN): 'lots' is not a number"),
        ([("staff.RN", "")], {}, "vary[1].values: no values for staff.RN"),
        ([("", "+1")], {}, "vary[1].key: choose what to vary"),
        ([("", ""), ("", "")], {}, "vary: nothing to vary"),
        ([("nurses", "+1")], {}, "unknown key 'nurses'"),
        ([("staff.RN", "-3..3"), ("demand.RN", "1,1.1,1.2,1.3,1.4,1.5,1.6,1.7")], {},
         "vary: 56 variants; at most 50"),
        ([("staff.RN", "+1")], {"time_limit": "soon"}, "time_limit: not a number of seconds"),
        ([("staff.RN", "+1")], {"time_limit": "0"}, "time_limit: 0 seconds: give more than 0"),
    ],
)  # fmt: skip
def test_bad_whatif_input_is_located_beside_the_form_and_nothing_stored(
    client: TestClient,
    store: Store,
    rows: list[tuple[str, str]],
    form: dict[str, str],
    message: str,
) -> None:
    unit_id = make_unit(client)
    response = post_whatif(client, unit_id, rows, **form)
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert 'id="whatif"' in text and 'role="alert"' in text
    assert message in text, text[text.index('role="alert"') :][:400]
    assert store.runs(unit_id, kind="whatif") == [] and store.queued() == []
    for key, values in rows:  # what was typed is kept for correcting
        assert f'value="{key}"' in text and f'value="{values}"' in text


def test_unknown_ids_are_404(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    solve_run = store.create_run(unit_id)
    store.cancel_run(solve_run.id, "not needed")
    for path in ("/whatif/987654", "/whatif/987654/chart.svg", f"/whatif/{solve_run.id}"):
        response = client.get(path)
        assert response.status_code == 404 and 'class="problems"' in response.text
    assert "is a solve, not a what-if" in html.unescape(client.get(f"/whatif/{solve_run.id}").text)
    assert client.get("/units/987654/whatif").status_code == 404
    assert post_whatif(client, 987654, [("staff.RN", "+1")]).status_code == 404


def test_stop_keeps_the_variants_solved(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    rows = [("staff.RN", "-2..2"), ("demand.RN", "1,1.5,2,3")]
    run_id = started(post_whatif(client, unit_id, rows, time_limit="2"))
    deadline = time.monotonic() + 60
    while not store.variants(run_id):
        assert store.run(run_id).live and time.monotonic() < deadline, store.run(run_id)
        time.sleep(0.1)
    assert client.post(f"/runs/{run_id}/stop", follow_redirects=False).status_code == 303
    wait_for_end(store, run_id)
    run = store.run(run_id)
    solved = len(store.variants(run_id))
    assert run.state == "finished" and 1 <= solved < 20, run
    end = f"stopped: kept the variants solved: {solved} of 20 variants solved"
    assert run.log.splitlines()[-1] == end
    assert run.summary == {"variants": 20, "solved": solved, "stopped": True}


def test_a_whatif_on_a_dask_cluster(store: Store) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        with browser(create_app(store, scheduler=cluster.scheduler_address)) as c:
            run_id = started(post_whatif(c, make_unit(c), [("staff.RN", "-1,0")]))
            wait_for_end(store, run_id)
        prefixes = list(cluster.scheduler.task_prefixes)
    assert store.run(run_id).log.splitlines()[-1] == "done: 2 of 2 variants solved"
    assert "run_job" in prefixes, prefixes  # the variants were solved on the cluster


def test_the_table_is_in_the_variants_order_and_says_why_one_failed(
    client: TestClient, store: Store
) -> None:
    unit_id = make_unit(client)
    run = store.start_run(
        store.create_run(unit_id, {"vary": ["staff.RN=-1,0"], "time_limit": 2}, kind="whatif").id
    )
    solved = {"staff.RN": "0", "status": "OPTIMAL", "objective": 7.0, "gap_pct": 0.0,
              "proven": True, "uncovered_hours": 0.0}  # fmt: skip
    store.record_variant(run.id, {"variant": "staff.RN=0", **solved}, "variant 1 of 2")
    failed = {"variant": "staff.RN=-1", "staff.RN": "-1", "status": "ERROR", "proven": False,
              "error": "internal error: the worker ran out of memory"}  # fmt: skip
    store.record_variant(run.id, failed, "variant 2 of 2")
    store.finish_whatif(run.id, {"variants": 2, "solved": 2}, "done: 2 of 2 variants solved")
    text = html.unescape(client.get(f"/whatif/{run.id}").text)
    table = text[text.index('id="whatif-table"') :]
    assert table.index("<td>-1</td>") < table.index("<td>0</td>")
    assert '<th scope="col">problem</th>' in table
    assert "internal error: the worker ran out of memory" in table
    answer = "staff.RN: 0 is the fewest with no uncovered hours (unproven: no roster (ERROR) at -1)"
    assert answer in text
    assert "Not certain" in text
