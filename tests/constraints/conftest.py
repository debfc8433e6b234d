"""Make ``tests/helpers.py`` and ``ruletools.py`` importable from here."""

import sys
from pathlib import Path

for path in (Path(__file__).parent, Path(__file__).parent.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
