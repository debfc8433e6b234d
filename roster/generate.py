"""Realistic hospital units of any size from a seed: a tuning set that is not
Curtois.

A unit is an inpatient ward's nursing team: registered nurses (some with the
``charge`` and ``senior`` skills) and nursing assistants on earlies, lates and
nights (and, in some units, 12-hour long days), on full-time, part-time and
nights-only contracts, with leave, day and shift requests and the last week
before the roster as history. As in the Curtois and INRC-II benchmarks most
rules are weighted wishes; what a ward holds to is hard: the cover minima and a
charge nurse on every 8-hour shift, no day shift after a night and no early or
long day after a late, the 48-hour week, at most 7 days in a row, and
nights-only staff on nights only.

Feasibility: cover minima are about two thirds of what the staff can work,
which leaves every standard unit at least two people not on leave per hard
cover place on its worst day (and two charge nurses per charge place);
unit-30x28 and unit-60x28 were solved to feasible rosters.

The generator lives in the package, not in ``benchmarks/``, because
``roster bench units`` generates its instances and an installed command must
not import a script folder; ``benchmarks/units.py`` is a thin script that
writes the units as YAML files.

The same seed and staff size give the same people and history whatever the
horizon, so ``unit-30x28`` and ``unit-30x56`` are the same ward over four and
eight weeks. Demand is sized from what the staff can work, so units of any
size are equally tight.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Any

#: a Monday clear of public holidays, so weeks are whole calendar weeks
START = dt.date(2027, 3, 1)
#: the days before the horizon every person's history covers
HISTORY_DAYS = 7
#: (staff, days) of the standard instances
STANDARD: tuple[tuple[int, int], ...] = (
    (30, 28),
    (30, 56),
    (60, 28),
    (60, 56),
    (120, 28),
    (120, 56),
)
MIN_STAFF = 20  # fewer cannot staff a charge nurse on every shift

SHIFTS: dict[str, dict[str, Any]] = {
    "E": {"id": "E", "name": "early", "start": "07:00", "end": "15:00", "break_minutes": 30},
    "L": {"id": "L", "name": "late", "start": "14:00", "end": "22:00", "break_minutes": 30},
    "D": {"id": "D", "name": "long day", "start": "08:00", "end": "20:00", "break_minutes": 60},
    "N": {"id": "N", "name": "night", "start": "21:45", "end": "07:15", "break_minutes": 45},
}
#: forward rotation, the order blocks of shifts follow in the history
ROTATION = ("E", "D", "L", "N")
#: hard: the next day's start is within 11 h of the end (or overlaps it)
FORBIDDEN = {"N": ("E", "L", "D"), "L": ("E", "D")}
#: the share of each role's day-to-day capacity each shift asks for
SPLIT = {
    False: {"E": 0.38, "L": 0.34, "N": 0.28},
    True: {"E": 0.32, "L": 0.28, "D": 0.12, "N": 0.28},
}
MIN_SHARE = 0.68  # hard minimum cover, of the capacity
PREFERRED_SHARE = 0.92  # preferred cover, of the capacity
#: a short-staffed unit asks for more than its staff can work, as INRC-II's
#: units do: most of the roster's penalty is then cover it cannot give
SHORT_STAFFED_SHARE = 1.05
WEEKEND_SHARE = 0.85  # day shifts at weekends, of weekdays
NURSES_PER_SENIOR = 4  # preferred: a senior nurse per four nurses on a shift
LEAVE_RATE = 0.08  # expected share of person-days on leave
LEAVE_CAP = 0.15  # most of a group away on any one day (at least one)
ROLE_SHARE = {"RN": 0.6, "NA": 0.4}


@dataclass(frozen=True)
class ContractSpec:
    """A contract and what its rules are derived from."""

    id: str
    name: str
    hours_per_week: float
    shifts_per_week: float  #: what the hours come to in shifts: sizes cover and totals
    nights_only: bool
    max_work_run: int  #: soft maximum of working days in a row
    max_off_run: int  #: soft maximum of days off in a row
    weekends_per_4_weeks: int  #: soft maximum of worked weekends


CONTRACTS = (
    ContractSpec(
        "full-time", "full time 37.5 h, rotating days and nights", 37.5, 5, False, 5, 4, 2
    ),
    ContractSpec(
        "part-time", "part time 22.5 h, rotating days and nights", 22.5, 3, False, 4, 5, 2
    ),
    ContractSpec("nights", "permanent nights 35 h", 35, 4, True, 4, 5, 2),
)
CONTRACT = {c.id: c for c in CONTRACTS}
MIX = {
    "RN": {"full-time": 0.6, "part-time": 0.25, "nights": 0.15},
    "NA": {"full-time": 0.55, "part-time": 0.3, "nights": 0.15},
}

# weights on the INRC-II scale: 30 for cover and sequence wishes of the
# contract, 20 for totals, 15 for same-shift runs, 1-5 for personal requests
W_COVER = {"RN": 30, "NA": 20}
W_SENIOR = 10
W_OVER = 1
W_TOTAL = 20
W_RUN = 30
W_SHIFT_RUN = 15
W_WEEKEND = 30
W_FAIR = 5


@dataclass(frozen=True)
class Person:
    """A generated staff member, before becoming a scenario's staff entry:
    one role, a contract from ``CONTRACTS``, skills (charge, senior)."""

    id: str
    role: str
    contract: str
    skills: tuple[str, ...]


def name(staff: int, days: int, seed: int = 0, short: bool = False) -> str:
    """'unit-30x28', 'unit-30x28-s3' for another seed, 'unit-30x28-short'
    for the short-staffed unit."""
    return f"unit-{staff}x{days}" + (f"-s{seed}" if seed else "") + ("-short" if short else "")


def parse_sizes(spec: str) -> list[tuple[int, int]]:
    """'30x28,120x56' -> [(30, 28), (120, 56)]; 'standard' -> STANDARD."""
    if spec.strip() == "standard":
        return list(STANDARD)
    sizes = []
    for part in spec.split(","):
        staff, sep, days = part.strip().lower().partition("x")
        if not sep:
            raise ValueError(f"{part!r}: write STAFFxDAYS, e.g. 30x28")
        sizes.append((int(staff), int(days)))
    return sizes


def unit(
    staff: int, days: int, seed: int = 0, long_days: bool | None = None, short: bool = False
) -> dict[str, Any]:
    """Scenario data (ready for ``load_scenario``) for one unit.

    ``long_days``: whether the unit also works a 12-hour day shift (RNs
    only); None lets the seed decide. ``short``: short-staffed, the
    preferred cover above what the staff can work (the same people, leave
    and requests).
    """
    if staff < MIN_STAFF:
        raise ValueError(f"a unit needs at least {MIN_STAFF} staff (got {staff})")
    if not 7 <= days <= 366:
        raise ValueError(f"days must be between 7 and 366 (got {days})")
    ward = random.Random(f"unit:{staff}:{seed}")  # people and history: any horizon
    period = random.Random(f"unit:{staff}:{days}:{seed}")  # leave and requests
    if long_days is None:
        long_days = ward.random() < 0.5
    shift_ids = [s for s in ROTATION if long_days or s != "D"]
    role_shifts = {"RN": shift_ids, "NA": [s for s in shift_ids if s != "D"]}
    people = _people(ward, staff)
    dates = [START + dt.timedelta(d) for d in range(days)]
    leave = _leave(period, people, dates)
    history = {p.id: _history(ward, p, role_shifts[p.role]) for p in people}
    records = []
    for p in people:
        record: dict[str, Any] = {"id": p.id, "roles": [p.role], "contract": p.contract}
        if p.skills:
            record["skills"] = list(p.skills)
        if leave[p.id]:
            record["leave"] = leave[p.id]
        shifts = ["N"] if CONTRACT[p.contract].nights_only else role_shifts[p.role]
        requests = _requests(period, shifts, dates, _leave_dates(leave[p.id]), days / 28)
        if requests:
            record["requests"] = requests
        records.append(record)
    weeks = days / 7
    return {
        "name": name(staff, days, seed, short),
        "description": (
            f"Generated hospital unit: {staff} staff over {days} days "
            f"(roster.generate, seed {seed}"
            f"{', short-staffed' if short else ''}"
            f"{', with 12-hour long days' if long_days else ''})."
        ),
        "timezone": "Europe/London",  # 4 weeks and more span the clocks going forward
        "horizon": {"start": START.isoformat(), "days": days},
        "shifts": [SHIFTS[s] for s in shift_ids],
        "roles": [
            {"id": "RN", "name": "registered nurse", "shifts": role_shifts["RN"]},
            {"id": "NA", "name": "nursing assistant", "shifts": role_shifts["NA"]},
        ],
        "skills": [
            {"id": "charge", "name": "can take charge of the unit"},
            {"id": "senior", "name": "band 6 or above"},
        ],
        "contracts": [_contract(c, weeks, shift_ids) for c in CONTRACTS],
        "staff": records,
        "demand": _demand(
            people, role_shifts, long_days, SHORT_STAFFED_SHARE if short else PREFERRED_SHARE
        ),
        "history": history,
        "rules": _unit_rules(shift_ids),
    }


def _split(n: int, shares: dict[str, float]) -> dict[str, int]:
    """n split by shares, largest remainders rounded up: counts sum to n."""
    exact = {k: n * v for k, v in shares.items()}
    counts = {k: math.floor(x) for k, x in exact.items()}
    for k in sorted(exact, key=lambda k: counts[k] - exact[k])[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def _people(rng: random.Random, staff: int) -> list[Person]:
    """The team: charge nurses mostly full-time (one on nights where there
    are night nurses), seniors spread over the contracts."""
    people = []
    for role, n in _split(staff, ROLE_SHARE).items():
        contracts = [c for c, k in _split(n, MIX[role]).items() for _ in range(k)]
        rng.shuffle(contracts)
        skills: list[tuple[str, ...]] = [()] * n
        if role == "RN":
            # enough charge nurses for three shifts a day: at least 7
            n_charge = max(7, round(0.3 * n))
            order = sorted(range(n), key=lambda i: (contracts[i] != "full-time", rng.random()))
            night = [i for i in range(n) if contracts[i] == "nights"][:1]
            charge = night + [i for i in order if i not in night][: n_charge - len(night)]
            rest = [i for i in range(n) if i not in charge]
            senior = rng.sample(rest, min(len(rest), round(0.15 * n)))
            for i in charge:
                skills[i] = ("charge", "senior")
            for i in senior:
                skills[i] = ("senior",)
        people += [Person(f"{role}{i + 1:03d}", role, contracts[i], skills[i]) for i in range(n)]
    return people


def _leave(rng: random.Random, people: list[Person], dates: list[dt.date]) -> dict[str, list[Any]]:
    """Annual leave (a block of 3-9 days) and study days, capped so that no
    more than LEAVE_CAP of a role, or of the charge nurses, is away at once."""
    groups = {p.id: [p.role] + (["charge"] if "charge" in p.skills else []) for p in people}
    sizes: dict[str, int] = {}
    for g in groups.values():
        for k in g:
            sizes[k] = sizes.get(k, 0) + 1
    cap = {k: max(1, math.floor(LEAVE_CAP * n)) for k, n in sizes.items()}
    away = {k: [0] * len(dates) for k in sizes}
    out: dict[str, list[Any]] = {p.id: [] for p in people}
    mean_block = 6
    for p in rng.sample(people, len(people)):
        wanted = [
            rng.randint(3, 9) for _ in range(_count(rng, LEAVE_RATE * len(dates) / mean_block))
        ]
        wanted += [1] * _count(rng, 0.3 * len(dates) / 28)
        taken: set[int] = set()
        for length in wanted:
            length = min(length, len(dates))
            for _ in range(10):  # a few tries for a window under the caps
                a = rng.randrange(len(dates) - length + 1)
                span = range(a, a + length)
                if taken.isdisjoint(range(a - 1, a + length + 1)) and all(
                    away[k][d] < cap[k] for k in groups[p.id] for d in span
                ):
                    break
            else:
                continue
            for k in groups[p.id]:
                for d in span:
                    away[k][d] += 1
            taken.update(span)
            if length == 1:
                out[p.id].append(dates[a].isoformat())
            else:
                out[p.id].append(
                    {"from": dates[a].isoformat(), "to": dates[a + length - 1].isoformat()}
                )
    return out


def _count(rng: random.Random, mean: float) -> int:
    """A whole number with this mean: the integer part, plus one by chance."""
    return math.floor(mean) + (rng.random() < mean - math.floor(mean))


def _leave_dates(specs: list[Any]) -> set[str]:
    out: set[str] = set()
    for s in specs:
        if isinstance(s, str):
            out.add(s)
        else:
            a, b = dt.date.fromisoformat(s["from"]), dt.date.fromisoformat(s["to"])
            out.update((a + dt.timedelta(i)).isoformat() for i in range((b - a).days + 1))
    return out


def _requests(
    rng: random.Random,
    shifts: list[str],
    dates: list[dt.date],
    on_leave: set[str],
    per_4_weeks: float,
) -> list[dict[str, Any]]:
    """Days off (weights 1-5), shifts off and shifts on (1-3), about two
    wishes a person every four weeks, none on leave days."""
    free = [d.isoformat() for d in dates if d.isoformat() not in on_leave]
    kinds = [("day off", 0.9), ("shift off", 0.7), ("shift on", 0.4)]
    out: list[dict[str, Any]] = []
    for kind, mean in kinds:
        for _ in range(_count(rng, mean * per_4_weeks)):
            if not free:
                break
            day = free.pop(rng.randrange(len(free)))
            if kind == "day off":
                out.append({"dates": [day], "want": "off", "weight": rng.choice([1, 2, 3, 5])})
            else:
                out.append(
                    {
                        "dates": [day],
                        "shift": rng.choice(shifts),
                        "want": "off" if kind == "shift off" else "on",
                        "weight": rng.randint(1, 3),
                    }
                )
    out.sort(key=lambda r: r["dates"][0])
    return out


def _history(rng: random.Random, person: Person, role_shifts: list[str]) -> list[str]:
    """The last HISTORY_DAYS before the horizon: blocks of one shift type in
    forward rotation with two or three days off between them, cut at a random
    point so that runs cross into the roster. Within the hard rules and the
    contract's run limits."""
    spec = CONTRACT[person.contract]
    order = ["N"] if spec.nights_only else role_shifts
    k = rng.randrange(len(order))
    seq: list[str] = []
    while len(seq) < 3 * HISTORY_DAYS:
        shift = order[k % len(order)]
        k += 1
        longest = 3 if shift == "D" else 4 if shift == "N" else spec.max_work_run
        seq += [shift] * rng.randint(min(2, longest), longest)
        seq += ["-"] * rng.randint(2, 3)
    end = rng.randrange(2 * HISTORY_DAYS, len(seq) + 1)
    return seq[end - HISTORY_DAYS : end]


