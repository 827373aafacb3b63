"""The weekly recap of a group as text: plain, and HTML with every name and deck text
escaped (Telegram's HTML parse mode). Its data (`Recap` and the rest, re-exported here)
is the engine's: `bot.engine.recaps`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

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
    "period_text",
    "recap_due",
    "render_html",
    "render_text",
    "shorten",
]

QUESTION_MAX = 140
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period_text(start: date, end: date) -> str:
    if start.month == end.month:
        return f"{start.day}–{end.day} {MONTHS[end.month - 1]} {end.year}"
    if start.year == end.year:
        return (
            f"{start.day} {MONTHS[start.month - 1]} – {end.day} {MONTHS[end.month - 1]} {end.year}"
        )
    return (
        f"{start.day} {MONTHS[start.month - 1]} {start.year} – "
        f"{end.day} {MONTHS[end.month - 1]} {end.year}"
    )


def render_text(recap: Recap) -> str:
    """The recap as plain text."""
    return _render(recap, lambda text: text, lambda text: text)


def render_html(recap: Recap) -> str:
    """The recap as HTML (<b> only); every name and deck text is escaped."""
    return _render(recap, lambda text: html.escape(text, quote=False), lambda t: f"<b>{t}</b>")


def _render(recap: Recap, escape: Callable[[str], str], bold: Callable[[str], str]) -> str:
    players = f"{recap.players} member{'s' if recap.players != 1 else ''}"
    answers = f"{recap.answers} answer{'s' if recap.answers != 1 else ''}"
    lines = [
        bold(f"📅 Weekly recap · {period_text(recap.week_start, recap.week_end)}"),
        f"{answers} from {players}.",
    ]
    if recap.top:
        lines += ["", bold("🏆 Top of the week")]
        lines += [
            f"{rank}. {escape(member.display_name)} · {member.points} pts"
            for rank, member in enumerate(recap.top, start=1)
        ]
    if recap.streaks:
        lines += ["", bold("🔥 Longest streaks")]
        lines += [
            f"{escape(streak.display_name)} · {streak.days} day{'s' if streak.days != 1 else ''}"
            for streak in recap.streaks
        ]
    if recap.hardest:
        lines += ["", bold("🧠 Hardest questions")]
        for number, hard in enumerate(recap.hardest, start=1):
            lines.append(
                f"{number}. {escape(shorten(hard.question, QUESTION_MAX))}"
                f" (average {hard.average_score:.0%})"
            )
            lines.append(f"   ↳ {escape(hard.reminder)}")
    new = f" (+{recap.new_last_week} new last week)" if recap.new_last_week else ""
    lines += ["", f"📚 Covered {recap.covered} of {recap.deck_total} questions{new}."]
    return "\n".join(lines)
