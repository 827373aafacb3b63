"""The calendar heatmap's data: answers per local day over the last weeks, with the
current streak's days and the days a streak freeze covered. Pure; no drawing."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.engine.clock import week_start

WEEKS = 12


class DayKind(StrEnum):
    EMPTY = "empty"
    """No answer that day."""
    ANSWERED = "answered"
    FROZEN = "frozen"
    """A streak freeze covered the day (no answer, streak kept)."""


@dataclass(frozen=True, slots=True)
class DayCell:
    day: date
    week: int
    """Column: 0 is the oldest week, the last one holds today."""
    weekday: int
    """Row: 0 is Monday."""
    answers: int
    kind: DayKind
    in_streak: bool
    """Part of the current (live) streak."""
    is_today: bool


@dataclass(frozen=True, slots=True)
class Heatmap:
    first_day: date
    """The Monday the first column starts on."""
    today: date
    weeks: int
    cells: tuple[DayCell, ...]
    """Every day from `first_day` to `today` (later days of this week are left out)."""


def streak_days(
    answered: Collection[date], frozen: Collection[date], last_day: date | None, live: int
) -> set[date]:
    """The days of the live streak: `live` answered days back from `last_day`, with the
    frozen days between them. Empty when the streak is broken (`live` is 0)."""
    days: set[date] = set()
    if last_day is None or live <= 0:
        return days
    counted = 0
    day = last_day
    while counted < live:
        if day in answered:
            counted += 1
        elif day not in frozen:
            break
        days.add(day)
        day -= timedelta(days=1)
    return days


def build_heatmap(
    today: date,
    answers_by_day: Mapping[date, int],
    frozen: Collection[date],
    in_streak: Collection[date],
    weeks: int = WEEKS,
) -> Heatmap:
    first = week_start(today) - timedelta(weeks=weeks - 1)
    cells = []
    for offset in range((today - first).days + 1):
        day = first + timedelta(days=offset)
        answers = answers_by_day.get(day, 0)
        if answers:
            kind = DayKind.ANSWERED
        elif day in frozen:
            kind = DayKind.FROZEN
        else:
            kind = DayKind.EMPTY
        cells.append(
            DayCell(
                day=day,
                week=offset // 7,
                weekday=offset % 7,
                answers=answers,
                kind=kind,
                in_streak=day in in_streak,
                is_today=day == today,
            )
        )
    return Heatmap(first, today, weeks, tuple(cells))


def intensity(answers: int) -> int:
    """A shade 0..4 for a day's number of answers (0 none, 4 five or more)."""
    if answers <= 0:
        return 0
    if answers == 1:
        return 1
    if answers == 2:
        return 2
    if answers <= 4:
        return 3
    return 4
