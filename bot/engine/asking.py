"""Asking: choosing a chat's next question, claiming it, and recording how its send went.

A question is claimed (a delivery row, committed) before the adapter sends it; the
adapter then reports `question_sent` (with the message id replies will point at) or
`question_not_sent`. `/quiz` asks on request (`ask`); the daily push claims through
`bot.engine.daily`, which shares `choose_question` and `claim_question` with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from bot.decks.catalog import Catalog
from bot.engine import question_languages, selection, srs, weak
from bot.engine.clock import day_end, local_day, utc
from bot.engine.context import REVEAL_AFTER_MINUTES, EngineContext
from bot.engine.results import Asked, ChatKey, PlayerKey
from bot.errors import NothingToAsk
from bot.store import ChatRow, DeliveryRow, SelectionReads, SentMark, UnitOfWork, UserRow


class Asking:
    """Questions on request and the bookkeeping of every question's send."""

    def __init__(self, context: EngineContext) -> None:
        self.context = context

    async def ask(
        self,
        chat: ChatKey,
        player: PlayerKey | None,
        now: datetime,
        *,
        is_group: bool,
        title: str = "",
        filter_text: str | None = None,
        language: str | None = None,
        thread_id: int | None = None,
    ) -> Asked:
        """Choose and claim a question on request (/quiz); raises UnknownFilter or
        NothingToAsk (NoQuestionInLanguage when none is in the language wanted).

        `language` (a content language code) limits this question to it, overriding the
        chat's setting; without it, a first word of `filter_text` that is a content
        language does (`/quiz zh transformers`, see bot.engine.question_languages).
        """
        if language is None:
            language, filter_text = question_languages.split_filter(filter_text)
        ctx = self.context
        async with ctx.store.write() as tx:
            row = await ctx.ensure_chat(
                tx, chat, now, is_group=is_group, title=title, owner=None if is_group else player
            )
            user = await ctx.ensure_user(tx, player, now) if player is not None else None
            timezone = ctx.timezone_of(None if row.is_group else user, row)
            day = local_day(now, timezone)
            drill, topics = None, None
            if weak.is_weak_filter(filter_text):  # progress: /quiz weak
                drill, topics = await self._weak_drill(tx, user, now, ctx.view(row))
                filter_text = None
            question_id, is_review = await choose_question(
                ctx,
                tx.selection,
                row,
                user,
                filter_text,
                now,
                day,
                timezone,
                on_request=True,
                only=drill,
                language=language,
            )
            delivery = await claim_question(
                tx, row, question_id, "asked", day, now, asked_by=user.id if user else None
            )
            assert delivery is not None
        asked = ctx.asked(delivery, row, is_review, thread_id)
        return replace(asked, drill=topics) if topics is not None else asked

    async def _weak_drill(
        self, tx: UnitOfWork, user: UserRow | None, now: datetime, view: Catalog
    ) -> tuple[set[str] | None, tuple[str, ...]]:
        """The drill's questions among the chat's decks (None: no history, ask from
        everything) and its topics, weakest first."""
        topics = await weakest_topics(self.context, tx, user, now, view) if user else []
        if not topics:
            return None, ()
        chosen = set(topics)
        return {q.id for q in view.questions if q.topic in chosen}, tuple(topics)

    async def open_question(self, chat: ChatKey) -> Asked | None:
        """The question still waiting for an answer in a chat, if any (to show it again)."""
        ctx = self.context
        async with ctx.store.read() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
            delivery = await tx.deliveries.find_open(row.id) if row else None
        if row is None or delivery is None or delivery.question_id not in ctx.catalog.by_id:
            return None
        return ctx.asked(delivery, row, False, delivery.thread_id)

    async def question_sent(
        self,
        delivery_id: int,
        now: datetime,
        *,
        message_id: int | None,
        thread_id: int | None = None,
        poll_id: str | None = None,
    ) -> None:
        async with self.context.store.write() as tx:
            await tx.deliveries.mark_sent(
                delivery_id, message_id=message_id, now=now, thread_id=thread_id, poll_id=poll_id
            )

    async def question_not_sent(self, delivery_id: int, *, outcome_unknown: bool) -> None:
        """A send failed ('failed'), or timed out and may have arrived ('unknown')."""
        async with self.context.store.write() as tx:
            await tx.deliveries.set_status(delivery_id, "unknown" if outcome_unknown else "failed")

    async def questions_sent(self, marks: Sequence[SentMark]) -> None:
        """`question_sent` for many deliveries in one unit of work."""
        if marks:
            async with self.context.store.write() as tx:
                await tx.deliveries.mark_sent_many(marks)

    async def delivery_chat(
        self, *, delivery_id: int | None = None, poll_id: str | None = None
    ) -> ChatKey | None:
        """The chat a question went to, found by its delivery or its quiz poll; None when
        there is no such question. Adapters check who may see or answer it there."""
        async with self.context.store.read() as tx:
            if delivery_id is not None:
                delivery = await tx.deliveries.find(delivery_id)
            else:
                delivery = (
                    await tx.deliveries.find_by_poll(poll_id) if poll_id is not None else None
                )
            row = await tx.chats.find_by_id(delivery.chat_id) if delivery is not None else None
        return ChatKey(row.platform, row.external_id) if row is not None else None


