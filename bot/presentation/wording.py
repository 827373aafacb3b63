"""Sentences both chat adapters say, in one place; each adapter passes its own bold markup
and the reader's `Translator`.

Nothing here carries user- or deck-supplied text, only numbers and dates, so the result is
safe in Telegram HTML and Discord Markdown alike.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.results import StreakInfo
from bot.i18n import Translator
from bot.presentation.feedback import Feedback
from bot.presentation.feedback import rating_label as rating_label

Bold = Callable[[str], str]


def streak_line(info: StreakInfo, bold: Bold, t: Translator) -> str:
    line = t.n_(
        "🔥 Streak: {days} day · best {best}",
        "🔥 Streak: {days} days · best {best}",
        info.current,
        days=bold(str(info.current)),
        best=info.longest,
    )
    if info.freezes:
        line += f" · 🧊 {info.freezes}"
    return line


def streak(info: StreakInfo, bold: Bold, t: Translator) -> str:
    if info.answered_today:
        today = t._("✅ You answered today.")
    elif info.at_risk:
        today = t._("⏳ Answer a question today to keep it: /quiz")
    else:
        today = t._("Answer a question today to start one: /quiz")
    freezes = (
        "\n🧊 "
        + t.n_(
            "{count} streak freeze: each covers a missed day.",
            "{count} streak freezes: each covers a missed day.",
            info.freezes,
        )
        if info.freezes
        else ""
    )
    return f"{streak_line(info, bold, t)}\n{today}{freezes}"


def streak_events(result: Feedback, t: Translator) -> list[str]:
    """What this answer did to the streak beyond adding a day: freezes used or earned, a
    streak lost."""
    lines = []
    if result.frozen_days:
        days = ", ".join(day.isoformat() for day in result.frozen_days)
        lines.append(
            t.n_(
                "🧊 Streak freeze used for {days}: your streak lives on.",
                "🧊 Streak freezes used for {days}: your streak lives on.",
                len(result.frozen_days),
                days=days,
            )
        )
    if result.broken_streak:
        lines.append(
            t._(
                "💔 Your {days}-day streak ended; a new one starts today.",
                days=result.broken_streak,
            )
        )
    if result.freeze_earned:
        lines.append(t._("🎁 You earned a streak freeze: it covers a day you miss."))
    return lines


def reminder(current: int, freezes: int, t: Translator) -> str:
    text = t._(
        "⏰ Your {days}-day streak ends tonight unless you answer a question: /quiz",
        days=current,
    )
    if freezes:
        text += "\n" + t.n_(
            "🧊 You have {count} streak freeze left.",
            "🧊 You have {count} streak freezes left.",
            freezes,
        )
    return text


def export_caption(answers: int, t: Translator) -> str:
    return t.n_(
        "📄 Your answer history: {count} answer, oldest first (UTF-8 CSV; opens in Excel, "
        "LibreOffice and Google Sheets).",
        "📄 Your answer history: {count} answers, oldest first (UTF-8 CSV; opens in Excel, "
        "LibreOffice and Google Sheets).",
        answers,
    )
