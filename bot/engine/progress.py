"""Progress: a player's streak and stats, a group's leaderboard, the data behind the
/stats and leaderboard images, and a player's answer history for /export.

Reads only; the numbers follow `bot.engine.mastery`. Streaks are shown live on the asker's local day: one that ended yesterday
without a freeze to cover it shows as 0 although the stored value is older.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from bot.decks.model import Question
from bot.engine import srs
from bot.engine.clock import ALL_TIME, local_day, week_period, week_start
from bot.engine.context import NO_STREAK, EngineContext, streak_info, streak_state
from bot.engine.mastery import summarize, topic_mastery, weakest_graded
from bot.engine.results import (
    ChatKey,
    HistoryRow,
    Leaderboard,
    LeaderboardChartData,
    LeaderboardEntry,
    PlayerActivity,
    PlayerKey,
    StreakInfo,
    UserStats,
)
from bot.engine.streaks import StreakState, live_streak
from bot.store import ScoreRow

LEADERBOARD_SIZE = 10
WEAKEST_TOPICS = 3


class Progress:
    """Streaks, stats, leaderboards and history."""

    def __init__(self, context: EngineContext) -> None:
        self.context = context

    async def streak(
        self, player: PlayerKey, now: datetime, chat: ChatKey | None = None
    ) -> StreakInfo:
        ctx = self.context
        async with ctx.store.read() as tx:
            user = await tx.users.find(player.platform, player.external_id)
            row = await tx.chats.find(chat.platform, chat.external_id) if chat else None
        if user is None:
            return NO_STREAK
        return streak_info(streak_state(user), local_day(now, ctx.timezone_of(user, row)))

    async def stats(
        self, player: PlayerKey, now: datetime, chat: ChatKey | None = None
    ) -> UserStats:
        """The player's answers, mastery per topic, weakest topics, cards due and streak,
        over the decks `chat` uses (the default decks without one)."""
        ctx = self.context
        async with ctx.store.read() as tx:
            user = await tx.users.find(player.platform, player.external_id)
            row = await tx.chats.find(chat.platform, chat.external_id) if chat else None
            summary = await tx.attempts.summary_by_question(user.id) if user else []
            due = await tx.cards.due_cards(user.id, now) if user else []
        by_question = {r.question_id: (int(r.answers), float(r.average_score)) for r in summary}
        questions = ctx.view(row).questions
        averages = {question_id: avg for question_id, (_, avg) in by_question.items()}
        topics = topic_mastery(questions, averages)
        answers = summarize(by_question, ctx.catalog.by_id)
        streak = (
            streak_info(streak_state(user), local_day(now, ctx.timezone_of(user, row)))
            if user
            else NO_STREAK
        )
        return UserStats(
            answered=answers.answered,
            questions_seen=answers.questions_seen,
            questions_total=len(questions),
            average_score=answers.average_score,
            due_now=sum(1 for question_id, _ in due if question_id in ctx.catalog.by_id),
            topics=topics,
            weakest=weakest_graded(topics, questions, averages, WEAKEST_TOPICS),
            streak=streak,
        )

    async def leaderboard(
        self, chat: ChatKey, period: str, now: datetime, player: PlayerKey | None = None
    ) -> Leaderboard:
        """A group's ranking this local week ('week', from Monday) or for all time ('all')."""
        async with self.context.store.read() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
            if row is None:
                return Leaderboard("all" if period == "all" else "week", (), None, 0)
            key = ALL_TIME if period == "all" else week_period(now, row.timezone)
            top = await tx.scores.top(row.id, key, LEADERBOARD_SIZE)
            user = await tx.users.find(player.platform, player.external_id) if player else None
            mine = await tx.scores.rank_of(row.id, key, user.id) if user else None
            members = await tx.scores.count(row.id, key)
        me_id = user.id if user else None
        entries = tuple(
            _leader_entry(rank, score, now, row.timezone, score.user_id == me_id)
            for rank, score in enumerate(top, start=1)
        )
        me = None
        if mine is not None and mine[0] > len(entries):
            me = _leader_entry(mine[0], mine[1], now, row.timezone, True)
        return Leaderboard("all" if period == "all" else "week", entries, me, members)

    async def activity(
        self, player: PlayerKey, now: datetime, chat: ChatKey | None = None
    ) -> PlayerActivity:
        """What the /stats image shows (answers per day, mastery, streaks), in one read."""
        ctx = self.context
        async with ctx.store.read() as tx:
            user = await tx.users.find(player.platform, player.external_id)
            row = await tx.chats.find(chat.platform, chat.external_id) if chat else None
            summary = await tx.attempts.summary_by_question(user.id) if user else []
            days = await tx.attempts.answered_days(user.id) if user else []
            frozen = await tx.users.frozen_days(user.id) if user else []
        today = local_day(now, ctx.timezone_of(user, row))
        state = streak_state(user) if user else StreakState()
        return player_activity(
            display_name=player.display_name,
            today=today,
            streak=streak_info(state, today),
            last_active_day=state.last_day,
            questions=ctx.view(row).questions,
            summary={r.question_id: (int(r.answers), float(r.average_score)) for r in summary},
            answered_days=days,
            frozen_days=frozen,
            by_id=ctx.catalog.by_id,
        )

    async def leaderboard_chart_data(
        self, chat: ChatKey, period: str, now: datetime, player: PlayerKey | None = None
    ) -> LeaderboardChartData:
        """The `leaderboard` ranking with what its image needs: the group's title and week."""
        board = await self.leaderboard(chat, period, now, player)
        async with self.context.store.read() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
        today = local_day(now, row.timezone if row else self.context.defaults.timezone)
        return LeaderboardChartData(
            board=board,
            chat_title=row.title if row else "",
            today=today,
            week_start=None if board.period == "all" else week_start(today),
        )

    async def history(self, player: PlayerKey) -> list[HistoryRow]:
        """The player's own answers, oldest first, for /export."""
        catalog = self.context.catalog
        async with self.context.store.read() as tx:
            user = await tx.users.find(player.platform, player.external_id)
            rows = await tx.attempts.history(user.id) if user else []
        history = []
        for r in rows:
            question = catalog.by_id.get(r.question_id)
            history.append(
                HistoryRow(
                    answered_at=r.answered_at,
                    local_day=r.local_day,
                    deck=catalog.deck_of[question.id].deck if question else "",
                    topic=question.topic if question else "",
                    question_id=r.question_id,
                    question=question.question if question else "",
                    answer=r.answer,
                    score=float(r.score),
                    points=int(r.points),
                    rating=srs.Rating(r.rating).label if r.rating else "",
                    chat="private" if r.chat_kind == "private" else r.chat_title or "group",
                )
            )
        return history


