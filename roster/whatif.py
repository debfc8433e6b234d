"""What-if analysis: solve variants of a scenario and compare the outcomes.

Every variant is solved with cover soft (a shortfall is an outcome, not an
infeasibility), with the same time limit and seed. The table has one row per
variant; ``effects`` says what each step along a varied key changes, and
``needed`` finds the smallest headcount with no uncovered hours.

A variant whose roster is not proven close to the best possible (its gap is
above a threshold, or it has no roster) is marked unproven, and so is every
conclusion drawn from it: a shortfall in a roster far from the best may only
mean the search ran out of time.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from roster.files import atomic_write, write_table
from roster.jobs import Job, executor
from roster.load import load_scenario, read_data
from roster.metrics import outcome, uncovered_column
from roster.model.solve import SolveParams
from roster.output import write_result
from roster.result import SolveStatus
from roster.scenario import Scenario
from roster.validation import ScenarioError
from roster.variants import (
    MAX_VARIANTS,
    Axis,
    Variant,
    VaryError,
    apply,
    grid,
    parse_vary,
    read_variants,
)

#: percent: a variant with a larger gap is unproven
GAP_THRESHOLD = 5.0
#: with a gap to reach, each variant may take this many times the time limit in all
MORE_TIME = 4.0
MEASURES = ("uncovered_hours", "unmet_requests", "overtime_hours", "objective")
HAS_ROSTER = tuple(s.value for s in SolveStatus if s.has_roster)
LABELS = {
    "uncovered_hours": "uncovered hours",
    "unmet_requests": "unmet requests",
    "overtime_hours": "overtime hours",
    "objective": "penalty",
}


@dataclass(frozen=True)
class Plan:
    """The variants of a scenario, checked and ready to solve."""

    scenario: str
    base: Scenario
    axes: list[Axis]
    variants: list[Variant]
    data: dict[str, dict[str, Any]]  #: each variant's scenario, as plain data
    scenarios: dict[str, Scenario]  #: and loaded


def plan(
    scenario: str | Path,
    vary: Sequence[str] = (),
    variants_file: str | Path | None = None,
) -> Plan:
    """The variants to solve and their scenario data, all checked before any
    solve: a bad key or an invalid variant is a VaryError whose source is
    the scenario varied."""
    try:
        return _plan(scenario, vary, variants_file)
    except VaryError as exc:
        exc.source = exc.source or str(scenario)
        raise


def _plan(scenario: str | Path, vary: Sequence[str], variants_file: str | Path | None) -> Plan:
    data = read_data(scenario)
    base = load_scenario(scenario)
    if variants_file is not None:
        if vary:
            raise VaryError("", "give {vary} or {variants}, not both")
        keys, variants = read_variants(variants_file)
        axes = [
            Axis(k, tuple(dict.fromkeys(v.values[k] for v in variants if k in v.values)))
            for k in keys
        ]
    else:
        if not vary:
            raise VaryError("", "nothing to vary: give {vary} KEY=VALUES or {variants} FILE")
        axes = [parse_vary(spec) for spec in vary]
        variants = grid(axes)
    return _planned(str(scenario), data, base, axes, variants)


def plan_data(
    data: Mapping[str, Any],
    vary: Sequence[str],
    source: str = "scenario",
    max_variants: int = MAX_VARIANTS,
) -> Plan:
    """``plan`` for scenario data already read (e.g. a stored scenario) and
    ``vary`` specs (``KEY=VALUES``), with at most ``max_variants`` variants
    (counted before any is built, so a front end can cap a run's size)."""
    plain = copy.deepcopy(dict(data))
    base = load_scenario(copy.deepcopy(plain))
    if not vary:
        raise VaryError("vary", "nothing to vary: give a key and its values")
    axes = [parse_vary(spec) for spec in vary]
    count = math.prod(len(a.values) for a in axes)
    if count > max_variants:
        raise VaryError(
            "vary", f"{count} variants; at most {max_variants}: vary fewer keys or values"
        )
    return _planned(source, plain, base, axes, grid(axes))


def _planned(
    source: str, data: dict[str, Any], base: Scenario, axes: list[Axis], variants: list[Variant]
) -> Plan:
    """The plan: each variant applied to ``data`` and checked as a scenario."""
    datas, loaded = {}, {}
    for v in variants:
        changed = apply(data, base, v.values)
        try:
            loaded[v.name] = load_scenario(changed)
        except ScenarioError as exc:
            raise VaryError(
                "", f"variant {v.name} is not a valid scenario: {exc.render()}"
            ) from None
        datas[v.name] = changed
    return Plan(source, base, axes, variants, datas, loaded)


def whatif(
    scenario: str | Path,
    vary: Sequence[str] = (),
    *,
    variants_file: str | Path | None = None,
    outdir: str | Path | None = None,
    params: SolveParams | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    on_row: Callable[[dict[str, Any]], None] | None = None,
    gap_threshold: float = GAP_THRESHOLD,
    max_gap: float | None = None,
    max_time: float | None = None,
) -> pd.DataFrame:
    """Solve every variant and return one row per variant: its values of the
    varied keys, status, objective, bound, gap, whether it is proven (gap at
    most ``gap_threshold`` percent), uncovered person-hours (in total, of
    each varied role or skill, per role/skill, per shift and per
    time-cover window), hard violations,
    overtime hours, unmet requests, the spread of nights and weekends, the
    seconds used and the number of solves.

    ``max_gap`` (percent): a variant above it is solved again, from its best
    roster, until its gap is at most that or ``max_time`` seconds in all
    (default ``MORE_TIME`` x the time limit) are spent.

    With ``outdir``: each variant's roster files in ``outdir/<variant>/``,
    and ``whatif.csv``, ``effects.csv``, ``needed.csv`` and ``whatif.png``.
    """
    return run(
        plan(scenario, vary, variants_file),
        outdir=outdir,
        params=params,
        jobs=jobs,
        scheduler=scheduler,
        on_row=on_row,
        gap_threshold=gap_threshold,
        max_gap=max_gap,
        max_time=max_time,
    )


def run(
    planned: Plan,
    *,
    outdir: str | Path | None = None,
    params: SolveParams | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    on_row: Callable[[dict[str, Any]], None] | None = None,
    gap_threshold: float = GAP_THRESHOLD,
    max_gap: float | None = None,
    max_time: float | None = None,
) -> pd.DataFrame:
    """Solve a plan's variants (``whatif`` is ``plan`` and then this)."""
    params = (params or SolveParams()).model_copy(update={"soft_cover": True})
    cap = time_cap(params, gap_threshold, max_gap, max_time)
    axes, variants, datas, scenario = planned.axes, planned.variants, planned.data, planned.scenario
    keys = [a.key for a in axes]
    roles = varied_roles(axes)
    rows: dict[str, dict[str, Any]] = {
        v.name: {
            "variant": v.name,
            **{k: v.values.get(k, "") for k in keys},
            "status": "NOT_RUN",
            "proven": False,
        }
        for v in variants
    }
    try:
        with executor(jobs, scheduler) as ex:
            share = params if params.workers else params.model_copy(update={"workers": ex.share})
            work = [
                Job(
                    v.name,
                    json.dumps(datas[v.name]),
                    f"{scenario} [{v.name}].json",
                    share,
                    max_gap=None if cap is None or max_gap is None else max_gap / 100,
                    max_time=cap,
                )
                for v in variants
            ]
            for done in ex.run(work):
                row = rows[done.key]
                if done.result is None:
                    row.update({"status": "ERROR", "error": done.error})
                else:
                    changed = planned.scenarios[done.key]
                    row.update(outcome(changed, done.result, roles))
                    row["wall_time_s"] = round(done.result.wall_time_s, 2)
                    row["solves"] = done.solves
                    if outdir is not None:
                        write_result(done.result, changed, Path(outdir) / done.key)
                row["proven"] = proven(row, gap_threshold)
                if on_row is not None:
                    on_row(row)
    finally:  # interrupted: the table of what finished (NOT_RUN for the rest)
        table = _columns(pd.DataFrame(list(rows.values())), keys, roles)
        if outdir is not None:
            write_table(Path(outdir) / "whatif.csv", table)
    if outdir is not None:
        out = Path(outdir)
        fx = effects(table, axes)
        write_table(out / "effects.csv", fx)
        need = needed(table, axes)
        write_table(out / "needed.csv", need)
        plot(table, axes, out / "whatif.png", planned.base)
    return table


def table_of(rows: Sequence[Mapping[str, Any]], axes: Sequence[Axis]) -> pd.DataFrame:
    """The what-if table from its rows as ``run`` passed them to ``on_row``
    (e.g. kept in a database as each variant finished): ``run``'s columns,
    in its order, for ``needed``, ``effects`` and ``chart``."""
    table = pd.DataFrame([dict(r) for r in rows])
    return _columns(table, [a.key for a in axes], varied_roles(axes))


def time_cap(
    params: SolveParams, gap_threshold: float, max_gap: float | None, max_time: float | None
) -> float | None:
    """The seconds each variant may take in all when ``max_gap`` asks for more
    time (None: one solve each); a value that makes no sense is a VaryError
    located at its parameter."""
    for option, pct in (("gap_threshold", gap_threshold), ("max_gap", max_gap)):
        if pct is not None and not 0 <= pct <= 100:
            raise VaryError(f"{option} {pct:g}", "give a percentage from 0 to 100")
    if max_gap is None:
        if max_time is not None:
            raise VaryError("", "{max_time} caps the time {max_gap} adds: give {max_gap} too")
        return None
    limit = params.time_limit
    if max_time is not None and limit is not None and max_time < limit:
        raise VaryError(
            "",
            f"{{max_time}} {max_time:g} is less than {{time_limit}} {limit:g}: it is "
            "each variant's time in all, its first solve included",
        )
    if limit is None:  # solved to the end already
        return None
    return max_time if max_time is not None else MORE_TIME * limit


def proven(row: Mapping[str, Any], gap_threshold: float = GAP_THRESHOLD) -> bool:
    """Whether a variant's roster is proven within ``gap_threshold`` percent of
    the best possible: it has a roster, a bound and a gap at most that."""
    gap = row.get("gap_pct")
    return (
        row.get("status") in HAS_ROSTER
        and gap is not None
        and not pd.isna(gap)
        and float(gap) <= gap_threshold
    )


def _proven(row: pd.Series) -> bool:
    """The table's ``proven`` mark, or (a table without it) ``proven``."""
    mark = row.get("proven")
    return proven(row) if mark is None or pd.isna(mark) else bool(mark)


def doubt(row: Mapping[str, Any]) -> str:
    """Why a variant is unproven, in a few words: 'gap 37%', 'no bound', or
    its status when it has no roster."""
    if row.get("status") not in HAS_ROSTER:
        return f"no roster ({row.get('status')})"
    gap = row.get("gap_pct")
    return "no bound" if gap is None or pd.isna(gap) else f"gap {float(gap):.3g}%"


def _unproven(part: pd.DataFrame, levels: Sequence[str]) -> str:
    """' (unproven: gap 37% at +0, ...)' for the ``levels`` of a slice that a
    conclusion rests on and are unproven; '' when all are proven."""
    doubts = [f"{doubt(part.loc[v])} at {v}" for v in levels if not _proven(part.loc[v])]
    return f" (unproven: {', '.join(doubts)})" if doubts else ""


def progress_line(row: Mapping[str, Any]) -> str:
    """A finished variant in one line: its status, and the doubt if unproven."""
    line = f"{row['variant']}: {row['status']}"
    if row.get("status") in HAS_ROSTER and not row.get("proven"):
        line += f" (unproven: {doubt(row)})"
    return line


def unproven_note(table: pd.DataFrame, gap_threshold: float = GAP_THRESHOLD) -> str | None:
    """What the unproven marks mean, when some variant has one."""
    solved = table[table["status"].isin(HAS_ROSTER)]
    count = int((~solved.apply(_proven, axis=1)).sum()) if len(solved) else 0
    if not count:
        return None
    return (
        f"{count} of {len(table)} variants are unproven (gap above {gap_threshold:g}%): "
        "their rosters may be far from the best possible, so what is said from them is "
        "marked unproven; a longer --time-limit, or --max-gap, can prove them"
    )


def varied_roles(axes: Sequence[Axis]) -> list[str]:
    """The roles and skills whose headcount or demand the axes vary
    (``staff.RN@R3`` and ``demand.RN.N`` vary RN), each once, in order."""
    names: list[str] = []
    for a in axes:
        if a.kind == "staff":
            name = a.key.removeprefix("staff.").split("@")[0]
        elif a.kind == "demand":
            name = a.key.removeprefix("demand.").split(".")[0]
        else:
            continue
        if name not in names:
            names.append(name)
    return names


def summary_columns(table: pd.DataFrame, axes: Sequence[Axis]) -> list[tuple[str, str]]:
    """The columns of the what-if table a person reads first, as (column,
    heading) pairs: the varied keys, status, penalty, gap, proven, the
    uncovered hours in total and of each varied role, unmet requests,
    overtime and the spread of nights and weekends."""
    shown = [(a.key, a.key) for a in axes]
    shown += [
        ("status", "status"),
        ("objective", "penalty"),
        ("gap_pct", "gap %"),
        ("proven", "proven"),
        ("uncovered_hours", "uncovered hours"),
    ]
    shown += [(uncovered_column(r), f"{r} uncovered hours") for r in varied_roles(axes)]
    shown += [
        ("unmet_requests", "unmet requests"),
        ("overtime_hours", "overtime hours"),
        ("nights_spread", "nights spread"),
        ("weekends_spread", "weekends spread"),
    ]
    return [(c, h) for c, h in shown if c in table.columns]


def _columns(table: pd.DataFrame, keys: list[str], roles: Sequence[str] = ()) -> pd.DataFrame:
    head = [
        "variant",
        *keys,
        "status",
        "objective",
        "best_bound",
        "gap_pct",
        "proven",
        "uncovered_hours",
        *(uncovered_column(r) for r in roles),
        "hard_violations",
        "overtime_hours",
        "unmet_requests",
        "nights_spread",
        "weekends_spread",
    ]
    detail = sorted(c for c in table.columns if c.startswith("uncovered_hours."))
    for c in detail:  # a variant without this shortfall has none of it
        table[c] = table[c].where(table["uncovered_hours"].isna(), table[c].fillna(0.0))
    tail = [c for c in ("wall_time_s", "solves", "error") if c in table.columns]
    return table.reindex(columns=head + detail + tail)


def _order(axis: Axis) -> list[str]:
    if axis.kind == "staff":
        return sorted(axis.values, key=int)
    return list(axis.values)


def _slice(
    table: pd.DataFrame, axes: list[Axis], free: Axis, fixed: dict[str, str]
) -> pd.DataFrame:
    """Rows where ``free`` varies and every other axis has its ``fixed`` value."""
    mask = pd.Series(True, index=table.index)
    for a in axes:
        if a is not free:
            mask &= table[a.key].astype(str) == fixed[a.key]
    return table[mask].set_index(free.key)


def _others(axes: list[Axis], axis: Axis) -> list[dict[str, str]]:
    """Every combination of the values of the axes other than ``axis``."""
    others = [a for a in axes if a is not axis]
    return [
        dict(zip((a.key for a in others), combo))
        for combo in itertools.product(*(a.values for a in others))
    ]


def effects(table: pd.DataFrame, axes: list[Axis]) -> pd.DataFrame:
    """What each step along each varied key changes, for every combination of
    the other keys: one row per step, with the differences and a sentence
    (saying 'unproven' when either end is)."""
    rows = []
    for axis in axes:
        for fixed in _others(axes, axis):
            part = _slice(table, axes, axis, fixed)
            order = [v for v in _order(axis) if v in part.index]
            where = f" ({', '.join(f'{k}={v}' for k, v in fixed.items())})" if fixed else ""
            for a, b in itertools.pairwise(order):
                ra, rb = part.loc[a], part.loc[b]
                doubts = _unproven(part, [a, b])
                row: dict[str, Any] = {
                    "key": axis.key,
                    "from": a,
                    "to": b,
                    **fixed,
                    "proven": not doubts,
                }
                step = f"{axis.key} {a} -> {b}{where}: "
                if pd.isna(ra.get("uncovered_hours")) or pd.isna(rb.get("uncovered_hours")):
                    row["effect"] = (
                        f"{step}no comparison (status {ra.get('status')} and {rb.get('status')})"
                    )
                    rows.append(row)
                    continue
                for m in MEASURES:
                    row[f"change_{m}"] = _round(rb[m] - ra[m])
                detail = {
                    c.removeprefix("uncovered_hours."): _round(rb[c] - ra[c])
                    for c in table.columns
                    if c.startswith("uncovered_hours.")
                    and not pd.isna(ra[c])
                    and not pd.isna(rb[c])
                    and rb[c] != ra[c]
                }
                row.update({f"change_uncovered_hours.{k}": v for k, v in detail.items()})
                row["effect"] = step + _sentence(row, detail) + doubts
                rows.append(row)
    return pd.DataFrame(rows, columns=None if rows else ["key", "from", "to", "proven", "effect"])


def _round(x: float) -> float:
    return round(float(x), 2)


def _sentence(row: dict[str, Any], detail: dict[str, float]) -> str:
    parts = []
    for m in MEASURES:
        d = row[f"change_{m}"]
        if m == "objective":
            parts.append(f"penalty {d:+g}")
        elif d:
            words = f"{abs(d):g} {'fewer' if d < 0 else 'more'} {LABELS[m]}"
            if m == "uncovered_hours" and detail:
                top = sorted(detail.items(), key=lambda kv: -abs(kv[1]))
                named = [
                    f"{k.split('.', 1)[1]} {v:+g}" for k, v in top if not k.startswith("role.")
                ][:3]
                words += f" ({', '.join(named)})" if named else ""
            parts.append(words)
    if len(parts) == 1:
        return f"no change in uncovered hours, unmet requests or overtime; {parts[0]}"
    return ", ".join(parts)


def needed(table: pd.DataFrame, axes: list[Axis]) -> pd.DataFrame:
    """For each varied headcount, and each combination of the other keys'
    values, the smallest level tried that was solved with no uncovered hours.
    The answer rests on the levels below it (that they leave hours uncovered
    even at their best), so it is unproven when one of them is; and it is
    ``settled`` only when a level below it was tried (else the fewest needed
    may be fewer still)."""
    rows = []
    for axis in (a for a in axes if a.kind == "staff"):
        for fixed in _others(axes, axis):
            part = _slice(table, axes, axis, fixed)
            levels = [v for v in _order(axis) if v in part.index]
            if not levels:
                continue
            enough = [v for v in levels if part.loc[v, "uncovered_hours"] == 0]
            where = "".join(f", {k}={v}" for k, v in fixed.items())
            if not enough:
                answer = f"uncovered hours at every level tried, up to {levels[-1]}: try more"
            elif enough[0] == levels[0]:
                answer = f"no uncovered hours even at {enough[0]}, the fewest tried: try fewer"
            else:
                answer = f"{enough[0]} is the fewest with no uncovered hours"
            below = levels[: levels.index(enough[0])] if enough else levels
            doubts = _unproven(part, below)
            rows.append(
                {
                    "key": axis.key,
                    **fixed,
                    "needed": enough[0] if enough else None,
                    "proven": not doubts,
                    "settled": bool(enough) and enough[0] != levels[0],
                    "answer": f"{axis.key}{where}: {answer}{doubts}",
                }
            )
    empty = ["key", "needed", "proven", "settled", "answer"]
    return pd.DataFrame(rows, columns=None if rows else empty)


def keys_to_vary(sc: Scenario) -> list[tuple[str, str]]:
    """The keys worth varying on scenario ``sc``, each with what it means in
    plain words and example values: each role's headcount, the cover asked
    of each role (and per shift) and skill that has cover entries, and each
    contract's hours."""
    covers = [(c.role, c.skill) for c in sc.demand] + [(c.role, c.skill) for c in sc.time_cover]
    keys: dict[str, str] = {}
    for role in sc.roles:
        now = sum(1 for p in sc.staff if role.id in p.roles)
        keys[f"staff.{role.id}"] = f"headcount of {role.name or role.id} (now {now}): e.g. -1,0,+1"
    for role in sc.roles:
        if (role.id, None) in covers:
            keys[f"demand.{role.id}"] = (
                f"cover asked of {role.name or role.id}, every shift: e.g. 1,1.2 or +1"
            )
    for entry in sc.demand:
        if entry.role and not entry.skill and isinstance(entry.shift, str):
            keys.setdefault(
                f"demand.{entry.role}.{entry.shift}",
                f"cover asked of {entry.role} on shift {entry.shift}: e.g. 1,1.2 or +1",
            )
    for skill in sc.skills:
        if any(s == skill.id for _, s in covers):
            keys[f"demand.{skill.id}"] = f"cover asked for {skill.name or skill.id}: e.g. 1,+1"
    for contract in sc.contracts:
        keys[f"contract.{contract.id}.hours_per_week"] = (
            f"contracted hours a week of {contract.id}: e.g. 30,37.5"
        )
    return list(keys.items())


def headcount(answer: Mapping[str, Any], base: Scenario) -> str:
    """A ``needed`` row's answer as a headcount of ``base``'s staff:
    'RN: 6 (5 now, +1)', or 'RN: at most 4 (5 now, -1)' when the fewest
    tried was enough (fewer may be too); '' when no level tried was."""
    role = str(answer["key"]).removeprefix("staff.").split("@")[0]
    level = answer.get("needed")
    if level is None or (isinstance(level, float) and math.isnan(level)):
        return ""
    now = sum(1 for p in base.staff if role in p.roles)
    bound = "" if answer.get("settled", True) else "at most "
    return f"{role}: {bound}{now + int(level)} ({now} now, {level})"


#: what whatif.png plots, top to bottom, and the axis labels
PLOTTED = {"uncovered_hours": "uncovered person-hours", "objective": "penalty (lower is better)"}
#: a what-if value that changes nothing, when a variants file leaves it blank
AS_IS = "as is"


@dataclass(frozen=True)
class Series:
    """One line of ``whatif.png``: a measure against the values of the key on
    the x axis, for one combination of the other keys' values (``panel``,
    the facet, and ``label``, the line; '' when there is no other key)."""

    panel: str
    measure: str  #: 'uncovered_hours' or 'objective'
    label: str
    x: tuple[Any, ...]  #: headcounts, or the x key's values as written
    y: tuple[float, ...]
    variants: tuple[str, ...]  #: the variant of each point
    unproven: tuple[bool, ...]


def _value(row: Mapping[str, Any], key: str) -> str:
    """A row's value of a key as written; '' when it leaves the key as is."""
    v = row.get(key)
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def _rank(axis: Axis, value: str) -> tuple[int, float, str]:
    """Where a value goes along an axis: as is first, then as ordered."""
    if value == "":
        return (0, 0.0, "")
    if axis.kind == "staff":
        return (1, float(int(value)), value)
    order = _order(axis)
    return (1, float(order.index(value)) if value in order else float(len(order)), value)


def _combo(axes: Sequence[Axis], values: Sequence[str]) -> str:
    return ", ".join(f"{a.key}={v or AS_IS}" for a, v in zip(axes, values))


def chart_series(table: pd.DataFrame, axes: Sequence[Axis], base: Any) -> list[Series]:
    """Every variant with a roster, as the lines of ``whatif.png``: the x
    axis is the first varied headcount (as the number of people; else the
    first key), each value of the next key is a line, and each combination
    of the keys after it a panel, so no variant is left out."""
    if not axes:
        return []
    staff_axes = [a for a in axes if a.kind == "staff"]
    free = staff_axes[0] if staff_axes else axes[0]
    others = [a for a in axes if a is not free]
    line_axis, facets = (others[0], others[1:]) if others else (None, [])
    count = 0
    if free.kind == "staff":
        role = free.key.removeprefix("staff.").split("@")[0]
        count = sum(1 for p in base.staff if role in p.roles)
    groups: dict[tuple[tuple[str, ...], str], list[dict[str, Any]]] = {}
    for row in table.to_dict("records"):
        if row.get("status") not in HAS_ROSTER or pd.isna(row.get("uncovered_hours")):
            continue
        facet = tuple(_value(row, a.key) for a in facets)
        line = _value(row, line_axis.key) if line_axis else ""
        groups.setdefault((facet, line), []).append(row)

    def order(item: tuple[tuple[tuple[str, ...], str], list[dict[str, Any]]]) -> list[Any]:
        (facet, line), _ = item
        ranks = [_rank(a, v) for a, v in zip(facets, facet)]
        return [*ranks, _rank(line_axis, line) if line_axis else (0, 0.0, "")]

    out = []
    for (facet, line), rows in sorted(groups.items(), key=order):
        rows = sorted(rows, key=lambda r: _rank(free, _value(r, free.key)))
        xs: tuple[Any, ...] = tuple(
            count + int(_value(r, free.key) or 0)
            if free.kind == "staff"
            else _value(r, free.key) or AS_IS
            for r in rows
        )
        for measure in PLOTTED:
            out.append(
                Series(
                    panel=_combo(facets, facet),
                    measure=measure,
                    label=_combo([line_axis], [line]) if line_axis else "",
                    x=xs,
                    y=tuple(float(r[measure]) for r in rows),
                    variants=tuple(str(r["variant"]) for r in rows),
                    unproven=tuple(not _proven(pd.Series(r)) for r in rows),
                )
            )
    return out


def chart(table: pd.DataFrame, axes: Sequence[Axis], base: Any) -> tuple[Figure, list[Series]]:
    """``whatif.png`` as a Figure (matplotlib's object API: no backend is
    chosen for the caller) and the series drawn on it: per panel (a
    combination of the keys beyond the first two), uncovered hours above
    and the penalty below, one line per value of the second key, unproven
    points ringed in red."""
    series = chart_series(table, axes, base)
    panels = list(dict.fromkeys(s.panel for s in series)) or [""]
    cols = min(3, len(panels))
    blocks = math.ceil(len(panels) / cols)
    fig = Figure(figsize=(max(8.0, 5.0 * cols), 6.5 * blocks), layout="constrained")
    grid_axes = fig.subplots(2 * blocks, cols, squeeze=False)
    # one scale per measure, so that panels compare at a glance
    top = {m: max((y for s in series if s.measure == m for y in s.y), default=0.0) for m in PLOTTED}
    staff_axes = [a for a in axes if a.kind == "staff"]
    free = staff_axes[0] if staff_axes else (axes[0] if axes else None)
    if free is not None and free.kind == "staff":
        role = free.key.removeprefix("staff.").split("@")[0]
        now = sum(1 for p in base.staff if role in p.roles)
        xlabel = f"{role} headcount (now {now})"
    else:
        xlabel = free.key if free is not None else ""
    for i, panel in enumerate(panels):
        pair = {
            "uncovered_hours": grid_axes[2 * (i // cols)][i % cols],
            "objective": grid_axes[2 * (i // cols) + 1][i % cols],
        }
        for s in (s for s in series if s.panel == panel):
            ax = pair[s.measure]
            ax.plot(s.x, s.y, marker="o", label=s.label or s.measure)
            if any(s.unproven):  # a ring around each unproven point
                ax.plot(
                    [x for x, d in zip(s.x, s.unproven) if d],
                    [y for y, d in zip(s.y, s.unproven) if d],
                    "o",
                    markersize=12,
                    markerfacecolor="none",
                    color="red",
                    label="unproven",
                )
        if panel:
            pair["uncovered_hours"].set_title(panel, fontsize="medium")
        for measure, ax in pair.items():
            ax.set_ylabel(PLOTTED[measure])
            ax.grid(alpha=0.3)
            ax.set_ylim(0, 1.05 * top[measure] or 1)
            handles, labels = ax.get_legend_handles_labels()
            unique = dict(zip(labels, handles))  # "unproven" once
            if len(unique) > 1 or "unproven" in unique:
                ax.legend(unique.values(), unique.keys(), fontsize="small")
            if free is not None and free.kind == "staff":
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel(xlabel)
    for j in range(len(panels), blocks * cols):  # the grid's empty places
        grid_axes[2 * (j // cols)][j % cols].set_visible(False)
        grid_axes[2 * (j // cols) + 1][j % cols].set_visible(False)
    fig.suptitle(f"What if: {base.name or 'scenario'}")
    return fig, series


def plot(table: pd.DataFrame, axes: Sequence[Axis], path: Path, base: Any) -> list[Series]:
    """Write ``chart`` to ``path`` as a PNG; return its series (what a test
    or another front end can read instead of the picture)."""
    fig, series = chart(table, axes, base)
    atomic_write(path, lambda fh: fig.savefig(fh, format="png", dpi=110), mode="wb")
    return series
