"""Real time: a shift on a date is an interval of real instants.

Shifts and clock-time cover are written in wall-clock times ("21:00-07:30")
of the scenario's time zone. Payroll and the working-time rules count real
hours, so every length, rest gap and weekly total comes from the instants
those clock times name on their dates: the night of a day when the clocks go
back is an hour longer, the rest across a spring-forward night an hour
shorter. Instants are whole minutes since the horizon's first local midnight,
so the model, the checker and the outputs share one integer axis.

A clock time that does not exist (skipped when the clocks go forward) is read
with the offset before the change, and one that occurs twice (when they go
back) as its first occurrence, as Python's ``zoneinfo`` does for ``fold=0``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.UTC


class Timeline:
    """Instants of one scenario: its time zone and its first day."""

    def __init__(self, zone: ZoneInfo, start: dt.date) -> None:
        self.zone = zone
        self.start = start
        self._origin = self.aware(0, 0).astimezone(UTC)
        self._instants: dict[tuple[int, int], int] = {}

    def aware(self, day: int, minute: int) -> dt.datetime:
        """The local time ``minute`` minutes of wall clock after midnight of
        day index ``day`` (may be negative, or 1440 and beyond)."""
        naive = dt.datetime.combine(self.start, dt.time()) + dt.timedelta(days=day, minutes=minute)
        return naive.replace(tzinfo=self.zone)

    def instant(self, day: int, minute: int) -> int:
        """Real minutes from the horizon's first local midnight."""
        key = (day, minute)
        t = self._instants.get(key)
        if t is None:
            real = self.aware(day, minute).astimezone(UTC) - self._origin
            t = self._instants[key] = int(real.total_seconds()) // 60
        return t

    def local(self, t: int) -> dt.datetime:
        """Instant ``t`` as a local, offset-aware datetime."""
        return (self._origin + dt.timedelta(minutes=t)).astimezone(self.zone)

    def clock(self, t: int) -> str:
        """'HH:MM' on the local clock at instant ``t``."""
        return self.local(t).strftime("%H:%M")

    def day_length(self, day: int) -> int:
        """Real minutes in the local day ``day``: 1440, or 1380/1500 when the
        clocks change."""
        return self.instant(day + 1, 0) - self.instant(day, 0)

    def clock_changes(self, days: int) -> dict[int, int]:
        """Day index -> minutes the day is longer (+60) or shorter (-60)
        than 24 hours, for the days of the horizon when the clocks change."""
        out = {}
        for d in range(days):
            extra = self.day_length(d) - 1440
            if extra:
                out[d] = extra
        return out
