"""The weekly recap of a group: its data is the engine's (`bot.engine.recaps`),
re-exported here for progress callers; its wording is `bot.presentation.recap`.
"""

from __future__ import annotations

from bot.engine.recaps import (
    HARDEST,
    REMINDER_MAX,
    TOP_MEMBERS,
    TOP_STREAKS,
    HardQuestion,
    Recap,
    RecapDue,
    RecapMember,
    RecapStreak,
    answer_reminder,
    hardest_questions,
    longest_streaks,
    recap_due,
    shorten,
)

__all__ = [
    "HARDEST",
    "REMINDER_MAX",
    "TOP_MEMBERS",
    "TOP_STREAKS",
    "HardQuestion",
    "Recap",
    "RecapDue",
    "RecapMember",
    "RecapStreak",
    "answer_reminder",
    "hardest_questions",
    "longest_streaks",
    "recap_due",
    "shorten",
]
