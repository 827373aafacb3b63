"""Weekly recaps: which groups are due one (Monday, after their push time, last week not
recapped yet), claiming it once, and what last week held for the group: its top members,
longest streaks, hardest questions and how much of its decks it has covered.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import parse_hhmm
from bot.engine.clock import day_end, local_day, week_period, week_start
from bot.engine.context import EngineContext, streak_state
from bot.engine.streaks import live_streak
from bot.progress import recap
from bot.progress.recap import Recap, RecapDue


class Recaps:
    """The weekly recap of each group."""

    def __init__(self, context: EngineContext) -> None:
        self.context = context

    async def due(self, platform: str, now: datetime) -> list[RecapDue]:
        """Groups whose weekly recap is due now: Monday in their timezone, their push
        time passed, last week not recapped yet."""
        async with self.context.store.read() as tx:
            candidates = await tx.recap_candidates(platform)
        due = []
        for row, recapped in candidates:
            week = recap.recap_due(
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
            return await tx.claim_recap(chat_id, week.isoformat())

    async def weekly(self, chat_id: int, now: datetime) -> Recap | None:
        """The recap of a group's previous local week (the one before the week holding
        `now`); None if nobody answered there that week."""
        ctx = self.context
        async with ctx.store.read() as tx:
            row = await tx.chat_by_id(chat_id)
            if row is None or not row.is_group:
                return None
            this_week = week_start(local_day(now, row.timezone))
            last_week = this_week - timedelta(days=7)
            start = day_end(last_week - timedelta(days=1), row.timezone)
            end = day_end(this_week - timedelta(days=1), row.timezone)
            answers, players = await tx.chat_activity_between(row.id, start, end)
            if not answers:
                return None
            top = await tx.top_scores(row.id, week_period(start, row.timezone), recap.TOP_MEMBERS)
            members = await tx.chat_members(row.id)
            scores = await tx.chat_question_scores_between(row.id, start, end)
            firsts = await tx.first_deliveries(row.id)
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
            top=tuple(recap.RecapMember(s.display_name, s.points) for s in top if s.points > 0),
            streaks=recap.longest_streaks(streaks),
            hardest=recap.hardest_questions(scores, ctx.catalog.by_id, ctx.catalog.position),
            covered=len(first_days),
            deck_total=len(deck),
            new_last_week=sum(
                1
                for day in first_days.values()
                if last_week.isoformat() <= day < this_week.isoformat()
            ),
        )