def _demand(
    people: list[Person], role_shifts: dict[str, list[str]], long_days: bool, preferred_share: float
) -> list[dict[str, Any]]:
    """Cover per shift and role sized from the role's capacity (shifts a day
    its people can work, less leave): a hard minimum, a preferred level with
    under/over weights, fewer day shifts at weekends; a charge nurse on every
    8-hour shift (hard) and a senior nurse per four nurses (preferred)."""
    out: list[dict[str, Any]] = []
    week = ["mon", "tue", "wed", "thu", "fri"]
    weekend = ["sat", "sun"]
    for role, shifts in role_shifts.items():
        capacity = (
            sum(CONTRACT[p.contract].shifts_per_week for p in people if p.role == role)
            / 7
            * (1 - LEAVE_RATE)
        )
        split = SPLIT[long_days and role == "RN"]
        for s in shifts:
            for days, factor in ((week, 1.0), (weekend, 1.0 if s == "N" else WEEKEND_SHARE)):
                need = capacity * split[s] * factor
                low = max(1, round(MIN_SHARE * need))
                preferred = max(low, round(preferred_share * need))
                out.append(
                    {
                        "shift": s,
                        "role": role,
                        "weekdays": days,
                        "min": low,
                        "preferred": preferred,
                        "under_weight": W_COVER[role],
                        "over_weight": W_OVER,
                    }
                )
                if role == "RN":
                    out.append(
                        {
                            "shift": s,
                            "role": role,
                            "skill": "senior",
                            "weekdays": days,
                            "preferred": math.ceil(preferred / NURSES_PER_SENIOR),
                            "under_weight": W_SENIOR,
                        }
                    )
        if role == "RN":
            out += [
                {"shift": s, "role": role, "skill": "charge", "min": 1} for s in shifts if s != "D"
            ]
    return out


