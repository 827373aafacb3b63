"""A schedule slot: one (push time, timezone) shared by every chat that chose it.

The scheduler keeps one job per slot, not one per chat: 50,000 chats at a handful of
times make a handful of jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.config import parse_hhmm, parse_timezone
from scheduler import firetimes


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    push_time: str
    """'HH:MM', as the chats store it."""
    timezone: str
    """IANA name, as the chats store it."""

    @classmethod
    def parse(cls, push_time: str, timezone: str) -> Slot:
        """The slot of a chat's settings; ValueError if either is not valid."""
        parse_hhmm(push_time)
        parse_timezone(timezone)
        return cls(push_time, timezone)

    @property
    def at(self) -> time:
        return parse_hhmm(self.push_time)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def job_id(self) -> str:
        return f"daily:{self.push_time}:{self.timezone}"

    def next_fire(self, after: datetime) -> datetime:
        return firetimes.next_fire(self.at, self.zone, after)

    def last_fire(self, now: datetime) -> datetime:
        return firetimes.last_fire(self.at, self.zone, now)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def __str__(self) -> str:
        return f"{self.push_time} {self.timezone}"
