"""When a daily local time happens, as UTC instants: pure functions, DST-safe.

A push set for `HH:MM` in a zone fires exactly once on every local calendar day:

- on a spring-forward day, when `HH:MM` does not exist (02:30 in Europe/Berlin on the
  last Sunday of March), it fires as the clock reads that time shifted by the gap
  (03:30 CEST, the same instant as 02:30 CET): fold=0, PEP 495;
- on a fall-back day, when `HH:MM` happens twice (02:30 in Europe/Berlin on the last
  Sunday of October, 01:30 in America/New_York on the first Sunday of November), it
  fires at the first of the two (fold=0), never at the second.

APScheduler's CronTrigger fires twice on a fall-back day, which is why the scheduler uses
these functions (through `scheduler.trigger.DailyTrigger`) instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DAY = timedelta(days=1)


def fire_on(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant at which local `day` at `at` fires in `zone`."""
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)


def next_fire(at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first fire strictly after `after` (an aware instant), in UTC."""
    day = _require_aware(after).astimezone(zone).date() - _DAY
    while True:
        fire = fire_on(day, at, zone)
        if fire > after:
            return fire
        day += _DAY


def last_fire(at: time, zone: ZoneInfo, now: datetime) -> datetime:
    """The most recent fire at or before `now` (an aware instant), in UTC."""
    day = _require_aware(now).astimezone(zone).date() + _DAY
    while True:
        fire = fire_on(day, at, zone)
        if fire <= now:
            return fire
        day -= _DAY


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime was given; pass an aware time (UTC)")
    return moment
