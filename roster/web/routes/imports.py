"""Getting people into a unit from spreadsheets (staff, leave, requests; CSV or
XLSX) with a column-mapping step.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
