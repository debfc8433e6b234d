"""roster: staff shift rosters for hospital care teams, built on CP-SAT.

The Python API::

    from roster import load_scenario, solve, check, SolveParams
    scenario = load_scenario("scenarios/medical-ward.yaml")
    result = solve(scenario, SolveParams(time_limit=30))
    result.roster.df          # staff, date, shift, role
    check(scenario, result.roster).total_penalty == result.objective
"""

from roster.check import check
from roster.load import load_scenario
from roster.model.solve import Progress, SolveParams, solve
from roster.output import write_result
from roster.result import CheckReport, Result, SolveStatus, Violation
from roster.roster import Roster
from roster.scenario import Scenario
from roster.validation import ScenarioError

__all__ = [
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
