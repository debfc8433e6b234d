"""The model builder: variables, the one-shift skeleton, every rule's encode().

``BuiltModel`` holds the CP-SAT model, its variables and penalties. Each rule
instance sees it through its own ``RuleContext`` (the constraints layer's
``ModelContext`` protocol): literals (history days as constants), and the
only ways to add to the model. "This must hold" becomes either a hard
constraint the infeasibility explainer can switch off, or an exact, named
penalty, so no rule writes that twice and no hard rule escapes explanation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ortools.sat.python import cp_model
from ortools.sat.python import cp_model_helper as cmh

from roster.constraints.base import Rule, Section
from roster.constraints.leave import blocked
from roster.constraints.literals import Expr, Lit, neg, soft_one
from roster.model.index import Index
from roster.model.variables import Pinned, Variables
from roster.scenario import Scenario


class Penalty(NamedTuple):
    """``weight * amount`` in the objective, named for reports. The sum over
    a rule's penalties is >= 0; one term alone may be negative (a literal
    that lowers a constant penalty, see ``soft_one``). A tuple: a
    year-long sub-model makes tens of thousands of them."""

    amount: Expr
    weight: int
    rule: str
    staff: str | None
    days: tuple[int, ...]


class BuiltModel:
    """The CP-SAT model of a scenario (or of a neighbourhood of a roster):
    variables, literals shared between rules, penalties and, when
    explaining, the assumption literals that switch hard rules on."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        explain: bool = False,
        soft_cover: bool = False,
        free: Sequence[tuple[int, int]] | None = None,
        pinned: Pinned | None = None,
        blocked: set[tuple[int, int, int]] | None = None,
    ):
        self.scenario = scenario
        self.index = Index.of(scenario)
        self.model = cp_model.CpModel()
        # explaining keeps every cell, so that leave and limits can be blamed
        if blocked is None:
            blocked = set() if explain else blocked_cells(scenario, self.index)
        self.vars = Variables.create(
            self.model, scenario, self.index, blocked=blocked, free=free, pinned=pinned
        )
        #: a sub-model: only the ``free`` cells are decided, penalties are up to a constant
        self.partial = free is not None
        #: staff and days with a variable (all, unless re-optimising a neighbourhood)
        self.free_staff = {s for s, _ in self.vars.x}
        self.free_days = {d for _, d in self.vars.x}
        #: (d, t) -> [(s, r)] worked in fixed cells, for counting cover fast
        self.pinned_at: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        free_cells = self.vars.x
        n = len(self.index.shifts)
        for (s, d), (t, r, k) in self.vars.pinned.items():
            if (s, d) not in free_cells:
                if t >= 0:
                    self.pinned_at[d, t].append((s, r))
                if k >= 0:
                    self.pinned_at[d, n + k].append((s, self.vars.duty_role[s][k]))
        self.penalties: list[Penalty] = []
        #: explain mode: every hard rule instance is switched on by a literal
        self.explain = explain
        self.soft_cover = soft_cover
        self.assumptions: dict[Any, tuple[cp_model.IntVar, str]] = {}
        self._cache: dict[Any, Any] = {}
        self._objective: tuple[int, Expr] | None = None
        self._hist = [scenario.history_of(p) for p in self.index.staff]
        self._hist_duty = [scenario.history_duties(p) for p in self.index.staff]

    # -- literals ----------------------------------------------------------
    def history_len(self, s: int) -> int:
        return len(self._hist[s])

    def x(self, s: int, d: int, t: int) -> Lit:
        """s works shift t on day d: a literal in the horizon, a constant in
        the history, False outside what is known (before the history, after
        the end). A code index from ``len(shifts)`` on is a duty."""
        n = len(self.index.shifts)
        if t >= n:
            return self.duty_row(s, d)[t - n]
        return self.row(s, d)[t]

    def duty_row(self, s: int, d: int) -> Sequence[Lit]:
        """s holds duty k on day d, for every duty k: a constant in the
        history, False outside what is known."""
        if 0 <= d < self.index.days:
            row = self.vars.y.get((s, d))
            if row is not None:
                return row
            return [self.vars.duty(s, d, k) for k in self.index.K]
        hist = self._hist_duty[s]
        if d < 0 and len(hist) + d >= 0:
            return [hist[len(hist) + d] == duty for duty in self.index.duties]
        return [False] * len(self.index.duties)

    def row(self, s: int, d: int) -> Sequence[Lit]:
        """``x(s, d, t)`` for every shift t at once (the fast path)."""
        if 0 <= d < self.index.days:
            row = self.vars.x.get((s, d))
            if row is not None:
                return row
            cell = self.vars.pinned.get((s, d))
            return [cell is not None and cell[0] == t for t in self.index.T]
        hist = self._hist[s]
        if d < 0 and len(hist) + d >= 0:
            return [hist[len(hist) + d] == shift for shift in self.index.shifts]
        return [False] * len(self.index.shifts)

    def works(self, s: int, d: int) -> Lit:
        """s works on day d: a shift or a resident duty (False outside what
        is known)."""
        if 0 <= d < self.index.days:
            return self.vars.worked(s, d)
        hist = self._hist[s]
        if d < 0 and len(hist) + d >= 0:
            k = len(hist) + d
            duty = self._hist_duty[s][k]
            return hist[k] is not None or duty in self.scenario.resident_duties
        return False

    def as_role(self, s: int, d: int, t: int, r: int) -> Lit:
        """s works t on horizon day d as role r."""
        return self.vars.as_role(s, d, t, r)

    def one_of(self, lits: Sequence[Lit]) -> Lit:
        """A literal for "one of these" when at most one can hold (shifts of
        one person on one day), shared between rules."""
        return self._either(lits, exclusive=True)

    def any_of(self, lits: Sequence[Lit]) -> Lit:
        """A literal for "any of these" (several may hold: a shift and a
        duty on one day), shared between rules."""
        return self._either(lits, exclusive=False)

    def _either(self, lits: Sequence[Lit], exclusive: bool) -> Lit:
        if any(lit is True for lit in lits):
            return True
        live = [lit for lit in lits if not isinstance(lit, bool)]
        if len(live) <= 1:
            return live[0] if live else False

        def make() -> cp_model.IntVar:
            on = self.model.new_bool_var("")
            if exclusive:  # the sum is 0 or 1: one linear equality
                self.model.add(sum(live) == on)
            else:
                self.model.add_bool_or([*live, ~on])
                for lit in live:
                    self.model.add_implication(lit, on)
            return on

        key = ("one_of" if exclusive else "any_of", tuple(v.index for v in live))
        return self.cached(key, make)

    def is_free(self, s: int, d: int) -> bool:
        return (s, d) in self.vars.x

    def cached(self, key: Any, make: Callable[[], Any]) -> Any:
        """Build an auxiliary variable once and share it between rules."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def objective(self) -> Expr:
        """The weighted sum of the penalties (built once: it is large)."""
        if self._objective is None or self._objective[0] != len(self.penalties):
            terms = cp_model.LinearExpr.weighted_sum(
                [p.amount for p in self.penalties], [p.weight for p in self.penalties]
            )
            self._objective = (len(self.penalties), terms)
        return self._objective[1]


class RuleContext:
    """What one rule instance's encode() sees: the ``ModelContext`` protocol.

    The literals of the model it is built on, and the only ways a rule adds
    to the model: ``require*`` (hard, switched off by the infeasibility
    explainer per rule instance), ``limit``/``forbid``/``penalize`` (hard or
    an exact penalty) and ``always``/``new_*`` for auxiliary variables and
    their definitions. ``origin`` is where the rule was written.
    """

    def __init__(self, built: BuiltModel, rule: Rule | Section, origin: str):
        self._built = built
        self._model = built.model
        self.rule = rule
        self.origin = origin
        self.scenario = built.scenario
        self.index = built.index
        self.partial = built.partial
        self.explain = built.explain
        self.soft_cover = built.soft_cover
        self.free_staff = built.free_staff
        self.free_days = built.free_days
        self.pinned_at = built.pinned_at
        # the literal readers are the model's own (bound once: the hot path)
        self.history_len = built.history_len
        self.x = built.x
        self.row = built.row
        self.duty_row = built.duty_row
        self.works = built.works
        self.as_role = built.as_role
        self.one_of = built.one_of
        self.any_of = built.any_of
        self.is_free = built.is_free
        self.cached = built.cached

    # -- auxiliary variables: definitions, never switched off ------------------
    def new_bool(self, name: str = "") -> cp_model.IntVar:
        return self._model.new_bool_var(name)

    def new_int(self, lo: int, hi: int, name: str = "") -> cp_model.IntVar:
        return self._model.new_int_var(lo, hi, name)

    def always(self, constraint: Any) -> None:
        """A linear constraint that defines an auxiliary variable, or a fact
        of the world (one person, one place at a time): it holds even while
        explaining, where only rules are switched off."""
        self._model.add(constraint)

    def define_max(self, target: cp_model.IntVar, exprs: Sequence[Expr]) -> None:
        """target = max(exprs), a definition."""
        self._model.add_max_equality(target, exprs)

    def define_min(self, target: cp_model.IntVar, exprs: Sequence[Expr]) -> None:
        """target = min(exprs), a definition."""
        self._model.add_min_equality(target, exprs)

    # -- hard ------------------------------------------------------------------
    def require(
        self, constraint: Any, *, staff: int | None, key: Any = None, text: str | None = None
    ) -> None:
        """A hard linear constraint of this rule (see ``_switchable``)."""
        self._switchable(self._model.add(constraint), staff, key, text)

    def require_any(
        self, lits: Sequence[Lit], *, staff: int | None, key: Any = None, text: str | None = None
    ) -> None:
        """At least one of ``lits`` holds (none given: the rule cannot hold)."""
        if any(lit is True for lit in lits):
            return
        live = [lit for lit in lits if not isinstance(lit, bool)]
        self._switchable(self._model.add_bool_or(live), staff, key, text)

    def require_at_most_one(
        self, lits: Sequence[Lit], *, staff: int | None, key: Any = None, text: str | None = None
    ) -> None:
        """At most one of ``lits`` holds."""
        on = sum(1 for lit in lits if lit is True)
        live = [lit for lit in lits if not isinstance(lit, bool)]
        if on > 1:
            self.require_any([], staff=staff, key=key, text=text)
        elif on == 1 and live:
            self.require(sum(live) == 0, staff=staff, key=key, text=text)
        elif len(live) > 1:
            self._switchable(self._model.add_at_most_one(live), staff, key, text)

    def _switchable(
        self, ct: cp_model.Constraint, staff: int | None, key: Any, text: str | None
    ) -> None:
        """When explaining, ``ct`` holds only under its rule instance's
        assumption literal: one per ``key`` (default: this rule for this
        person), described by ``text`` in the explanation."""
        if not self.explain:
            return
        assumptions = self._built.assumptions
        key = key if key is not None else (self.origin, staff)
        if key not in assumptions:
            if text is None:
                who = self.index.staff[staff] if staff is not None else "everyone in scope"
                text = f"{who}: {self.rule.describe()} ({self.origin})"
            assumptions[key] = (self._model.new_bool_var(f"assume{len(assumptions)}"), text)
        ct.only_enforce_if(assumptions[key][0])

    # -- hard or soft ----------------------------------------------------------
    def penalize(
        self,
        amount: Expr,
        weight: int,
        staff: int | None,
        days: Sequence[int],
        rule: str | None = None,
    ) -> None:
        """``weight * amount`` in the objective, named for reports (``rule``,
        default this rule's label)."""
        if weight and not self.explain:
            who = self.index.staff[staff] if staff is not None else None
            self._built.penalties.append(
                Penalty(amount, weight, rule or self.rule.label, who, tuple(days))
            )

    def limit(
        self,
        expr: Expr,
        lo: int | None,
        hi: int | None,
        ub: int,
        *,
        weight: int | None,
        staff: int | None,
        days: Sequence[int],
        unit: int = 1,
        scale: int = 1,
        key: Any = None,
        text: str | None = None,
        rule: str | None = None,
    ) -> None:
        """lo <= expr <= hi, hard (weight None) or soft.

        Soft: the penalty is weight * ceil(violation * scale / unit), tied
        exactly to the assignments (not just bounded), so any solution's
        objective equals what the checker computes. ``ub`` bounds |expr|.
        """
        if isinstance(expr, int):  # every cell fixed: nothing to decide
            short = max(0, (lo or 0) - expr) + max(0, expr - hi if hi is not None else 0)
            if short and weight is None:
                self.require_any([], staff=staff, key=key, text=text)
            elif short and weight is not None and not self.explain:
                self.penalize(-(-short * scale // unit), weight, staff, days, rule)
            return
        if weight is None:
            if lo is not None and lo > 0:
                self.require(expr >= lo, staff=staff, key=key, text=text)
            if hi is not None:
                self.require(expr <= hi, staff=staff, key=key, text=text)
            return
        if self.explain or weight == 0:
            return
        if self._limit_one_literal(expr, lo, hi, weight, staff, days, unit, scale, rule):
            return
        for excess in ([expr - hi] if hi is not None else []) + ([lo - expr] if lo else []):
            top = max(ub, lo or 0)
            over = self.new_int(0, top, "over")
            self.define_max(over, [excess, 0])
            amount = over
            if unit > 1 or scale > 1:
                amount = self.new_int(0, -(-top * scale // unit), "units")
                # amount = ceil(over * scale / unit), as two linear inequalities
                self.always(unit * amount >= scale * over)
                self.always(unit * amount <= scale * over + unit - 1)
            self.penalize(amount, weight, staff, days, rule)

    def _limit_one_literal(
        self,
        expr: Expr,
        lo: int | None,
        hi: int | None,
        weight: int,
        staff: int | None,
        days: Sequence[int],
        unit: int,
        scale: int,
        rule: str | None,
    ) -> bool:
        """A soft limit on ``offset + coeff * b`` for one Boolean b is the exact
        penalty ``p0 + (p1 - p0) * b``, no auxiliary variable (``soft_one``).
        Neighbourhoods are full of these: the max-equalities they replace
        made up most of a one-person sub-model. (Cover, which has most of
        them, sums its own into one penalty.)"""
        flat = cmh.FlatIntExpr(expr)
        if len(flat.vars) != 1 or not flat.vars[0].is_boolean:
            return False
        p0, p1 = soft_one(flat.offset, flat.coeffs[0], lo, hi, unit, scale)
        # two plain terms: an expression object per term costs more to build
        if p0:
            self.penalize(p0, weight, staff, days, rule)
        if p1 != p0:
            self.penalize(flat.vars[0], weight * (p1 - p0), staff, days, rule)
        return True

    def forbid(
        self,
        lits: Sequence[Lit],
        *,
        weight: int | None,
        amount: int = 1,
        staff: int | None,
        days: Sequence[int],
        key: Any = None,
        text: str | None = None,
    ) -> None:
        """The conjunction of ``lits`` must not hold (hard) or costs
        ``weight * amount`` when it does (soft). A False literal (a cell
        decided otherwise, a day outside what is known) means it cannot."""
        if any(lit is False for lit in lits):
            return
        live = [lit for lit in lits if lit is not True]
        if weight is None:
            self.require_any([neg(lit) for lit in live], staff=staff, key=key, text=text)
            return
        if self.explain or weight == 0 or amount == 0:
            return
        if not live:
            self.penalize(amount, weight, staff, days)
            return
        if len(live) == 1:
            self.penalize(amount * live[0], weight, staff, days)
            return
        both = self.new_bool("pattern")
        self._model.add_bool_or([neg(lit) for lit in live] + [both])
        for lit in live:
            self._model.add_implication(both, lit)
        self.penalize(amount * both, weight, staff, days)


def blocked_cells(scenario: Scenario, index: Index) -> set[tuple[int, int, int]]:
    """(s, d, t) no roster may use: leave, unavailability, and what hard rules
    rule out for good (a shift limited to 0). They get no variable at all."""
    out: set[tuple[int, int, int]] = set()
    codes = range(len(index.shifts) + len(index.duties))
    for sid, days in blocked(scenario).items():
        s = index.s_of[sid]
        for d, shifts in days.items():
            out.update((s, d, t) for t in codes if shifts is None or index.code(t) in shifts)
    for inst in scenario.rule_instances:
        if inst.rule.hard:
            cells = [(d, index.t_of[t]) for d, t in inst.rule.impossible(scenario)]
            out.update((index.s_of[sid], d, t) for sid in inst.staff for d, t in cells)
    return out


def build(
    scenario: Scenario,
    *,
    explain: bool = False,
    soft_cover: bool = False,
    free: Sequence[tuple[int, int]] | None = None,
    pinned: Pinned | None = None,
    blocked: set[tuple[int, int, int]] | None = None,
    linking: bool = True,
) -> BuiltModel:
    """The CP-SAT model for a scenario, objective included.

    With ``free`` (s, d) cells, only those are decided; every other cell is
    the constant given by ``pinned``, and rules of people with no free cell
    are left out (their penalty is a constant). The objective then differs
    from the whole roster's penalty by a constant: what neighbourhood search
    needs. Without ``linking``, the rules that tie people together (cover,
    group fairness) are left out: each person's penalty is then their own,
    exactly, which is what decomposition prices.
    """
    ctx = BuiltModel(
        scenario, explain=explain, soft_cover=soft_cover, free=free, pinned=pinned, blocked=blocked
    )
    for inst in scenario.rule_instances:
        if not linking and inst.rule.links_people:
            continue
        staff = [ctx.index.s_of[s] for s in inst.staff]
        if not inst.rule.group_rule:
            staff = [s for s in staff if s in ctx.free_staff]
        elif ctx.partial and not ctx.free_staff.intersection(staff):
            continue  # a neighbourhood none of whose people it touches: a constant
        if staff:
            inst.rule.encode(RuleContext(ctx, inst.rule, inst.origin), staff)
    if not explain and ctx.penalties:
        ctx.model.minimize(ctx.objective())
        # every penalty is >= 0; saying so keeps CP-SAT's bound from dipping
        # below zero after presolve rewrites the objective. The domain bounds
        # the objective *without* its constant offset (from negated literals).
        objective = ctx.model.proto.objective
        objective.domain.extend([-int(objective.offset), 2**60])
    return ctx
