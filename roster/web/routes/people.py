"""Read-only links per staff member: their own shifts and their calendar feed."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
