"""A group's weekly recap in words (`bot.progress.recap.Recap` holds the data).

One layout for every platform: a title line, the answer count, then the top of the
week, the longest streaks, the hardest questions with a reminder of their answers, and
the deck covered. The adapter's `Markup` escapes names and deck text and makes the
headings bold.
"""

from __future__ import annotations

from datetime import date

from bot.engine.recaps import Recap, shorten
from bot.presentation.markup import Markup

QUESTION_MAX = 140
"""Characters of a hard question's text shown."""
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


def recap_text(recap: Recap, m: Markup) -> str:
    """The recap, its first line the title; every name and deck text through `m.escape`."""
    escape, bold = m.escape, m.bold
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
