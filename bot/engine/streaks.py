"""Daily streaks with freezes, as pure functions of local calendar days.

A streak counts consecutive local days with at least one answer. It stays alive until the
end of the day after the last answer. One freeze is earned for every 7 days of a run
(at most 2 held); when days were missed, the next answer spends one freeze per missed day
to keep the streak, if enough are held.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

FREEZE_EVERY = 7
MAX_FREEZES = 2


@dataclass(frozen=True, slots=True)
class StreakState:
    current: int = 0
    longest: int = 0
    last_day: date | None = None
    freezes: int = 0


@dataclass(frozen=True, slots=True)
class StreakChange:
    state: StreakState
    extended: bool
    """True when this answer added a day to the streak (the first answer of the day)."""
    frozen_days: tuple[date, ...] = ()
    freeze_earned: bool = False
    broken_streak: int = 0
    """The length of a streak this answer could not save (0 if none was lost)."""


def record_answer(state: StreakState, day: date) -> StreakChange:
    """The streak after an answer on local `day`."""
    last = state.last_day
    if last is not None and day <= last:
        return StreakChange(state, extended=False)
    missed = 0 if last is None else (day - last).days - 1
    frozen: tuple[date, ...] = ()
    broken = 0
    freezes = state.freezes
    if last is None:
        current = 1
    elif missed == 0:
        current = state.current + 1
    elif missed <= freezes:
        frozen = tuple(last + timedelta(days=n) for n in range(1, missed + 1))
        freezes -= missed
        current = state.current + 1
    else:
        broken = state.current
        current = 1
    earned = current % FREEZE_EVERY == 0 and freezes < MAX_FREEZES
    if earned:
        freezes += 1
    new_state = replace(
        state,
        current=current,
        longest=max(state.longest, current),
        last_day=day,
        freezes=freezes,
    )
    return StreakChange(new_state, True, frozen, earned, broken)


def live_streak(state: StreakState, today: date) -> int:
    """The streak as it stands on `today` (0 once it can no longer be saved)."""
    if state.last_day is None:
        return 0
    missed = (today - state.last_day).days - 1
    return state.current if missed <= state.freezes else 0


def at_risk(state: StreakState, today: date) -> bool:
    """True when the streak is alive but ends tonight unless the player answers today."""
    if state.last_day is None or state.last_day >= today or live_streak(state, today) == 0:
        return False
    missed_if_not_today = (today - state.last_day).days
    return missed_if_not_today > state.freezes