async def weakest_topics(
    ctx: EngineContext, tx: UnitOfWork, user: UserRow, now: datetime, view: Catalog | None = None
) -> list[str]:
    """The player's weakest topics (lowest scores or recall) among `view`'s questions,
    weakest first; empty when they have answered nothing gradable yet."""
    summary = await tx.attempts.summary_by_question(user.id)
    cards = await tx.cards.cards_of(user.id)
    averages = {r.question_id: float(r.average_score) for r in summary}
    recall = {question_id: srs.retrievability(card, now) for question_id, card, _ in cards}
    questions = (view or ctx.catalog).questions
    return weak.weakest(weak.topic_strengths(questions, averages, recall))


def reveal_at(chat: ChatRow, now: datetime) -> datetime | None:
    """When a group question's model answer is revealed (a private chat's never is)."""
    if not chat.is_group:
        return None
    return utc(now) + timedelta(minutes=REVEAL_AFTER_MINUTES)


async def claim_question(
    tx: UnitOfWork,
    chat: ChatRow,
    question_id: str,
    kind: str,
    day: date,
    now: datetime,
    *,
    asked_by: int | None = None,
) -> DeliveryRow | None:
    """Claim `question_id` for `chat` (a 'daily' or an 'asked' delivery). A private chat
    has one open question: the one before is closed. None when the chat's daily question
    for `day` was claimed already."""
    if not chat.is_group:
        previous = await tx.deliveries.find_open(chat.id)
        if previous is not None:
            await tx.deliveries.close(previous.id, now)
    return await tx.deliveries.claim(
        chat.id,
        question_id,
        kind=kind,
        local_day=day.isoformat(),
        now=now,
        asked_by=asked_by,
        reveal_at=reveal_at(chat, now),
    )


async def choose_question(
    ctx: EngineContext,
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
    language: str | None = None,
) -> tuple[str, bool]:
    """The next question for a chat, and whether it is a review of a known card.

    Only questions in `language`, else in the chat's question languages, are candidates
    (NoQuestionInLanguage when that leaves none of the decks' and filter's questions).
    Reviews are day-based: a card due at any time of the local `day` is due that day,
    so tomorrow's push finds a card reviewed at today's push time a few minutes later.
    """
    view = ctx.view(chat)
    if only is not None:  # progress: the weak-topic drill's questions
        candidates = [q.id for q in view.questions if q.id in only]
    else:
        candidates = [q.id for q in view.select(filter_text)]
    candidates = question_languages.keep_languages(
        view,
        candidates,
        language=language,
        setting=chat.question_languages,
        filter_text=filter_text,
    )
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
        raise NothingToAsk()
    return chosen, is_review
