"""The ``roster`` command: thin front ends over the Python API, one module
per group of commands, sharing ``common`` (the group, options, bad input).

Exit codes: 0 done, 1 check found hard violations, 2 bad input,
3 hard rules cannot all hold, 4 no roster within the time limit, 130 batch or
whatif stopped by Ctrl-C (finished results kept).
"""

from roster.cli import bench, files, inspecting, serve, solving  # noqa: F401  (they add the commands)
from roster.cli.common import main

__all__ = ["main"]
