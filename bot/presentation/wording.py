"""Sentences both chat adapters say, in one place; each adapter passes its own bold markup.

Nothing here carries user- or deck-supplied text, only numbers and dates, so the result is
safe in Telegram HTML and Discord Markdown alike.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.results import StreakInfo
from bot.presentation.feedback import Feedback

Bold = Callable[[str], str]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def streak_line(info: StreakInfo, bold: Bold) -> str:
    days = "day" if info.current == 1 else "days"
    line = f"🔥 Streak: {bold(str(info.current))} {days} · best {info.longest}"
    if info.freezes:
        line += f" · 🧊 {info.freezes}"
    return line


def streak(info: StreakInfo, bold: Bold) -> str:
    if info.answered_today:
        today = "✅ You answered today."
    elif info.at_risk:
        today = "⏳ Answer a question today to keep it: /quiz"
    else:
        today = "Answer a question today to start one: /quiz"
    freezes = (
        f"\n🧊 {plural(info.freezes, 'streak freeze')}: each covers a missed day."
        if info.freezes
        else ""
    )
    return f"{streak_line(info, bold)}\n{today}{freezes}"


def streak_events(result: Feedback) -> list[str]:
    """What this answer did to the streak beyond adding a day: freezes used or earned, a
    streak lost."""
    lines = []
    if result.frozen_days:
        days = ", ".join(day.isoformat() for day in result.frozen_days)
        plural_s = "s" if len(result.frozen_days) > 1 else ""
        lines.append(f"🧊 Streak freeze{plural_s} used for {days}: your streak lives on.")
    if result.broken_streak:
        lines.append(f"💔 Your {result.broken_streak}-day streak ended; a new one starts today.")
    if result.freeze_earned:
        lines.append("🎁 You earned a streak freeze: it covers a day you miss.")
    return lines


def reminder(current: int, freezes: int) -> str:
    text = f"⏰ Your {current}-day streak ends tonight unless you answer a question: /quiz"
    if freezes:
        text += f"\n🧊 You have {plural(freezes, 'streak freeze')} left."
    return text


def export_caption(answers: int) -> str:
    return (
        f"📄 Your answer history: {plural(answers, 'answer')}, oldest "
        "first (UTF-8 CSV; opens in Excel, LibreOffice and Google Sheets)."
    )
