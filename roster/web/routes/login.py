"""Signing in with the server's password, and out."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
