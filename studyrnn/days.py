"""The study day: the learner's local day, starting at a rollover hour (Anki: "next day starts
at"). No heavy imports: home's quick counts read it before SQLAlchemy loads.

A study day is numbered as days since 1970-01-01 of its local date: an answer at 02:30 local
time with the 4 a.m. rollover belongs to the day before. ``review_days.day``, the daily limits,
the heatmap and the forecast all use this numbering. Pure functions, no store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache

EPOCH_DATE = date(1970, 1, 1)
DEFAULT_ROLLOVER_HOUR = 4
FORECAST_BUCKET = timedelta(minutes=15)  # every UTC offset in use is a multiple of 15 minutes


@lru_cache(maxsize=32)
def zone(name: str) -> tzinfo:
    """The IANA zone ``name`` (``UTC`` for an unknown or empty name: never fail on a day)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name or name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def is_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return name == "UTC"
    return True


@dataclass(frozen=True, slots=True)
class DayRule:
    """Where a learner's days begin: ``timezone`` (IANA name) and ``rollover_hour`` (0-23)."""

    timezone: str = "UTC"
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR

    def day_of(self, moment: datetime) -> int:
        """The study day holding ``moment`` (aware), as days since 1970-01-01."""
        local = moment.astimezone(zone(self.timezone)) - timedelta(hours=self.rollover_hour)
        return (local.date() - EPOCH_DATE).days

    def start(self, day: int) -> datetime:
        """The UTC moment study day ``day`` begins (the rollover hour of its local date)."""
        d = EPOCH_DATE + timedelta(days=day)
        local = datetime(d.year, d.month, d.day, self.rollover_hour, tzinfo=zone(self.timezone))
        return local.astimezone(UTC)

    def start_of(self, moment: datetime) -> datetime:
        return self.start(self.day_of(moment))


def day_date(day: int) -> date:
    """The local date a study day is named after."""
    return EPOCH_DATE + timedelta(days=day)


def local_zone_name() -> str:
    """The IANA name of this machine's zone: ``$TZ`` if it names one, else /etc/localtime's link."""
    import os
    from pathlib import Path

    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and is_zone(tz):
        return tz
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return "UTC"
    marker = "zoneinfo/"
    if marker in target:
        name = target.split(marker, 1)[1]
        if is_zone(name):
            return name
    return "UTC"
