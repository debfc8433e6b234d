"""Literals and the arithmetic on them that rules and the model builder
share. No project imports: any layer may use it."""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

#: a CP-SAT Boolean, or a constant where the cell is decided already
Lit = cp_model.IntVar | bool
#: a CP-SAT linear expression
Expr = Any


def neg(lit: Lit) -> Lit:
    """The negation of a literal or a constant."""
    if isinstance(lit, bool):
        return not lit
    return ~lit  # type: ignore[return-value]  # a negated Boolean is a literal too


def soft_one(
    offset: int, coeff: int, lo: int | None, hi: int | None, unit: int = 1, scale: int = 1
) -> tuple[int, int]:
    """The penalty units of soft ``lo <= offset + coeff * b <= hi`` at b = 0
    and at b = 1: the penalty is then exactly ``p0 + (p1 - p0) * b``."""
    low, high = lo or 0, hi if hi is not None else 1 << 62
    at0, at1 = offset, offset + coeff
    p0 = -(-(max(0, low - at0) + max(0, at0 - high)) * scale // unit)
    p1 = -(-(max(0, low - at1) + max(0, at1 - high)) * scale // unit)
    return p0, p1
