"""Changing a roster: a cell edit checked at once, who can cover a shift,
publishing, and repair after a sick call.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