def player_activity(
    *,
    display_name: str,
    today: date,
    streak: StreakInfo,
    last_active_day: date | None,
    questions: Sequence[Question],
    summary: Mapping[str, tuple[int, float]],
    answered_days: Iterable[tuple[str, int]],
    frozen_days: Iterable[str],
    by_id: Mapping[str, Question] | None = None,
) -> PlayerActivity:
    """A player's activity from what the store holds: `summary` maps question id to
    (answers, average score); `answered_days` and `frozen_days` are ISO local days as
    the store keeps them; `by_id` tells graded questions (default: `questions`)."""
    answers = summarize(summary, by_id if by_id is not None else {q.id: q for q in questions})
    return PlayerActivity(
        display_name=display_name,
        today=today,
        streak=streak,
        last_active_day=last_active_day,
        topics=topic_mastery(questions, {q: avg for q, (_, avg) in summary.items()}),
        answered=answers.answered,
        questions_seen=answers.questions_seen,
        questions_total=len(questions),
        average_score=answers.average_score,
        answered_days={date.fromisoformat(day): count for day, count in answered_days},
        frozen_days=frozenset(date.fromisoformat(day) for day in frozen_days),
    )


def _leader_entry(
    rank: int, score: ScoreRow, now: datetime, chat_timezone: str, is_me: bool
) -> LeaderboardEntry:
    """A leaderboard line; the streak is the member's live one (freezes count, own timezone)."""
    last = date.fromisoformat(score.last_active_day) if score.last_active_day else None
    state = StreakState(score.current_streak, score.current_streak, last, score.freezes)
    today = local_day(now, score.timezone or chat_timezone)
    return LeaderboardEntry(
        rank, score.display_name, score.points, live_streak(state, today), is_me
    )
