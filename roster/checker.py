"""Score any roster with the scenario's rules, from the assignments alone.

Imports no CP-SAT: this is the independent evaluator that the solver's
objective must agree with.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Sequence

from roster.result import CheckReport, Violation
from roster.roster import Roster
from roster.scenario import RuleInstance, Scenario


class RosterView:
    """Read-only view of a roster (plus history) by person and day index:
    the ``CheckContext`` every rule's check reads."""

    def __init__(self, scenario: Scenario, roster: Roster, soft_cover: bool = False):
        self.scenario = scenario
        self.soft_cover = soft_cover
        self.roster = roster
        self.days = scenario.horizon.days
        self._cells, self._held = roster.layers(scenario)
        self._shifts = {k: [t for t, _ in cells] for k, cells in self._cells.items()}
        self._duties = {k: [t for t, _ in cells] for k, cells in self._held.items()}
        self._resident = scenario.resident_duties
        self._dates = scenario.dates
        self._working: dict[tuple[int, str], list[tuple[str, str | None]]] | None = None

    def scoring_cover(self, soft: bool) -> RosterView:
        """The same roster scored with cover soft or hard (its tables shared,
        not built again)."""
        other = copy.copy(self)
        other.soft_cover = soft
        return other

    def history_len(self, staff: str) -> int:
        return len(self.scenario.history.get(staff, []))

    def known(self, staff: str, d: int) -> bool:
        return -self.history_len(staff) <= d < self.days

    def assignments(self, staff: str, d: int) -> Sequence[tuple[str, str | None]]:
        """[(shift, role)] worked by ``staff`` on day ``d`` (history for d < 0)."""
        if d < 0:
            hist = self.scenario.history_of(staff)
            k = len(hist) + d
            code = hist[k] if k >= 0 else None
            return [] if code is None else [(code, None)]
        return self._cells.get((staff, d), [])

    def shifts(self, staff: str, d: int) -> list[str]:
        if d >= 0:
            return self._shifts.get((staff, d), [])
        return [t for t, _ in self.assignments(staff, d)]

    def duties(self, staff: str, d: int) -> list[str]:
        """Duties ``staff`` holds on day ``d`` (history for d < 0)."""
        if d < 0:
            hist = self.scenario.history_duties(staff)
            k = len(hist) + d
            return [hist[k]] if k >= 0 and hist[k] is not None else []  # type: ignore[list-item]
        return self._duties.get((staff, d), [])

    def works(self, staff: str, d: int) -> bool | None:
        """Whether the day is worked (a shift or a resident duty); None when
        it is outside what we know."""
        if not self.known(staff, d):
            return None
        return bool(self.assignments(staff, d)) or any(
            k in self._resident for k in self.duties(staff, d)
        )

    def working(self, d: int, shift: str) -> list[tuple[str, str | None]]:
        """[(staff, role)] working ``shift`` (or holding that duty) on
        horizon day ``d``."""
        if self._working is None:
            self._working = {}
            for table in (self._cells, self._held):
                for (sid, day), cells in table.items():
                    for t, role in cells:
                        self._working.setdefault((day, t), []).append((sid, role))
        return self._working.get((d, shift), [])

    def date(self, d: int) -> dt.date:
        if 0 <= d < self.days:
            return self._dates[d]
        return self.scenario.horizon.start + dt.timedelta(days=d)

    def violation(
        self,
        rule: str,
        staff: str | None,
        days: Iterable[int],
        amount: int,
        weight: int | None,
        message: str,
    ) -> Violation:
        return Violation(
            rule=rule,
            staff=staff,
            dates=tuple(self.date(d) for d in days),
            amount=amount,
            weight=weight,
            message=message,
        )


def check(
    scenario: Scenario, roster: Roster, *, soft_cover: bool = False, linking: bool = True
) -> CheckReport:
    """Every violation of every rule in ``roster``; hard ones have no weight.

    ``soft_cover`` scores hard cover minima as heavily weighted soft ones,
    as ``solve(..., soft_cover=True)`` optimises them. Without ``linking``,
    only the rules about one person at a time (what decomposition prices).
    """
    ctx = RosterView(scenario, roster, soft_cover)
    found: list[Violation] = []
    for inst in scenario.rule_instances:
        if linking or not inst.rule.links_people:
            found.extend(inst.rule.check(ctx, inst.staff))
    return CheckReport(tuple(v for v in found if v.amount > 0))


def found_in(
    view: RosterView, *, staff: str | None = None, linking: bool = False
) -> list[tuple[RuleInstance, Violation]]:
    """The violations ``check`` would find, with the rule instance each
    comes from, for part of the rules: with ``linking``, the rules that tie
    people together (cover, group fairness, pairing); otherwise the rules
    about one person at a time, for ``staff`` alone when given. A change to
    one person's shifts changes only their part and the linking part, so a
    caller trying many such changes (``suggest``) checks just those."""
    out: list[tuple[RuleInstance, Violation]] = []
    for inst in view.scenario.rule_instances:
        if inst.rule.links_people != linking:
            continue
        if staff is None or linking:
            out.extend((inst, v) for v in inst.rule.check(view, inst.staff) if v.amount > 0)
        elif staff in inst.staff:
            # some sections look at everyone whatever they are asked: keep
            # what is about this person (each such violation names them)
            found = inst.rule.check(view, [staff])
            out.extend((inst, v) for v in found if v.amount > 0 and v.staff == staff)
    return out
