"""Points per attempt (documented in the README: "Points and leaderboards")."""

from __future__ import annotations

POINTS_FOR_FULL_ANSWER = 10
DAILY_BONUS = 5


def points_for(score: float, *, daily_on_its_day: bool) -> int:
    """Up to 10 points for coverage, plus 5 for answering the daily question on its day.

    The bonus needs a score above zero, so an empty reply earns nothing.
    """
    base = round(max(0.0, min(1.0, score)) * POINTS_FOR_FULL_ANSWER)
    bonus = DAILY_BONUS if daily_on_its_day and score > 0 else 0
    return base + bonus
