"""The weekly recap of a group: last week's top members, the longest streaks, the three
questions the group found hardest (each with a one-line reminder of its answer), and how
much of the deck the group has covered. Pure data and platform-neutral renderers: plain
text, and HTML with every name and deck text escaped (Telegram's HTML parse mode).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.decks.model import Question
from bot.engine.mastery import gradable

TOP_MEMBERS = 5
TOP_STREAKS = 3
HARDEST = 3
REMINDER_MAX = 160
QUESTION_MAX = 140
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_MARKUP = re.compile(r"\*\*|__|`|^#{1,6}\s+|^\s*(?:[-*+]|\d{1,3}[.)])\s+", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class RecapMember:
    display_name: str
    points: int


@dataclass(frozen=True, slots=True)
class RecapStreak:
    display_name: str
    days: int


@dataclass(frozen=True, slots=True)
class HardQuestion:
    question_id: str
    question: str
    topic: str
    average_score: float
    answers: int
    reminder: str
    """One line recalling the model answer."""


@dataclass(frozen=True, slots=True)
class Recap:
    chat_id: int
    platform: str
    chat_external_id: int
    thread_id: int | None
    chat_title: str
    week_start: date
    """The Monday of the week recapped (the group's local week)."""
    answers: int
    players: int
    top: tuple[RecapMember, ...]
    streaks: tuple[RecapStreak, ...]
    hardest: tuple[HardQuestion, ...]
    covered: int
    """Questions of the group's deck it has been asked, ever."""
    deck_total: int
    new_last_week: int
    """Of those, first asked in the recapped week."""

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)


@dataclass(frozen=True, slots=True)
class RecapDue:
    chat_id: int
    week_start: date
    """The Monday of the week to recap (the one before the group's current week)."""


def recap_due(local_now: datetime, push_time: time, last_recapped: date | None) -> date | None:
    """The week a group's recap covers if it is due at `local_now` (the group's local
    time): on Monday once its push time has passed, unless that week was recapped.
    A recap missed all Monday (the bot was down) is skipped, not sent days late."""
    if local_now.weekday() != 0 or local_now.time() < push_time:
        return None
    week = local_now.date() - timedelta(days=7)
    if last_recapped is not None and last_recapped >= week:
        return None
    return week


def answer_reminder(question: Question, limit: int = REMINDER_MAX) -> str:
    """A line that recalls a question's answer: the right choice, else its key points,
    else the answer's first line, without Markdown."""
    if question.choices is not None and question.correct is not None:
        text = question.choices[question.correct]
    elif question.key_points:
        text = "; ".join(point.point for point in question.key_points)
    else:
        text = next((line for line in question.answer.splitlines() if line.strip()), "")
    return shorten(_MARKUP.sub("", text), limit)


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def hardest_questions(
    scores: Iterable[tuple[str, int, float]],
    by_id: Mapping[str, Question],
    position: Mapping[str, int],
    limit: int = HARDEST,
) -> tuple[HardQuestion, ...]:
    """The questions with the lowest average score, from (question id, answers, average)
    rows; questions with nothing to grade, or no longer in the decks, are left out."""
    known = [
        (question_id, answers, average)
        for question_id, answers, average in scores
        if question_id in by_id and gradable(by_id[question_id])
    ]
    known.sort(key=lambda item: (round(item[2], 6), -item[1], position.get(item[0], 0)))
    return tuple(
        HardQuestion(
            question_id=question_id,
            question=by_id[question_id].question,
            topic=by_id[question_id].topic,
            average_score=average,
            answers=answers,
            reminder=answer_reminder(by_id[question_id]),
        )
        for question_id, answers, average in known[:limit]
    )


def longest_streaks(
    streaks: Iterable[tuple[str, int]], limit: int = TOP_STREAKS
) -> tuple[RecapStreak, ...]:
    """The longest live streaks from (name, days), longest first; zero left out."""
    alive = [(name, days) for name, days in streaks if days > 0]
    alive.sort(key=lambda item: (-item[1], item[0].casefold()))
    return tuple(RecapStreak(name, days) for name, days in alive[:limit])


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
