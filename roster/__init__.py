"""roster: staff shift rosters for hospital care teams, built on CP-SAT.

The Python API::

    from roster import load_scenario, solve, check, SolveParams
    scenario = load_scenario("scenarios/medical-ward.yaml")
    result = solve(scenario, SolveParams(time_limit=30))
    result.roster.df          # staff, date, shift, role
    check(scenario, result.roster).total_penalty == result.objective

The names load on first use, so that ``import roster`` (and the ``roster``
command's start, which Ctrl-C may interrupt) does not wait for CP-SAT and
pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: each public name and the module that defines it
_WHERE = {
    "CheckReport": "roster.result",
    "Progress": "roster.model.solve",
    "Result": "roster.result",
    "Roster": "roster.roster",
    "Scenario": "roster.scenario",
    "ScenarioError": "roster.validation",
    "SolveParams": "roster.model.solve",
    "SolveStatus": "roster.result",
    "Violation": "roster.result",
    "check": "roster.checker",
    "load_scenario": "roster.load",
    "solve": "roster.model.solve",
    "write_result": "roster.output",
}
__all__ = [  # as _WHERE (a test holds them equal), literal for linters
    "CheckReport",
    "Progress",
    "Result",
    "Roster",
    "Scenario",
    "ScenarioError",
    "SolveParams",
    "SolveStatus",
    "Violation",
    "check",
    "load_scenario",
    "solve",
    "write_result",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'roster' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


if TYPE_CHECKING:  # the same names, for type checkers
    from roster.checker import check
    from roster.load import load_scenario
    from roster.model.solve import Progress, SolveParams, solve
    from roster.output import write_result
    from roster.result import CheckReport, Result, SolveStatus, Violation
    from roster.roster import Roster
    from roster.scenario import Scenario
    from roster.validation import ScenarioError
