"""Rest after a run: after the last shift of a run of ``shifts`` (e.g.
nights), at least ``hours`` of real time before the next shift that is not
one of them (``{kind: rest_after, shifts: [N], hours: 48}``: 48 hours off
after a run of nights). A shift of the run on the next day continues it;
days off in between do not end the wait. History counts.

Soft penalty per missing hour of rest, rounded up, per short rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from roster.constraints.min_rest import MinRest

if TYPE_CHECKING:
    from roster.records import Duty, Shift
    from roster.scenario import Scenario


class RestAfter(MinRest):
    """At least ``hours`` off after the last shift of a run of ``shifts``."""

    kind: Literal["rest_after"]  # type: ignore[assignment]
    shifts: list[str] = Field(min_length=1, description="the shifts of the run, e.g. [N]")
    hours: float = Field(gt=0, le=96, description="real hours off after the run")

    shift_fields: ClassVar[tuple[str, ...]] = ("shifts",)

    def describe(self) -> str:
        return f"at least {self.hours:g} h off after a run of {', '.join(self.shifts)}"

    def pairs_of(self, scenario: Scenario) -> tuple[list[Shift | Duty], list[Shift | Duty]]:
        """The run's shifts, and the work that ends the rest: other shifts
        and resident duties."""
        run: list[Shift | Duty] = [s for s in scenario.shifts if s.id in self.shifts]
        after = [s for s in scenario.shifts if s.id not in self.shifts]
        return run, [*after, *(k for k in scenario.duties if k.resident)]

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        from hypothesis import strategies as st  # a test dependency

        return {
            "shifts": draw(
                st.lists(st.sampled_from(ids["shift_ids"]), min_size=1, max_size=2, unique=True)
            ),
            "hours": draw(st.sampled_from([11, 24, 48, 60.5])),
        }
