"""A synthetic ward of any size, for scale benchmarks (not a real ward)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any


def synthetic_ward(staff: int = 100, days: int = 28, seed: int = 0) -> dict[str, Any]:
    """RNs and NAs on E/L/N and 12-hour shifts, full- and part-time, with
    leave, requests, history and the usual contract rules."""
    rng = random.Random(seed)
    start = dt.date(2026, 12, 7)
    people = []
    for i in range(staff):
        role = "RN" if i < staff * 0.65 else "NA"
        contract = rng.choice(["full-time", "full-time", "part-time"])
        person: dict[str, Any] = {
            "id": f"{role}{i:03d}",
            "roles": [role],
            "contract": contract,
            "skills": ["charge"] if role == "RN" and i % 5 == 0 else [],
        }
        if rng.random() < 0.2:
            a = rng.randrange(days - 3)
            person["leave"] = [{"from": (start + dt.timedelta(a)).isoformat(),
                                "to": (start + dt.timedelta(a + rng.randrange(1, 4))).isoformat()}]
        person["requests"] = [
            {
                "dates": [(start + dt.timedelta(rng.randrange(days))).isoformat()],
                "want": rng.choice(["on", "off"]),
                "shift": rng.choice([None, "E", "L", "N"]),
                "weight": rng.randint(1, 5),
            }
            for _ in range(rng.randrange(3))
        ]
        people.append(person)
    rn = sum(1 for p in people if p["roles"] == ["RN"])
    na = staff - rn
    scale = lambda n, k: max(1, round(n * k))
    history = {
        p["id"]: [rng.choice(["E", "L", "N", "-", "-"]) for _ in range(3)]
        for p in people[: staff // 3]
    }
    for codes in history.values():  # keep history free of overlaps and 1-day night runs
        for k in range(1, len(codes)):
            if codes[k - 1] == "N" and codes[k] in ("E", "LD"):
                codes[k] = "N"
    return {
        "name": f"synthetic ward {staff}x{days}",
        "horizon": {"start": start.isoformat(), "days": days},
        "shifts": [
            {"id": "E", "start": "07:00", "end": "15:30", "break_minutes": 30},
            {"id": "L", "start": "13:30", "end": "22:00", "break_minutes": 30},
            {"id": "N", "start": "21:30", "end": "07:30", "break_minutes": 30},
            {"id": "LD", "start": "07:00", "end": "19:30", "break_minutes": 60},
        ],
        "roles": [{"id": "RN"}, {"id": "NA"}],
        "skills": [{"id": "charge"}],
        "contracts": [
            {
                "id": "full-time",
                "hours_per_week": 37.5,
                "rules": [
                    {"kind": "hours", "max_hours": 48, "per": "week"},
                    {"kind": "hours", "min_hours": 37.5 * days / 7 - 16, "weight": 5},
                ],
            },
            {
                "id": "part-time",
                "hours_per_week": 22.5,
                "rules": [{"kind": "hours", "max_hours": 30, "per": "week"}],
            },
        ],
        "staff": people,
        "demand": [
            {"shift": "E", "role": "RN", "min": scale(rn, 0.12), "preferred": scale(rn, 0.16),
             "under_weight": 10, "over_weight": 1},
            {"shift": "L", "role": "RN", "min": scale(rn, 0.10), "preferred": scale(rn, 0.14),
             "under_weight": 10, "over_weight": 1},
            {"shift": "N", "role": "RN", "min": scale(rn, 0.10), "preferred": scale(rn, 0.12),
             "under_weight": 10, "over_weight": 1},
            {"shift": "E", "role": "NA", "min": scale(na, 0.12)},
            {"shift": "L", "role": "NA", "min": scale(na, 0.10)},
            {"shift": "N", "role": "NA", "min": scale(na, 0.08)},
            {"shift": "E", "role": "RN", "skill": "charge", "min": 1},
            {"shift": "N", "role": "RN", "skill": "charge", "min": 1},
        ],
        "history": history,
        "rules": [
            {"kind": "min_rest", "hours": 11},
            {"kind": "consecutive", "max": 6},
            {"kind": "consecutive", "what": "off", "min": 2, "weight": 3},
            {"kind": "consecutive", "what": "shift", "shifts": ["N"], "min": 2, "max": 4,
             "weight": 5},
            {"kind": "max_weekends", "max": max(1, days // 14), "weight": 8},
            {"kind": "complete_weekends", "weight": 2},
            {"kind": "fairness", "measure": "nights", "weight": 4},
            {"kind": "fairness", "measure": "weekends", "weight": 4},
        ],
    }
