"""Evening streak reminders: who gets one, as a pure function of their streak and clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.engine.streaks import StreakState, at_risk, live_streak


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """A player to nudge in their private chat tonight."""

    user_id: int
    platform: str
    chat_external_id: int
    """The player's private chat."""
    local_day: date
    """The player's local day the reminder is for (at most one a day)."""
    streak: int
    """The streak that breaks unless they answer today."""
    freezes: int
    language: str | None = None
    """The player's interface language (None: the default)."""


def reminder_due(
    state: StreakState, local_now: datetime, remind_at: time, reminded_day: date | None
) -> bool:
    """True once `remind_at` has passed on a local day the streak is at risk (it ends
    tonight without an answer, so nothing was answered today) and no reminder went yet."""
    today = local_now.date()
    if local_now.time().replace(tzinfo=None) < remind_at:
        return False
    if reminded_day is not None and reminded_day >= today:
        return False
    return at_risk(state, today) and live_streak(state, today) > 0
