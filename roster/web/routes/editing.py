"""Editing a unit's scenario: staff, leave, requests, cover, contracts and
rules through forms generated from the pydantic schema; the unit as scenario
YAML.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
