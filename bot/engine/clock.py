"""Local days and weeks, and the one wall clock.

Every day and week function takes the moment explicitly and none reads the clock: the
engine is given `now`. `utc_now` is the wall clock the edges (adapters, the scheduler,
backups) read and pass in; tests give them a fixed `Clock` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
"""Where an edge of the bot reads the time: `utc_now`, or a test's fixed clock."""


def utc_now() -> datetime:
    """The wall clock, in UTC. Only the edges call it; the engine takes `now`."""
    return datetime.now(UTC)


def require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime was given; pass an aware time (UTC)")
    return moment


def utc(moment: datetime) -> datetime:
    return require_aware(moment).astimezone(UTC)


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar date at `moment` in `timezone`."""
    return require_aware(moment).astimezone(ZoneInfo(timezone)).date()


def day_end(day: date, timezone: str) -> datetime:
    """The moment (UTC) local `day` ends in `timezone`: the next day's local midnight.

    Daylight-saving days are 23 or 25 hours long; this follows the zone's rules.
    """
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(timezone))
    return midnight.astimezone(UTC)


def week_start(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def week_period(moment: datetime, timezone: str) -> str:
    """The leaderboard period key of the local week holding `moment`."""
    return f"week:{week_start(local_day(moment, timezone)).isoformat()}"


ALL_TIME = "all"
