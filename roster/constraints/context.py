"""What a rule sees: the two halves of the rule contract as protocols.

``ModelContext`` is what ``Rule.encode`` gets (``roster.model.build``'s
``RuleContext`` implements it); ``CheckContext`` is what ``Rule.check`` gets
(``roster.checker``'s ``RosterView``). Rules depend on these protocols, not
on the model or the checker, so the constraints layer sits below both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from roster.constraints.literals import Expr, Lit

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roster.model.index import Index
    from roster.result import Violation
    from roster.roster import Roster
    from roster.scenario import Scenario


class ModelContext(Protocol):
    """One rule instance's view of the CP-SAT model being built.

    Literals are CP-SAT Booleans in the horizon, constants where a cell is
    decided (history, pinned cells) and False outside what is known. Every
    constraint a rule adds goes through ``require*`` (hard: the explainer
    switches it off per rule instance), ``limit``/``forbid``/``penalize``
    (hard or an exact penalty) or ``always`` (a definition of an auxiliary
    variable), so no hard rule escapes an infeasibility explanation.
    """

    scenario: Scenario
    index: Index
    #: where the rule was written (``rules[3]``, ``staff.RN1.rules[0]``)
    origin: str
    #: a neighbourhood: only some cells are decided, penalties up to a constant
    partial: bool
    #: building for an infeasibility explanation: hard rules only
    explain: bool
    soft_cover: bool
    free_staff: set[int]
    free_days: set[int]
    #: (d, t) -> [(s, r)] worked in decided cells
    pinned_at: dict[tuple[int, int], list[tuple[int, int]]]

    # -- literals --------------------------------------------------------------
    def history_len(self, s: int) -> int: ...
    def x(self, s: int, d: int, t: int) -> Lit: ...
    def row(self, s: int, d: int) -> Sequence[Lit]: ...
    def duty_row(self, s: int, d: int) -> Sequence[Lit]: ...
    def works(self, s: int, d: int) -> Lit: ...
    def as_role(self, s: int, d: int, t: int, r: int) -> Lit: ...
    def one_of(self, lits: Sequence[Lit]) -> Lit: ...
    def any_of(self, lits: Sequence[Lit]) -> Lit: ...
    def is_free(self, s: int, d: int) -> bool: ...
    def cached(self, key: Any, make: Callable[[], Any]) -> Any: ...

    # -- auxiliary variables ---------------------------------------------------
    def new_bool(self, name: str = "") -> cp_model.IntVar: ...
    def new_int(self, lo: int, hi: int, name: str = "") -> cp_model.IntVar: ...
    def always(self, constraint: Any) -> None: ...
    def define_max(self, target: cp_model.IntVar, exprs: Sequence[Expr]) -> None: ...
    def define_min(self, target: cp_model.IntVar, exprs: Sequence[Expr]) -> None: ...

    # -- hard ------------------------------------------------------------------
    def require(
        self, constraint: Any, *, staff: int | None, key: Any = None, text: str | None = None
    ) -> None: ...
    def require_any(
        self, lits: Sequence[Lit], *, staff: int | None, key: Any = None, text: str | None = None
    ) -> None: ...
    def require_at_most_one(
        self, lits: Sequence[Lit], *, staff: int | None, key: Any = None, text: str | None = None
    ) -> None: ...

    # -- hard or soft ----------------------------------------------------------
    def penalize(
        self,
        amount: Expr,
        weight: int,
        staff: int | None,
        days: Sequence[int],
        rule: str | None = None,
    ) -> None: ...
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
    ) -> None: ...
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
    ) -> None: ...


class CheckContext(Protocol):
    """A finished roster (and the history before it) by person and day
    index, read-only: all a rule's independent check may look at."""

    scenario: Scenario
    roster: Roster
    soft_cover: bool
    #: days in the horizon
    days: int

    def history_len(self, staff: str) -> int: ...
    def known(self, staff: str, d: int) -> bool: ...
    def assignments(self, staff: str, d: int) -> Sequence[tuple[str, str | None]]: ...
    def shifts(self, staff: str, d: int) -> list[str]: ...
    def duties(self, staff: str, d: int) -> list[str]: ...
    def works(self, staff: str, d: int) -> bool | None: ...
    def working(self, d: int, shift: str) -> list[tuple[str, str | None]]: ...
    def date(self, d: int) -> dt.date: ...
    def violation(
        self,
        rule: str,
        staff: str | None,
        days: Iterable[int],
        amount: int,
        weight: int | None,
        message: str,
    ) -> Violation: ...
