"""Our own vocabulary for outcomes: statuses, violations and the solve result."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from roster.roster import Roster


class SolveStatus(str, Enum):  # noqa: UP042 - StrEnum would change str(status)
    """How a solve ended, in our terms rather than CP-SAT's: OPTIMAL (proven
    best), FEASIBLE (a roster, not proven best), INFEASIBLE (proven that none
    exists), UNKNOWN (neither a roster nor a proof in the time given)."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"

    @property
    def has_roster(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class Violation:
    """One broken rule instance: hard when ``weight`` is None."""

    rule: str
    staff: str | None
    dates: tuple[dt.date, ...]
    amount: int
    weight: int | None
    message: str

    @property
    def hard(self) -> bool:
        return self.weight is None

    @property
    def penalty(self) -> int:
        return 0 if self.weight is None else self.weight * self.amount

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "staff": self.staff,
            "dates": [d.isoformat() for d in self.dates],
            "amount": self.amount,
            "weight": self.weight,
            "penalty": self.penalty,
            "message": self.message,
        }


@dataclass(frozen=True)
class CheckReport:
    """What ``check`` finds in a roster: hard violations and soft penalties."""

    violations: tuple[Violation, ...]

    @property
    def hard_violations(self) -> list[Violation]:
        return [v for v in self.violations if v.hard]

    @property
    def penalties(self) -> list[Violation]:
        return [v for v in self.violations if not v.hard and v.penalty > 0]

    @property
    def feasible(self) -> bool:
        return not self.hard_violations

    @property
    def total_penalty(self) -> int:
        return sum(v.penalty for v in self.violations)

    @property
    def by_rule(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for v in self.penalties:
            out[v.rule] += v.penalty
        return dict(sorted(out.items()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "total_penalty": self.total_penalty,
            "hard_violations": [v.as_dict() for v in self.hard_violations],
            "penalties": [v.as_dict() for v in self.penalties],
            "by_rule": self.by_rule,
        }


@dataclass
class Result:
    """The outcome of ``solve``: status, objective and bound as CP-SAT gives
    them, the roster, and the independent check of that roster."""

    status: SolveStatus
    objective: float | None
    best_bound: float | None
    wall_time_s: float
    roster: Roster | None
    report: CheckReport | None
    explanation: list[str] = field(default_factory=list)
    first_solution_s: float | None = None
    best_solution_s: float | None = None
    #: CP-SAT's own objective_value; above ``objective`` only when presolve's
    #: loosened penalties were tightened back in the returned roster
    cpsat_objective: float | None = None
    stopped_by_user: bool = False

    @property
    def gap(self) -> float | None:
        """Relative gap |objective - bound| / max(1, |objective|)."""
        if self.objective is None or self.best_bound is None:
            return None
        return abs(self.objective - self.best_bound) / max(1.0, abs(self.objective))

    @property
    def violations(self) -> list[Violation]:
        return list(self.report.violations) if self.report else []

    def summary(self) -> list[tuple[str, str]]:
        """The outcome as (label, value) lines: status, objective, best bound,
        gap and wall time, written the same by every front end that states
        how a solve went (``solve``, ``repair``)."""
        return [
            ("status", self.status.value),
            ("objective", number(self.objective)),
            ("best bound", number(self.best_bound)),
            ("gap", percent(self.gap)),
            ("wall time", f"{self.wall_time_s:.2f}s"),
        ]


def number(v: float | None) -> str:
    """An objective or bound as shown: ``-`` when there is none."""
    return "-" if v is None else f"{v:g}"


def percent(fraction: float | None) -> str:
    """A gap as shown: a percentage to two places, ``-`` when there is none."""
    return "-" if fraction is None else f"{100 * fraction:.2f}%"


class SearchState(Protocol):
    """What the search reports while it runs (``roster.model.solve.Progress``)."""

    @property
    def elapsed(self) -> float: ...
    @property
    def objective(self) -> float | None: ...
    @property
    def bound(self) -> float | None: ...
    @property
    def solutions(self) -> int: ...
    @property
    def gap(self) -> float | None: ...
    @property
    def limit(self) -> float | None: ...


#: the live line's last words: what Ctrl-C does
STOP_HINT = "Ctrl-C stops and keeps the best roster"


def seconds(s: float, *, up: bool = False) -> str:
    """A duration as a ward manager reads it: '7s', '2m 05s', '1h 02m';
    whole seconds cut down, or with ``up`` rounded up (time left)."""
    whole = max(0, math.ceil(s - 1e-9) if up else int(s))
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    return f"{whole // 3600}h {whole // 60 % 60:02d}m"


def gap_words(gap: float | None) -> str:
    """The gap in plain words: how much lower the best possible penalty may
    be than the best roster's ('the best possible is at most 12% lower'),
    rounded up so that it is never understated."""
    if gap is None:
        return "how close it is to the best possible is not known yet"
    pct = 100 * gap
    if pct <= 0:
        return "proven the best possible"
    shown = f"{math.ceil(pct):d}" if pct >= 1 else f"{math.ceil(pct * 10) / 10:g}"
    return f"the best possible is at most {shown}% lower"


def progress_line(p: SearchState, *, hint: bool = True) -> str:
    """How a running solve is going, in plain words, so that every front end
    says it the same way: time used of the limit and time left, the best
    roster's penalty, the proven bound (no roster scores lower) and the gap
    in words; then, with ``hint``, what Ctrl-C does. E.g. ``solving: 7s of
    1m 00s, 53s left | best roster so far: penalty 43 | no roster can score
    below 3: the best possible is at most 94% lower | Ctrl-C stops and keeps
    the best roster``."""
    if p.limit is None:
        clock = f"solving: {seconds(p.elapsed)} (no time limit)"
    else:
        left = seconds(p.limit - p.elapsed, up=True)
        clock = f"solving: {seconds(p.elapsed)} of {seconds(p.limit, up=True)}, {left} left"
    parts = [clock]
    if p.objective is None:
        parts.append("no roster yet")
    else:
        parts.append(f"best roster so far: penalty {number(p.objective)}")
        if p.bound is None:
            parts.append(gap_words(None))
        else:
            parts.append(f"no roster can score below {number(p.bound)}: {gap_words(p.gap)}")
    if hint:
        parts.append(STOP_HINT)
    return " | ".join(parts)
