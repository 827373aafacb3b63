"""An APScheduler trigger for "every day at HH:MM local time", fired once per local day.

CronTrigger(hour, minute, timezone) fires twice when a fall-back day repeats the hour;
this trigger takes its times from `scheduler.firetimes`, which fires once per local day
on both DST days.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from scheduler.firetimes import next_fire

_TICK = timedelta(microseconds=1)


class DailyTrigger(BaseTrigger):
    __slots__ = ("at", "zone")

    def __init__(self, at: time, zone: ZoneInfo) -> None:
        self.at = at
        self.zone = zone

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """The first fire after the previous one, or at or after `now` for a new job."""
        after = previous_fire_time if previous_fire_time is not None else now - _TICK
        return next_fire(self.at, self.zone, after).astimezone(self.zone)

    def __str__(self) -> str:
        return f"daily[{self.at:%H:%M} {self.zone.key}]"

    def __repr__(self) -> str:
        return f"<DailyTrigger (at={self.at:%H:%M}, zone={self.zone.key!r})>"
