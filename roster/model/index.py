"""Dense integer indexes for staff (s), days (d), shift types (t) and roles (r).

Ids are strings in files; inside ``model/`` everything is an int.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roster.scenario import Scenario


@dataclass(frozen=True)
class Index:
    staff: tuple[str, ...]
    shifts: tuple[str, ...]
    roles: tuple[str, ...]
    days: int
    s_of: dict[str, int] = field(repr=False)
    t_of: dict[str, int] = field(repr=False)
    r_of: dict[str, int] = field(repr=False)

    @classmethod
    def of(cls, scenario: Scenario) -> Index:
        staff = tuple(p.id for p in scenario.staff)
        shifts = tuple(t.id for t in scenario.shifts)
        roles = tuple(r.id for r in scenario.roles)
        return cls(
            staff=staff,
            shifts=shifts,
            roles=roles,
            days=scenario.horizon.days,
            s_of={k: i for i, k in enumerate(staff)},
            t_of={k: i for i, k in enumerate(shifts)},
            r_of={k: i for i, k in enumerate(roles)},
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
