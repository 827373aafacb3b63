"""The quiz engine: ask, answer, grade, rate, reveal, streaks, leaderboards and stats.

It knows no chat platform. Adapters pass plain keys, text and the current time, and render
the plain results. Each operation is one store transaction, committed before it returns,
so whatever an adapter acknowledges is already on disk.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import parse_hhmm, parse_timezone
from bot.decks.catalog import Catalog
from bot.decks.library import DeckLibrary, parse_choice
from bot.decks.model import Question
from bot.engine import selection, srs
from bot.engine.clock import ALL_TIME, day_end, local_day, utc, week_period, week_start
from bot.engine.grading import Grade, grade
from bot.engine.judging import Judgement, apply_judgement
from bot.engine.points import points_for
from bot.engine.privacy import Forgotten
from bot.engine.reminders import ReminderDue, reminder_due
from bot.engine.results import (
    AnswerResult,
    Asked,
    ChatKey,
    ChatSettings,
    Leaderboard,
    LeaderboardEntry,
    PlayerKey,
    RatingResult,
    Reveal,
    RevealEntry,
    StreakInfo,
    TopicMastery,
    UserStats,
)
from bot.engine.streaks import (
    MAX_FREEZES,
    StreakState,
    at_risk,
    live_streak,
    record_answer,
)
from bot.engine.unconfirmed import match_unconfirmed
from bot.errors import (
    AlreadyAnswered,
    AlreadyRevealed,
    InvalidSetting,
    NoOpenQuestion,
    NothingToAsk,
    UnknownAttempt,
    UnknownFilter,
)
from bot.progress import recap, weak
from bot.progress.chart_data import LeaderboardChartData, StatsChartData, stats_chart_data
from bot.progress.export import HistoryRow
from bot.progress.recap import Recap, RecapDue
from bot.store import (
    AttemptRow,
    ChatRow,
    DeliveryRow,
    NewAttempt,
    NewDelivery,
    ScoreRow,
    SelectionReads,
    SentMark,
    Store,
    UnitOfWork,
    UserRow,
)

logger = logging.getLogger(__name__)

LEADERBOARD_SIZE = 10
WEAKEST_TOPICS = 3


Judge = Callable[[Question, str], Awaitable[Judgement | None]]
"""A second opinion on a typed answer to a question (`bot.ops.llm.LLMJudge`)."""


@dataclass(frozen=True, slots=True)
class Defaults:
    timezone: str = "UTC"
    push_time: str = "09:00"


class Engine:
    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        defaults: Defaults | None = None,
        *,
        judge: Judge | None = None,
    ) -> None:
        self.store = store
        self.library = DeckLibrary(catalog)
        """Bundled and own decks (bot.engine.owndecks loads and changes the own ones)."""
        self.defaults = defaults or Defaults()
        self.judge = judge
        """An optional second opinion on typed answers (`bot.engine.judging`), asked
        before the answer is recorded; it bounds its own wait."""
        self.schedule_listeners: list[Callable[[], None]] = []
        """Called after a chat's push time, timezone or subscription changed."""

    @property
    def catalog(self) -> Catalog:
        """Every question the bot knows, for lookups by id; a chat asks from `_view`."""
        return self.library.combined

    def _view(self, chat: ChatRow | None) -> Catalog:
        """The decks a chat uses (its choice, or the default for its kind)."""
        if chat is None:
            return self.library.view(None)
        owner = None if chat.is_group else chat.owner_id
        return self.library.view(parse_choice(chat.decks), owner)

    # -- chats and players -----------------------------------------------------------

    async def open_chat(
        self,
        chat: ChatKey,
        now: datetime,
        *,
        is_group: bool,
        title: str = "",
        owner: PlayerKey | None = None,
    ) -> ChatSettings:
        async with self.store.write() as tx:
            row = await self._chat(tx, chat, now, is_group=is_group, title=title, owner=owner)
        return _settings(row)

    async def _chat(
        self,
        tx: UnitOfWork,
        chat: ChatKey,
        now: datetime,
        *,
        is_group: bool,
        title: str = "",
        owner: PlayerKey | None = None,
    ) -> ChatRow:
        row = await tx.chats.upsert(
            chat.platform,
            chat.external_id,
            kind="group" if is_group else "private",
            title=title,
            timezone=self.defaults.timezone,
            push_time=self.defaults.push_time,
            now=now,
        )
        if owner is not None and not row.is_group and row.owner_id is None:
            user = await tx.users.upsert(owner.platform, owner.external_id, owner.display_name, now)
            await tx.chats.set_owner(row.id, user.id)
            row = await tx.chats.find_by_id(row.id) or row
        return row

    async def _known_chat(self, tx: UnitOfWork, chat: ChatKey) -> ChatRow:
        row = await tx.chats.find(chat.platform, chat.external_id)
        if row is None:
            raise NoOpenQuestion("No question has been asked here yet: try /quiz.")
        return row

    def _timezone_of(self, user: UserRow | None, chat: ChatRow | None) -> str:
        if user is not None and user.timezone:
            return user.timezone
        if chat is not None:
            return chat.timezone
        return self.defaults.timezone

    # -- asking ------------------------------------------------------------------------

    async def ask(
        self,
        chat: ChatKey,
        player: PlayerKey | None,
        now: datetime,
        *,
        is_group: bool,
        title: str = "",
        filter_text: str | None = None,
        thread_id: int | None = None,
    ) -> Asked:
        """Choose and claim a question on request (/quiz); raises UnknownFilter or NothingToAsk."""
        async with self.store.write() as tx:
            row = await self._chat(
                tx, chat, now, is_group=is_group, title=title, owner=None if is_group else player
            )
            user = None
            if player is not None:
                user = await tx.users.upsert(
                    player.platform, player.external_id, player.display_name, now
                )
            timezone = self._timezone_of(None if row.is_group else user, row)
            day = local_day(now, timezone)
            drill, note = None, ""
            if weak.is_weak_filter(filter_text):  # progress: /quiz weak
                drill, note = await self._weak_drill(tx, user, now, self._view(row))
                filter_text = None
            question_id, is_review = await self._choose(
                tx.selection,
                row,
                user,
                filter_text,
                now,
                day,
                timezone,
                on_request=True,
                only=drill,
            )
            if not row.is_group:
                previous = await tx.deliveries.find_open(row.id)
                if previous is not None:
                    await tx.deliveries.close(previous.id, now)
            delivery = await tx.deliveries.claim(
                row.id,
                question_id,
                kind="asked",
                local_day=day.isoformat(),
                now=now,
                asked_by=user.id if user else None,
                reveal_at=self._reveal_at(row, now),
            )
            assert delivery is not None
        asked = self._asked(delivery, row, is_review, thread_id)
        return replace(asked, note=note) if note else asked

    async def claim_daily(self, chat_id: int, now: datetime) -> Asked | None:
        """Claim a chat's daily question for its local day; None if already claimed.

        The claim is committed before the question is sent: after a crash the scheduler
        finds it with `unsent_daily` and finishes it instead of asking again.
        """
        async with self.store.write() as tx:
            row = await tx.chats.find_by_id(chat_id)
            if row is None or not row.active or not row.subscribed:
                return None
            day = local_day(now, row.timezone)
            if await tx.deliveries.find_daily(row.id, day.isoformat()) is not None:
                return None
            owner = await tx.users.find_by_id(row.owner_id) if row.owner_id else None
            try:
                question_id, is_review = await self._choose(
                    tx.selection, row, owner, None, now, day, row.timezone, on_request=False
                )
            except NothingToAsk:
                return None
            if not row.is_group:
                previous = await tx.deliveries.find_open(row.id)
                if previous is not None:
                    await tx.deliveries.close(previous.id, now)
            delivery = await tx.deliveries.claim(
                row.id,
                question_id,
                kind="daily",
                local_day=day.isoformat(),
                now=now,
                reveal_at=self._reveal_at(row, now),
            )
            if delivery is None:
                return None
        return self._asked(delivery, row, is_review, row.thread_id)

    async def unsent_daily(self) -> list[tuple[Asked, ChatRow]]:
        """Daily questions claimed but never marked sent (the bot stopped in between)."""
        async with self.store.read() as tx:
            claims = await tx.deliveries.unsent_daily_claims()
            result = []
            for delivery in claims:
                row = await tx.chats.find_by_id(delivery.chat_id)
                if row is None or delivery.question_id not in self.catalog.by_id:
                    continue
                result.append((self._asked(delivery, row, False, row.thread_id), row))
        return result

    async def question_sent(
        self,
        delivery_id: int,
        now: datetime,
        *,
        message_id: int | None,
        thread_id: int | None = None,
        poll_id: str | None = None,
    ) -> None:
        async with self.store.write() as tx:
            await tx.deliveries.mark_sent(
                delivery_id, message_id=message_id, now=now, thread_id=thread_id, poll_id=poll_id
            )

    async def question_not_sent(self, delivery_id: int, *, outcome_unknown: bool) -> None:
        """A send failed ('failed'), or timed out and may have arrived ('unknown')."""
        async with self.store.write() as tx:
            await tx.deliveries.set_status(delivery_id, "unknown" if outcome_unknown else "failed")

    def _reveal_at(self, chat: ChatRow, now: datetime) -> datetime | None:
        if not chat.is_group:
            return None
        return utc(now) + timedelta(minutes=chat.reveal_after_minutes)

    def _asked(
        self, delivery: DeliveryRow, chat: ChatRow, is_review: bool, thread_id: int | None
    ) -> Asked:
        question = self.catalog.by_id[delivery.question_id]
        return Asked(
            delivery_id=delivery.id,
            question=question,
            language=self.catalog.language_of(question),
            kind=delivery.kind,
            local_day=date.fromisoformat(delivery.local_day),
            is_group=chat.is_group,
            is_review=is_review,
            thread_id=thread_id,
        )

    async def _choose(
        self,
        reads: SelectionReads,
        chat: ChatRow,
        user: UserRow | None,
        filter_text: str | None,
        now: datetime,
        day: date,
        timezone: str,
        *,
        on_request: bool,
        only: set[str] | None = None,
    ) -> tuple[str, bool]:
        """The next question for a chat, and whether it is a review of a known card.

        Reviews are day-based: a card due at any time of the local `day` is due that day,
        so tomorrow's push finds a card reviewed at today's push time a few minutes later.
        """
        view = self._view(chat)
        if only is not None:  # progress: the weak-topic drill's questions
            candidates = [q.id for q in view.questions if q.id in only]
        else:
            candidates = [q.id for q in view.select(filter_text or chat.question_filter)]
        if chat.is_group or user is None:
            chosen = selection.for_group(
                candidates,
                last_asked=await reads.last_delivered(chat.id),
                missed=await reads.members_missed(chat.id, selection.MISSED_BELOW),
                today=day,
            )
            is_review = False
        else:
            due_by = day_end(day, timezone)
            due = [question_id for question_id, _ in await reads.due_cards(user.id, due_by)]
            by_due = [question_id for question_id, _, _ in await reads.cards_of(user.id)]
            chosen = selection.for_person(
                candidates,
                due=due,
                by_due=by_due,
                known=set(by_due) | await reads.questions_attempted(user.id),
                seen_today=await reads.questions_asked_on(user.id, chat.id, day.isoformat()),
                on_request=on_request,
            )
            is_review = chosen in set(by_due)
        if chosen is None:
            raise NothingToAsk("You have met every question here today. Come back tomorrow!")
        return chosen, is_review

    # -- answering ---------------------------------------------------------------------

    async def answer(
        self,
        chat: ChatKey,
        player: PlayerKey,
        text: str,
        now: datetime,
        *,
        source_key: str,
        reply_to_message_id: int | None = None,
        replied_text: str | None = None,
    ) -> AnswerResult:
        """Grade and record a typed answer; the same `source_key` twice records it once.

        In a group an answer is a reply to the question (`reply_to_message_id`). A reply
        that arrives after the group's reveal still counts in full (points, streak and the
        player's card): updates can arrive late, and the reveal lists only the answers in
        by then. Each player answers a question once (AlreadyAnswered after that).
        `replied_text` (the replied-to message's text) finds a question whose message id
        is not recorded yet (`bot.engine.unconfirmed`).
        """
        opinion = None
        if self.judge is not None:
            opinion = await self._second_opinion(chat, text, reply_to_message_id)
        advice = ""
        async with self.store.write() as tx:
            row = await self._known_chat(tx, chat)
            user = await tx.users.upsert(
                player.platform, player.external_id, player.display_name, now
            )
            duplicate = await tx.attempts.find_by_source(row.id, source_key)
            if duplicate is not None:
                return await self._replay(tx, duplicate, row, user, now)
            delivery = await self._delivery_answered(
                tx, row, reply_to_message_id, replied_text, now
            )
            question = self.catalog.by_id[delivery.question_id]
            if question.is_multiple_choice:
                chosen = _choice_from_text(text, question)
                result = _choice_grade(question, chosen)
            else:
                chosen = None
                result = grade(text, question.key_points, question.question)
                if opinion is not None and opinion[0] == question.id:
                    result, advice = apply_judgement(
                        result, question.key_points, text, question.question, opinion[1]
                    )
            recorded = await self._record(
                tx, row, user, delivery, question, text, result, now, source_key, chosen
            )
        return replace(recorded, advice=advice) if advice else recorded

    async def _second_opinion(
        self, chat: ChatKey, text: str, reply_to_message_id: int | None
    ) -> tuple[str, Judgement] | None:
        """The judge's word on the answer to the question this answer is for, if any."""
        assert self.judge is not None
        async with self.store.read() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
            if row is None:
                return None
            try:
                delivery = await self._delivery_answered(tx, row, reply_to_message_id)
            except NoOpenQuestion:
                return None
        question = self.catalog.by_id[delivery.question_id]
        if question.is_multiple_choice or not question.key_points:
            return None
        judgement = await self.judge(question, text)
        return (question.id, judgement) if judgement is not None else None

    async def answer_choice(
        self, poll_id: str, player: PlayerKey, option_ids: list[int], now: datetime
    ) -> AnswerResult:
        """Record a vote in a quiz poll as an attempt."""
        source_key = f"poll:{poll_id}:{player.external_id}"
        async with self.store.write() as tx:
            delivery = await tx.deliveries.find_by_poll(poll_id)
            if delivery is None or delivery.question_id not in self.catalog.by_id:
                raise NoOpenQuestion("That poll is not one of this quiz's questions.")
            row = await tx.chats.find_by_id(delivery.chat_id)
            assert row is not None
            user = await tx.users.upsert(
                player.platform, player.external_id, player.display_name, now
            )
            duplicate = await tx.attempts.find_by_source(row.id, source_key)
            if duplicate is not None:
                return await self._replay(tx, duplicate, row, user, now)
            if await tx.attempts.find_for_delivery(delivery.id, user.id) is not None:
                raise AlreadyAnswered("You already answered this question.")
            question = self.catalog.by_id[delivery.question_id]
            chosen = option_ids[0] if option_ids else None
            text = question.choices[chosen] if question.choices and chosen is not None else ""
            return await self._record(
                tx,
                row,
                user,
                delivery,
                question,
                text,
                _choice_grade(question, chosen),
                now,
                source_key,
                chosen,
            )

    async def _delivery_answered(
        self,
        tx: UnitOfWork,
        chat: ChatRow,
        reply_to_message_id: int | None,
        replied_text: str | None = None,
        now: datetime | None = None,
    ) -> DeliveryRow:
        delivery = None
        if reply_to_message_id is not None:
            delivery = await tx.deliveries.find_by_message(chat.id, reply_to_message_id)
            if delivery is None and replied_text and now is not None:
                delivery = await match_unconfirmed(
                    tx, self.catalog, chat.id, reply_to_message_id, replied_text, now
                )
        if delivery is None and not chat.is_group:
            delivery = await tx.deliveries.find_open(chat.id)
        if delivery is None or delivery.question_id not in self.catalog.by_id:
            raise NoOpenQuestion(
                "Reply to a question to answer it."
                if chat.is_group
                else "No question is open: try /quiz."
            )
        return delivery

    async def _record(
        self,
        tx: UnitOfWork,
        chat: ChatRow,
        user: UserRow,
        delivery: DeliveryRow,
        question: Question,
        text: str,
        result: Grade,
        now: datetime,
        source_key: str,
        chosen: int | None,
    ) -> AnswerResult:
        if await tx.attempts.find_for_delivery(delivery.id, user.id) is not None:
            raise AlreadyAnswered("You already answered this question.")
        day = local_day(now, self._timezone_of(user, chat))
        on_its_day = delivery.kind == "daily" and (
            local_day(now, chat.timezone).isoformat() == delivery.local_day
        )
        points = points_for(result.score, daily_on_its_day=on_its_day)
        if chat.is_group and await tx.attempts.peeked(delivery.id, user.id):
            points = 0  # they read the model answer first (Answer by DM)
        change = record_answer(_streak_state(user), day)
        state = change.state
        await tx.users.save_streak(
            user.id,
            current=state.current,
            longest=state.longest,
            last_active_day=state.last_day.isoformat() if state.last_day else None,
            freezes=state.freezes,
            frozen_days=[d.isoformat() for d in change.frozen_days],
        )
        attempt = await tx.attempts.add(
            NewAttempt(
                user_id=user.id,
                chat_id=chat.id,
                question_id=question.id,
                delivery_id=delivery.id,
                source_key=source_key,
                answer=text,
                score=result.score,
                covered=result.covered,
                points=points,
                local_day=day.isoformat(),
                answered_at=now,
            )
        )
        if chat.is_group:
            periods = (ALL_TIME, week_period(now, chat.timezone))
            await tx.scores.add_points(chat.id, user.id, periods, points, now)
        rating = srs.proposed_rating(result.score, multiple_choice=question.is_multiple_choice)
        if result.gradable or question.is_multiple_choice:
            card_before = await tx.cards.find(user.id, question.id)
            reviewed = srs.review(card_before, rating, now)
            await tx.cards.save(user.id, question.id, reviewed.card_json, reviewed.due)
            await tx.cards.add_review(
                user_id=user.id,
                question_id=question.id,
                attempt_id=attempt.id,
                rating=int(rating),
                card_before=card_before,
                card_after=reviewed.card_json,
                now=now,
            )
        if not chat.is_group:
            await tx.deliveries.close(delivery.id, now)
        return AnswerResult(
            attempt_id=attempt.id,
            delivery_id=delivery.id,
            question=question,
            grade=result,
            points=points,
            proposed_rating=rating,
            streak=_streak_info(state, day),
            is_group=chat.is_group,
            streak_extended=change.extended,
            frozen_days=change.frozen_days,
            freeze_earned=change.freeze_earned,
            broken_streak=change.broken_streak,
            chosen_option=chosen,
        )

    async def _replay(
        self, tx: UnitOfWork, attempt: AttemptRow, chat: ChatRow, user: UserRow, now: datetime
    ) -> AnswerResult:
        """The result of an attempt recorded before (a repeated update): nothing changes."""
        question = self.catalog.by_id.get(attempt.question_id)
        if question is None:
            raise NoOpenQuestion("That question is no longer in the decks.")
        chosen = None
        if question.is_multiple_choice:
            chosen = _choice_from_text(attempt.answer, question)
            result = _choice_grade(question, chosen)
        else:
            result = grade(attempt.answer, question.key_points, question.question)
        review = await tx.cards.review_for_attempt(attempt.id)
        proposed = (
            srs.Rating(review.proposed_rating) if review else srs.proposed_rating(attempt.score)
        )
        today = local_day(now, self._timezone_of(user, chat))
        return AnswerResult(
            attempt_id=attempt.id,
            delivery_id=attempt.delivery_id,
            question=question,
            grade=result,
            points=attempt.points,
            proposed_rating=proposed,
            streak=_streak_info(_streak_state(user), today),
            is_group=chat.is_group,
            duplicate=True,
            chosen_option=chosen,
        )

    async def rate(
        self, attempt_id: int, player: PlayerKey, rating: srs.Rating, now: datetime
    ) -> RatingResult:
        """The player's own recall rating for an attempt, replacing the proposed one."""
        async with self.store.write() as tx:
            attempt = await tx.attempts.find(attempt_id)
            user = await tx.users.find(player.platform, player.external_id)
            if attempt is None or user is None or attempt.user_id != user.id:
                raise UnknownAttempt("That answer is not yours to rate.")
            question = self.catalog.by_id.get(attempt.question_id)
            review = await tx.cards.review_for_attempt(attempt.id)
            if question is None or review is None:
                raise UnknownAttempt("That answer cannot be rated.")
            latest = await tx.cards.latest_review(user.id, attempt.question_id)
            reviewed_at = datetime.fromisoformat(attempt.answered_at)
            if latest is not None and latest.id == review.id:
                reviewed = srs.review(review.card_before, rating, reviewed_at)
                await tx.cards.save(user.id, question.id, reviewed.card_json, reviewed.due)
                card_after, due = reviewed.card_json, reviewed.due
            else:  # a later review already built on this one: keep the card, log the rating
                card_after = review.card_after
                due = srs.card_from_json(review.card_after, now).due
            await tx.cards.override_review(review.id, int(rating), card_after, now)
        return RatingResult(
            attempt_id=attempt.id,
            question=question,
            rating=rating,
            proposed_rating=srs.Rating(review.proposed_rating),
            due=due,
            interval_days=max(0, (due - reviewed_at).days),
        )

    async def skip(self, chat: ChatKey, now: datetime) -> Question:
        """Close the open question in a chat; the adapter shows its answer."""
        async with self.store.write() as tx:
            row = await self._known_chat(tx, chat)
            delivery = await tx.deliveries.find_open(row.id)
            if delivery is None or delivery.question_id not in self.catalog.by_id:
                raise NoOpenQuestion("No question is open: try /quiz.")
            await tx.deliveries.close(delivery.id, now)
            if row.is_group:
                await tx.deliveries.mark_revealed(delivery.id, now)
        return self.catalog.by_id[delivery.question_id]

    # -- reveal ------------------------------------------------------------------------

    async def reveal(
        self, chat: ChatKey, now: datetime, *, message_id: int | None = None
    ) -> Reveal:
        """Reveal a group question's answer now (/reveal): the newest one, or the one given."""
        async with self.store.write() as tx:
            row = await self._known_chat(tx, chat)
            if message_id is not None:
                delivery = await tx.deliveries.find_by_message(row.id, message_id)
            else:
                delivery = await tx.deliveries.find_open(row.id)
            if delivery is None or delivery.question_id not in self.catalog.by_id:
                raise NoOpenQuestion("There is no question waiting for its answer here.")
            if not await tx.deliveries.mark_revealed(delivery.id, now):
                raise AlreadyRevealed("That answer was already revealed.")
            return await self._reveal_of(tx, delivery, row)

    async def reveals_due(self, now: datetime) -> list[Reveal]:
        """Reveal every group question whose reveal time has come (once each)."""
        reveals = []
        async with self.store.write() as tx:
            for delivery in await tx.deliveries.reveals_due(now):
                row = await tx.chats.find_by_id(delivery.chat_id)
                if row is None or delivery.question_id not in self.catalog.by_id:
                    continue
                if await tx.deliveries.mark_revealed(delivery.id, now):
                    reveals.append(await self._reveal_of(tx, delivery, row))
        return reveals

    async def _reveal_of(self, tx: UnitOfWork, delivery: DeliveryRow, chat: ChatRow) -> Reveal:
        attempts = await tx.attempts.on_delivery_with_names(delivery.id)
        entries = tuple(
            RevealEntry(display_name=name, score=attempt.score, points=attempt.points)
            for attempt, name in attempts
        )
        return Reveal(
            delivery_id=delivery.id,
            chat_external_id=chat.external_id,
            platform=chat.platform,
            question=self.catalog.by_id[delivery.question_id],
            entries=entries,
            message_id=delivery.message_id,
            thread_id=delivery.thread_id,
        )

    # -- progress ----------------------------------------------------------------------

    async def streak(
        self, player: PlayerKey, now: datetime, chat: ChatKey | None = None
    ) -> StreakInfo:
        async with self.store.read() as tx:
            user = await tx.users.find(player.platform, player.external_id)
            row = await tx.chats.find(chat.platform, chat.external_id) if chat else None
        if user is None:
            return StreakInfo(0, 0, 0, answered_today=False, at_risk=False)
        return _streak_info(_streak_state(user), local_day(now, self._timezone_of(user, row)))

    async def stats(
        self, player: PlayerKey, now: datetime, chat: ChatKey | None = None
    ) -> UserStats:
        async with self.store.read() as tx:
            user = await tx.users.find(player.platform, player.external_id)
            row = await tx.chats.find(chat.platform, chat.external_id) if chat else None
            summary = await tx.attempts.summary_by_question(user.id) if user else []
            due = await tx.cards.due_cards(user.id, now) if user else []
        by_question = {r.question_id: (r.answers, r.average_score) for r in summary}
        # Replies to a question with nothing to grade against score 0 without meaning it:
        # they count as answered but stay out of averages and mastery.
        graded = {
            question_id: counts
            for question_id, counts in by_question.items()
            if (question := self.catalog.by_id.get(question_id)) is None or _gradable(question)
        }
        view = self._view(row)
        topics = []
        graded_topics = set()
        for topic, total in view.topics():
            in_topic = [q.id for q in view.questions if q.topic == topic]
            scores = [graded[q][1] for q in in_topic if q in graded]
            average = sum(scores) / len(scores) if scores else 0.0
            seen = sum(1 for q in in_topic if q in by_question)
            topics.append(TopicMastery(topic, seen, total, average))
            if scores:
                graded_topics.add(topic)
        answered = sum(n for n, _ in by_question.values())
        graded_answers = sum(n for n, _ in graded.values())
        total_score = sum(n * avg for n, avg in graded.values())
        weakest = sorted(
            (t for t in topics if t.topic in graded_topics),
            key=lambda t: (t.average_score, t.topic),
        )
        streak = (
            _streak_info(_streak_state(user), local_day(now, self._timezone_of(user, row)))
            if user
            else StreakInfo(0, 0, 0, answered_today=False, at_risk=False)
        )
        return UserStats(
            answered=answered,
            questions_seen=len(by_question),
            questions_total=len(view.questions),
            average_score=total_score / graded_answers if graded_answers else 0.0,
            due_now=sum(1 for question_id, _ in due if question_id in self.catalog.by_id),
            topics=tuple(topics),
            weakest=tuple(t.topic for t in weakest[:WEAKEST_TOPICS]),
            streak=streak,
        )

    async def leaderboard(
        self, chat: ChatKey, period: str, now: datetime, player: PlayerKey | None = None
    ) -> Leaderboard:
        """A group's ranking this local week ('week', from Monday) or for all time ('all')."""
        async with self.store.read() as tx:
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

    def topics(self) -> list[tuple[str, int]]:
        """The bundled decks' topics (a chat's own: `chat_topics`)."""
        return self.library.bundled.topics()

    async def chat_topics(self, chat: ChatKey) -> list[tuple[str, int]]:
        """The topics of the decks a chat uses."""
        async with self.store.read() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
        return self._view(row).topics()

    # -- settings ----------------------------------------------------------------------

    async def settings(self, chat: ChatKey) -> ChatSettings | None:
        async with self.store.read() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
        return _settings(row) if row else None

    async def set_push_time(
        self, chat: ChatKey, text: str, now: datetime, *, is_group: bool
    ) -> ChatSettings:
        try:
            push_time = parse_hhmm(text).strftime("%H:%M")
        except ValueError as exc:
            raise InvalidSetting(str(exc)) from None
        async with self.store.write() as tx:
            row = await self._chat(tx, chat, now, is_group=is_group)
            await tx.chats.set_schedule(row.id, push_time, row.timezone)
            row = await tx.chats.find_by_id(row.id)
        self._schedule_changed()
        assert row is not None
        return _settings(row)

    async def set_timezone(
        self,
        chat: ChatKey,
        text: str,
        now: datetime,
        *,
        is_group: bool,
        player: PlayerKey | None = None,
    ) -> ChatSettings:
        """Set a chat's timezone; in a private chat it becomes the player's too."""
        try:
            timezone = parse_timezone(text).key
        except ValueError as exc:
            raise InvalidSetting(str(exc)) from None
        async with self.store.write() as tx:
            row = await self._chat(tx, chat, now, is_group=is_group)
            await tx.chats.set_schedule(row.id, row.push_time, timezone)
            if player is not None and not is_group:
                user = await tx.users.upsert(
                    player.platform, player.external_id, player.display_name, now
                )
                await tx.users.set_timezone(user.id, timezone)
            row = await tx.chats.find_by_id(row.id)
        self._schedule_changed()
        assert row is not None
        return _settings(row)

    async def set_subscribed(
        self,
        chat: ChatKey,
        subscribed: bool,
        now: datetime,
        *,
        is_group: bool,
        title: str = "",
        owner: PlayerKey | None = None,
    ) -> ChatSettings:
        async with self.store.write() as tx:
            row = await self._chat(tx, chat, now, is_group=is_group, title=title, owner=owner)
            await tx.chats.set_subscribed(row.id, subscribed)
            row = await tx.chats.find_by_id(row.id)
        self._schedule_changed()
        assert row is not None
        return _settings(row)

    async def set_chat_active(self, chat: ChatKey, active: bool) -> None:
        """A chat the bot was removed from or blocked in (or let back into)."""
        async with self.store.write() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
            if row is not None:
                await tx.chats.set_active(row.id, active)
        self._schedule_changed()

    async def chat_moved(self, chat: ChatKey, new_external_id: int) -> None:
        """A group got a new id (Telegram's upgrade to a supergroup): history follows it."""
        async with self.store.write() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
            if row is not None:
                await tx.chats.move_and_merge(row.id, new_external_id)
        self._schedule_changed()

    async def set_reminders(self, player: PlayerKey, enabled: bool, now: datetime) -> None:
        async with self.store.write() as tx:
            user = await tx.users.upsert(
                player.platform, player.external_id, player.display_name, now
            )
            await tx.users.set_reminders(user.id, enabled)

    def _schedule_changed(self) -> None:
        for listener in self.schedule_listeners:
            listener()

    async def open_question(self, chat: ChatKey) -> Asked | None:
        """The question still waiting for an answer in a chat, if any (to show it again)."""
        async with self.store.read() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
            delivery = await tx.deliveries.find_open(row.id) if row else None
        if row is None or delivery is None or delivery.question_id not in self.catalog.by_id:
            return None
        return self._asked(delivery, row, False, delivery.thread_id)

    # -- scheduling --------------------------------------------------------------------

    async def schedule_slots(self, platform: str) -> list[tuple[str, str, int]]:
        """(push_time, timezone, chats) of every slot of a platform's subscribed chats."""
        async with self.store.read() as tx:
            return await tx.chats.schedule_slots(platform)

    async def chats_to_push(
        self, platform: str, push_time: str, timezone: str, day: date
    ) -> list[ChatRow]:
        """A slot's subscribed, active chats that have no daily question for `day` yet."""
        async with self.store.read() as tx:
            return await tx.chats.awaiting_daily_in_slot(
                platform, push_time, timezone, day.isoformat()
            )

    async def reveals_due_for(self, platform: str, now: datetime) -> list[Reveal]:
        """`reveals_due` for one platform's chats (each platform runs its own bot)."""
        reveals = []
        async with self.store.write() as tx:
            for delivery in await tx.deliveries.reveals_due_on(platform, now):
                row = await tx.chats.find_by_id(delivery.chat_id)
                if row is None or delivery.question_id not in self.catalog.by_id:
                    continue
                if await tx.deliveries.mark_revealed(delivery.id, now):
                    reveals.append(await self._reveal_of(tx, delivery, row))
        return reveals

    async def reminders_due(
        self, platform: str, now: datetime, remind_at: time
    ) -> list[ReminderDue]:
        """Players to remind now: reminders on, a private chat, `remind_at` passed in their
        timezone, streak at risk today (so not answered today), not reminded today."""
        utc_day = utc(now).date()
        earliest = utc_day - timedelta(days=MAX_FREEZES + 3)
        async with self.store.read() as tx:
            candidates = await tx.users.reminder_candidates(
                platform, utc_day.isoformat(), earliest.isoformat()
            )
            due = []
            for user, chat_id, reminded in candidates:
                chat = await tx.chats.find_by_id(chat_id)
                if chat is None:
                    continue
                local_now = now.astimezone(ZoneInfo(self._timezone_of(user, chat)))
                state = _streak_state(user)
                reminded_day = date.fromisoformat(reminded) if reminded else None
                if not reminder_due(state, local_now, remind_at, reminded_day):
                    continue
                today = local_now.date()
                due.append(
                    ReminderDue(
                        user_id=user.id,
                        platform=user.platform,
                        chat_external_id=chat.external_id,
                        local_day=today,
                        streak=live_streak(state, today),
                        freezes=state.freezes,
                    )
                )
        return due

    async def mark_reminded(self, user_id: int, day: date) -> bool:
        """Claim a player's reminder for their local `day`; False if already reminded."""
        async with self.store.write() as tx:
            return await tx.users.claim_reminder(user_id, day.isoformat())

    # -- for the Telegram adapter ------------------------------------------------------

    async def delivery_chat(
        self, *, delivery_id: int | None = None, poll_id: str | None = None
    ) -> ChatKey | None:
        """The chat a question went to, found by its delivery or its quiz poll; None when
        there is no such question. Adapters check who may see or answer it there."""
        async with self.store.read() as tx:
            if delivery_id is not None:
                delivery = await tx.deliveries.find(delivery_id)
            else:
                delivery = (
                    await tx.deliveries.find_by_poll(poll_id) if poll_id is not None else None
                )
            row = await tx.chats.find_by_id(delivery.chat_id) if delivery is not None else None
        return ChatKey(row.platform, row.external_id) if row is not None else None

    async def delivered_question(
        self,
        delivery_id: int,
        chat: ChatKey,
        *,
        viewer: PlayerKey | None = None,
        now: datetime | None = None,
    ) -> Question:
        """The question of a delivery in `chat`, whose answer a member asks for privately.

        A delivery of any other chat is refused like a missing one (a forged button).
        With a `viewer` (and `now`), the peek is recorded: if that member has not answered
        yet, their later answer still counts for their streak and memory but earns no
        points, so reading the answer first cannot win the leaderboard.
        """
        if viewer is None or now is None:
            async with self.store.read() as tx:
                delivery = await self._delivery_in(tx, delivery_id, chat)
        else:
            async with self.store.write() as tx:
                delivery = await self._delivery_in(tx, delivery_id, chat)
                if delivery is not None:
                    user = await tx.users.upsert(
                        viewer.platform, viewer.external_id, viewer.display_name, now
                    )
                    if await tx.attempts.find_for_delivery(delivery.id, user.id) is None:
                        await tx.attempts.record_peek(delivery.id, user.id, now)
        if delivery is None or delivery.question_id not in self.catalog.by_id:
            raise NoOpenQuestion("That question is no longer available.")
        return self.catalog.by_id[delivery.question_id]

    @staticmethod
    async def _delivery_in(tx: UnitOfWork, delivery_id: int, chat: ChatKey) -> DeliveryRow | None:
        delivery = await tx.deliveries.find(delivery_id)
        row = await tx.chats.find(chat.platform, chat.external_id)
        return (
            delivery
            if row is not None and delivery is not None and delivery.chat_id == row.id
            else None
        )

    async def set_chat_thread(self, chat: ChatKey, thread_id: int | None) -> None:
        """The forum topic a group's daily question goes to (None: the general topic)."""
        async with self.store.write() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
            if row is not None:
                await tx.chats.set_thread(row.id, thread_id)

    # -- progress: images, weekly recap, weak-topic drill, export ------------------------

    async def stats_chart_data(
        self, player: PlayerKey, now: datetime, chat: ChatKey | None = None
    ) -> StatsChartData:
        """What the /stats image shows (12-week calendar, mastery, streaks), in one read."""
        async with self.store.read() as tx:
            user = await tx.users.find(player.platform, player.external_id)
            row = await tx.chats.find(chat.platform, chat.external_id) if chat else None
            summary = await tx.attempts.summary_by_question(user.id) if user else []
            days = await tx.attempts.answered_days(user.id) if user else []
            frozen = await tx.users.frozen_days(user.id) if user else []
        today = local_day(now, self._timezone_of(user, row))
        state = _streak_state(user) if user else StreakState()
        return stats_chart_data(
            display_name=player.display_name,
            today=today,
            streak=_streak_info(state, today),
            last_active_day=state.last_day,
            questions=self._view(row).questions,
            summary={r.question_id: (int(r.answers), float(r.average_score)) for r in summary},
            answered_days=days,
            frozen_days=frozen,
        )

    async def leaderboard_chart_data(
        self, chat: ChatKey, period: str, now: datetime, player: PlayerKey | None = None
    ) -> LeaderboardChartData:
        """The `leaderboard` ranking with what its image needs: the group's title and week."""
        board = await self.leaderboard(chat, period, now, player)
        async with self.store.read() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
        today = local_day(now, row.timezone if row else self.defaults.timezone)
        return LeaderboardChartData(
            board=board,
            chat_title=row.title if row else "",
            today=today,
            week_start=None if board.period == "all" else week_start(today),
        )

    async def weak_topics(self, player: PlayerKey, now: datetime) -> list[str]:
        """The player's weakest topics (lowest scores or recall), weakest first; empty
        when they have answered nothing gradable yet."""
        async with self.store.read() as tx:
            user = await tx.users.find(player.platform, player.external_id)
            return await self._weakest_topics(tx, user, now) if user else []

    async def _weakest_topics(
        self, tx: UnitOfWork, user: UserRow, now: datetime, view: Catalog | None = None
    ) -> list[str]:
        summary = await tx.attempts.summary_by_question(user.id)
        cards = await tx.cards.cards_of(user.id)
        averages = {r.question_id: float(r.average_score) for r in summary}
        recall = {question_id: srs.retrievability(card, now) for question_id, card, _ in cards}
        questions = (view or self.catalog).questions
        strengths = weak.topic_strengths(questions, averages, recall)
        return weak.weakest(strengths)

    async def _weak_drill(
        self, tx: UnitOfWork, user: UserRow | None, now: datetime, view: Catalog
    ) -> tuple[set[str] | None, str]:
        """The drill's questions among the chat's decks (None: no history, ask from
        everything) and its note."""
        topics = await self._weakest_topics(tx, user, now, view) if user else []
        if not topics:
            return None, weak.drill_note([])
        chosen = set(topics)
        return {q.id for q in view.questions if q.topic in chosen}, weak.drill_note(topics)

    async def recap_groups(self, platform: str) -> list[ChatRow]:
        """The groups that get a weekly recap: a platform's subscribed, active groups."""
        async with self.store.read() as tx:
            return [row for row, _ in await tx.recaps.candidates(platform)]

    async def recaps_due(self, platform: str, now: datetime) -> list[RecapDue]:
        """Groups whose weekly recap is due now: Monday in their timezone, their push
        time passed, last week not recapped yet."""
        async with self.store.read() as tx:
            candidates = await tx.recaps.candidates(platform)
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

    async def claim_recap(self, chat_id: int, week: date) -> bool:
        """Claim a group's recap of the week starting `week`; False if already claimed."""
        async with self.store.write() as tx:
            return await tx.recaps.claim(chat_id, week.isoformat())

    async def weekly_recap(self, chat_id: int, now: datetime) -> Recap | None:
        """The recap of a group's previous local week (the one before the week holding
        `now`); None if nobody answered there that week."""
        async with self.store.read() as tx:
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
            top = await tx.scores.top(row.id, week_period(start, row.timezone), recap.TOP_MEMBERS)
            members = await tx.scores.members(row.id)
            scores = await tx.recaps.question_scores_between(row.id, start, end)
            firsts = await tx.recaps.first_sent_days(row.id)
        view = self._view(row)
        try:
            deck = {q.id for q in view.select(row.question_filter)}
        except UnknownFilter:
            deck = set(view.by_id)
        first_days = {question_id: day for question_id, day in firsts if question_id in deck}
        streaks = (
            (
                user.display_name,
                live_streak(_streak_state(user), local_day(now, user.timezone or row.timezone)),
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
            hardest=recap.hardest_questions(scores, self.catalog.by_id, self.catalog.position),
            covered=len(first_days),
            deck_total=len(deck),
            new_last_week=sum(
                1
                for day in first_days.values()
                if last_week.isoformat() <= day < this_week.isoformat()
            ),
        )

    async def history(self, player: PlayerKey) -> list[HistoryRow]:
        """The player's own answers, oldest first, for /export."""
        async with self.store.read() as tx:
            user = await tx.users.find(player.platform, player.external_id)
            rows = await tx.attempts.history(user.id) if user else []
        history = []
        for r in rows:
            question = self.catalog.by_id.get(r.question_id)
            history.append(
                HistoryRow(
                    answered_at=r.answered_at,
                    local_day=r.local_day,
                    deck=self.catalog.deck_of[question.id].deck if question else "",
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

    # -- privacy -----------------------------------------------------------------------

    async def forget_player(self, player: PlayerKey, now: datetime) -> Forgotten:
        """Delete everything stored about a player (/forgetme, after they confirmed):
        answers, ratings, cards, leaderboard totals, streak and freezes, their private
        chats and their name. Forgetting twice finds nothing the second time."""
        async with self.store.write() as tx:
            user = await tx.users.find(player.platform, player.external_id)
            if user is None:
                return Forgotten(found=False)
            counts = await tx.users.delete_all_data(user.id)  # own decks go with the user row
        self.library = self.library.without(d.row_id for d in self.library.owned_by([user.id]))
        if counts["chats"]:
            self._schedule_changed()  # a subscribed private chat left its slot
        return Forgotten(found=True, **counts)

    # -- fan-out batches (the scheduler's daily push) ------------------------------------

    async def claim_daily_many(self, chat_ids: Sequence[int], now: datetime) -> dict[int, Asked]:
        """`claim_daily` for many chats in one unit of work: the chats claimed, each with
        the question `claim_daily` would have claimed for it. A chat left out was not
        claimed (already claimed today, unsubscribed or inactive, nothing left to ask).

        The reads are made for the whole batch up front (a handful of statements, not a
        dozen per chat), the choices in memory, then every claim in one statement; all of
        it committed before this returns, like `claim_daily`.
        """
        ids = list(dict.fromkeys(chat_ids))
        if not ids:
            return {}
        async with self.store.write() as tx:
            rows = await tx.chats.find_by_ids(ids)
            live = [rows[i] for i in ids if i in rows and rows[i].active and rows[i].subscribed]
            days = {row.id: local_day(now, row.timezone) for row in live}
            claimed = await tx.deliveries.chats_with_daily(
                [(row.id, days[row.id].isoformat()) for row in live]
            )
            live = [row for row in live if row.id not in claimed]
            owners = await tx.users.find_by_ids(sorted({r.owner_id for r in live if r.owner_id}))
            owner_of = {row.id: owners.get(row.owner_id) if row.owner_id else None for row in live}
            reads = await tx.load_selection(
                groups=[row.id for row in live if row.is_group or owner_of[row.id] is None],
                people=[
                    (owner.id, row.id, days[row.id].isoformat())
                    for row in live
                    if not row.is_group and (owner := owner_of[row.id]) is not None
                ],
                threshold=selection.MISSED_BELOW,
            )
            chosen: dict[int, tuple[str, bool]] = {}
            for row in live:
                try:
                    chosen[row.id] = await self._choose(
                        reads,
                        row,
                        owner_of[row.id],
                        None,
                        now,
                        days[row.id],
                        row.timezone,
                        on_request=False,
                    )
                except NothingToAsk:
                    continue
                except Exception:  # one chat's bad settings never stop the others
                    logger.exception("choosing the daily question of chat %s failed", row.id)
            previous = await tx.deliveries.find_open_many(
                [i for i in chosen if not rows[i].is_group]
            )
            await tx.deliveries.close_many([delivery.id for delivery in previous.values()], now)
            deliveries = await tx.deliveries.claim_many(
                [
                    NewDelivery(
                        chat_id=chat_id,
                        question_id=question_id,
                        kind="daily",
                        local_day=days[chat_id].isoformat(),
                        reveal_at=self._reveal_at(rows[chat_id], now),
                    )
                    for chat_id, (question_id, _) in chosen.items()
                ],
                now,
            )
        return {
            d.chat_id: self._asked(
                d, rows[d.chat_id], chosen[d.chat_id][1], rows[d.chat_id].thread_id
            )
            for d in deliveries
        }

    async def questions_sent(self, marks: Sequence[SentMark]) -> None:
        """`question_sent` for many deliveries in one unit of work."""
        if marks:
            async with self.store.write() as tx:
                await tx.deliveries.mark_sent_many(marks)


def _settings(row: ChatRow) -> ChatSettings:
    return ChatSettings(
        timezone=row.timezone,
        push_time=row.push_time,
        subscribed=bool(row.subscribed),
        active=bool(row.active),
        reveal_after_minutes=row.reveal_after_minutes,
        question_filter=row.question_filter,
    )


def _streak_state(user: UserRow) -> StreakState:
    last = date.fromisoformat(user.last_active_day) if user.last_active_day else None
    return StreakState(user.current_streak, user.longest_streak, last, user.freezes)


def _streak_info(state: StreakState, today: date) -> StreakInfo:
    return StreakInfo(
        current=live_streak(state, today),
        longest=state.longest,
        freezes=state.freezes,
        answered_today=state.last_day == today,
        at_risk=at_risk(state, today),
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


_LETTERS = "abcdefghij"


def _choice_from_text(text: str, question: Question) -> int | None:
    """A typed pick of a multiple-choice option: its number (1-based), letter or text."""
    choices = question.choices or []
    typed = " ".join(text.split()).casefold()
    wanted = typed.rstrip(".)")  # "2." and "b)" pick options too
    if re.fullmatch(r"\d+", wanted) and 1 <= int(wanted) <= len(choices):
        return int(wanted) - 1
    if len(wanted) == 1 and wanted in _LETTERS[: len(choices)]:
        return _LETTERS.index(wanted)
    for index, choice in enumerate(choices):
        # An option's own text may end in ")" or ".": compare it whole as typed as well.
        if " ".join(choice.split()).casefold() in (typed, wanted):
            return index
    return None


def _gradable(question: Question) -> bool:
    return bool(question.key_points) or question.is_multiple_choice


def _choice_grade(question: Question, chosen: int | None) -> Grade:
    right = chosen is not None and chosen == question.correct
    return Grade(
        score=1.0 if right else 0.0,
        covered=(),
        missed=(),
        matched_terms=(),
    )
