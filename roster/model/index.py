"""Dense integer indexes for staff (s), days (d), shift types (t) and roles (r).

Ids are strings in files; inside ``model/`` everything is an int.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roster.scenario import Scenario


@dataclass(frozen=True)
class Index:
    """A scenario's ids in its own order, each at its dense index (``staff[s]``,
    ``s_of[id]``); build it with ``Index.of``. Duties share the shift code
    space from ``len(shifts)`` on."""

    staff: tuple[str, ...]
    shifts: tuple[str, ...]
    roles: tuple[str, ...]
    days: int
    s_of: dict[str, int] = field(repr=False)
    #: shift id -> t; duty id -> len(shifts) + k (so ``x(s, d, t)`` reads either)
    t_of: dict[str, int] = field(repr=False)
    r_of: dict[str, int] = field(repr=False)
    duties: tuple[str, ...] = ()

    @classmethod
    def of(cls, scenario: Scenario) -> Index:
        staff = tuple(p.id for p in scenario.staff)
        shifts = tuple(t.id for t in scenario.shifts)
        roles = tuple(r.id for r in scenario.roles)
        duties = tuple(k.id for k in scenario.duties)
        return cls(
            staff=staff,
            shifts=shifts,
            roles=roles,
            days=scenario.horizon.days,
            s_of={k: i for i, k in enumerate(staff)},
            t_of={k: i for i, k in enumerate(shifts + duties)},
            r_of={k: i for i, k in enumerate(roles)},
            duties=duties,
        )

    @property
    def S(self) -> range:
        return range(len(self.staff))

    @property
    def D(self) -> range:
        return range(self.days)

    @property
    def T(self) -> range:
        return range(len(self.shifts))

    @property
    def K(self) -> range:
        """Duty indexes (their code index is ``len(shifts) + k``)."""
        return range(len(self.duties))

    def code(self, t: int) -> str:
        """The id of a shift or duty code index."""
        n = len(self.shifts)
        return self.shifts[t] if t < n else self.duties[t - n]
