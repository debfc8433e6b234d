"""The what-if page: choose keys and values, run in the background, the chart
and the fewest staff needed.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