def _contract(spec: ContractSpec, weeks: float, shift_ids: list[str]) -> dict[str, Any]:
    """A contract's rules: total shifts pro rata to its hours, runs of work
    and of days off, same-shift runs, weekends."""
    total = spec.shifts_per_week * weeks
    rules: list[dict[str, Any]] = [
        {"kind": "shift_count", "min": math.floor(0.9 * total), "weight": W_TOTAL},
        {"kind": "shift_count", "max": math.ceil(total), "weight": W_TOTAL},
        {
            "kind": "consecutive",
            "what": "work",
            "min": 2,
            "max": spec.max_work_run,
            "weight": W_RUN,
        },
        {"kind": "consecutive", "what": "off", "min": 2, "max": spec.max_off_run, "weight": W_RUN},
        {
            "name": "nights in a row",
            "kind": "consecutive",
            "what": "shift",
            "shifts": ["N"],
            "min": 2,
            "max": 4,
            "weight": W_SHIFT_RUN,
        },
        {
            "kind": "max_weekends",
            "max": max(1, round(spec.weekends_per_4_weeks * weeks / 4)),
            "weight": W_WEEKEND,
        },
        {"kind": "complete_weekends", "weight": W_WEEKEND},
    ]
    if spec.nights_only:
        rules.append(
            {
                "name": "nights only",
                "kind": "shift_count",
                "shifts": [s for s in shift_ids if s != "N"],
                "max": 0,
            }
        )
    else:
        rules += [
            {
                "name": "earlies in a row",
                "kind": "consecutive",
                "what": "shift",
                "shifts": ["E"],
                "max": 5,
                "weight": W_SHIFT_RUN,
            },
            {
                "name": "lates in a row",
                "kind": "consecutive",
                "what": "shift",
                "shifts": ["L"],
                "min": 2,
                "max": 5,
                "weight": W_SHIFT_RUN,
            },
        ]
        if "D" in shift_ids:
            rules.append(
                {
                    "name": "long days in a row",
                    "kind": "consecutive",
                    "what": "shift",
                    "shifts": ["D"],
                    "max": 3,
                    "weight": W_SHIFT_RUN,
                }
            )
    return {"id": spec.id, "name": spec.name, "hours_per_week": spec.hours_per_week, "rules": rules}


def _unit_rules(shift_ids: list[str]) -> list[dict[str, Any]]:
    """What the whole unit holds to (hard), and fair nights among the
    rotating staff (soft)."""
    rules: list[dict[str, Any]] = [
        {"name": "48-hour week", "kind": "hours", "per": "week", "max_hours": 48},
        {"name": "at most 7 days in a row", "kind": "consecutive", "what": "work", "max": 7},
    ]
    for first, then in FORBIDDEN.items():
        rules.append(
            {"kind": "succession", "first": [first], "then": [s for s in then if s in shift_ids]}
        )
    rules.append(
        {
            "kind": "fairness",
            "measure": "nights",
            "max_spread": 2,
            "weight": W_FAIR,
            "scope": {"contracts": ["full-time", "part-time"]},
        }
    )
    return rules
