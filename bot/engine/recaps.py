"""Weekly recaps: which groups are due one (Monday, after their push time, last week not
recapped yet), claiming it once, and what last week held for the group: its top members,
longest streaks, hardest questions (each with a one-line reminder of its answer) and how
much of its decks it has covered. Plain data; adapters word it (`bot.progress.recap`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import parse_hhmm
from bot.decks.model import Question
from bot.engine.clock import day_end, local_day, week_period, week_start
from bot.engine.context import EngineContext, streak_state
from bot.engine.mastery import gradable
from bot.engine.streaks import live_streak

TOP_MEMBERS = 5
TOP_STREAKS = 3
HARDEST = 3
REMINDER_MAX = 160

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
    language: str | None = None
    """The group's interface language (None: the default), for the adapter's wording."""

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


class Recaps:
    """The weekly recap of each group."""

    def __init__(self, context: EngineContext) -> None:
        self.context = context

    async def due(self, platform: str, now: datetime) -> list[RecapDue]:
        """Groups whose weekly recap is due now: Monday in their timezone, their push
        time passed, last week not recapped yet."""
        async with self.context.store.read() as tx:
            candidates = await tx.recaps.candidates(platform)
        due = []
        for row, recapped in candidates:
            week = recap_due(
                now.astimezone(ZoneInfo(row.timezone)),
                parse_hhmm(row.push_time),
                date.fromisoformat(recapped) if recapped else None,
            )
            if week is not None:
                due.append(RecapDue(row.id, week))
        return due

    async def claim(self, chat_id: int, week: date) -> bool:
        """Claim a group's recap of the week starting `week`; False if already claimed."""
        async with self.context.store.write() as tx:
            return await tx.recaps.claim(chat_id, week.isoformat())

    async def weekly(self, chat_id: int, now: datetime) -> Recap | None:
        """The recap of a group's previous local week (the one before the week holding
        `now`); None if nobody answered there that week."""
        ctx = self.context
        async with ctx.store.read() as tx:
            row = await tx.chats.find_by_id(chat_id)
            if row is None or not row.is_group:
                return None
            this_week = week_start(local_day(now, row.timezone))
            last_week = this_week - timedelta(days=7)
            start = day_end(last_week - timedelta(days=1), row.timezone)
            end = day_end(this_week - timedelta(days=1), row.timezone)
            answers, players = await tx.recaps.activity_between(row.id, start, end)
            if not answers:
                return None
            top = await tx.scores.top(row.id, week_period(start, row.timezone), TOP_MEMBERS)
            members = await tx.scores.members(row.id)
            scores = await tx.recaps.question_scores_between(row.id, start, end)
            firsts = await tx.recaps.first_sent_days(row.id)
        deck = set(ctx.view(row).by_id)
        first_days = {question_id: day for question_id, day in firsts if question_id in deck}
        streaks = (
            (
                user.display_name,
                live_streak(streak_state(user), local_day(now, user.timezone or row.timezone)),
            )
            for user in members
        )
        return Recap(
            chat_id=row.id,
            platform=row.platform,
            chat_external_id=row.external_id,
            thread_id=row.thread_id,
            chat_title=row.title,
            week_start=last_week,
            answers=answers,
            players=players,
            top=tuple(RecapMember(s.display_name, s.points) for s in top if s.points > 0),
            streaks=longest_streaks(streaks),
            hardest=hardest_questions(scores, ctx.catalog.by_id, ctx.catalog.position),
            covered=len(first_days),
            deck_total=len(deck),
            new_last_week=sum(
                1
                for day in first_days.values()
                if last_week.isoformat() <= day < this_week.isoformat()
            ),
            language=row.language,
        )
