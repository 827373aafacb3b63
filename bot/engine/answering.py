"""Answering: a typed reply or a quiz-poll vote becomes a graded, recorded attempt; and
skipping the open question.

Finding the question an answer is for (the replied-to message in a group, the open
question in a private chat), grading it (key points, or the option picked), asking the
optional judge, and replaying a repeated update without recording it twice. What an
answer changes once graded is `bot.engine.recording`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.decks.model import Question
from bot.engine import srs
from bot.engine.clock import local_day
from bot.engine.context import EngineContext, streak_info, streak_state
from bot.engine.grading import Grade, grade
from bot.engine.judging import apply_judgement
from bot.engine.recording import record_attempt
from bot.engine.results import AnswerResult, ChatKey, PlayerKey
from bot.engine.unconfirmed import match_unconfirmed
from bot.errors import AlreadyAnswered, NoOpenQuestion
from bot.store import AttemptRow, ChatRow, DeliveryRow, UnitOfWork, UserRow


class Answering:
    """Typed answers, poll votes and /skip."""

    def __init__(self, context: EngineContext) -> None:
        self.context = context
        self.recorded_listeners: list[Callable[[AnswerResult], None]] = []
        """Called with each newly recorded answer (not a replayed one): `/metrics`."""

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
        ctx = self.context
        # Grading and the judge are the slow parts: done before the write that records the
        # answer, for the question it is most likely for, so they never hold the store.
        foreseen = await self._question_foreseen(chat, reply_to_message_id)
        graded: tuple[str, Grade] | None = None
        opinion = None
        if foreseen is not None and not foreseen.is_multiple_choice:
            graded = (foreseen.id, grade(text, foreseen.key_points, foreseen.question))
            if ctx.judge is not None and foreseen.key_points:
                judgement = await ctx.judge(foreseen, text)
                opinion = (foreseen.id, judgement) if judgement is not None else None
        advice = ""
        async with ctx.store.write() as tx:
            row = await ctx.known_chat(tx, chat)
            user = await ctx.ensure_user(tx, player, now)
            duplicate = await tx.attempts.find_by_source(row.id, source_key)
            if duplicate is not None:
                return await replayed(ctx, tx, duplicate, row, user, now)
            delivery = await self._delivery_answered(
                tx, row, reply_to_message_id, replied_text, now
            )
            question = ctx.catalog.by_id[delivery.question_id]
            if question.is_multiple_choice:
                chosen = choice_from_text(text, question)
                result = choice_grade(question, chosen)
            else:
                chosen = None
                if graded is not None and graded[0] == question.id:
                    result = graded[1]
                else:  # the question changed since it was foreseen (a rare race)
                    result = grade(text, question.key_points, question.question)
                if opinion is not None and opinion[0] == question.id:
                    result, advice = apply_judgement(
                        result, question.key_points, text, question.question, opinion[1]
                    )
            recorded = await record_attempt(
                ctx, tx, row, user, delivery, question, text, result, now, source_key, chosen
            )
        self._recorded(recorded)
        return replace(recorded, advice=advice) if advice else recorded

    async def answer_choice(
        self, poll_id: str, player: PlayerKey, option_ids: list[int], now: datetime
    ) -> AnswerResult:
        """Record a vote in a quiz poll as an attempt."""
        ctx = self.context
        source_key = f"poll:{poll_id}:{player.external_id}"
        async with ctx.store.write() as tx:
            delivery = await tx.deliveries.find_by_poll(poll_id)
            if delivery is None or delivery.question_id not in ctx.catalog.by_id:
                raise NoOpenQuestion("unknown_poll")
            row = await tx.chats.find_by_id(delivery.chat_id)
            assert row is not None
            user = await ctx.ensure_user(tx, player, now)
            duplicate = await tx.attempts.find_by_source(row.id, source_key)
            if duplicate is not None:
                return await replayed(ctx, tx, duplicate, row, user, now)
            if await tx.attempts.find_for_delivery(delivery.id, user.id) is not None:
                raise AlreadyAnswered()
            question = ctx.catalog.by_id[delivery.question_id]
            chosen = option_ids[0] if option_ids else None
            text = question.choices[chosen] if question.choices and chosen is not None else ""
            recorded = await record_attempt(
                ctx,
                tx,
                row,
                user,
                delivery,
                question,
                text,
                choice_grade(question, chosen),
                now,
                source_key,
                chosen,
            )
        self._recorded(recorded)
        return recorded

    async def skip(self, chat: ChatKey, now: datetime) -> Question:
        """Close the open question in a chat; the adapter shows its answer."""
        ctx = self.context
        async with ctx.store.write() as tx:
            row = await ctx.known_chat(tx, chat)
            delivery = await tx.deliveries.find_open(row.id)
            if delivery is None or delivery.question_id not in ctx.catalog.by_id:
                raise NoOpenQuestion("none_open")
            await tx.deliveries.close(delivery.id, now)
            if row.is_group:
                await tx.deliveries.mark_revealed(delivery.id, now)
        return ctx.catalog.by_id[delivery.question_id]

    def _recorded(self, result: AnswerResult) -> None:
        for listener in self.recorded_listeners:
            listener(result)

    async def _question_foreseen(
        self, chat: ChatKey, reply_to_message_id: int | None
    ) -> Question | None:
        """The question an answer is for, as far as a peek at the store tells (the write
        that records the answer finds it again); None when there seems to be none."""
        ctx = self.context
        async with ctx.store.peek() as tx:
            row = await tx.chats.find(chat.platform, chat.external_id)
            if row is None:
                return None
            try:
                delivery = await self._delivery_answered(tx, row, reply_to_message_id)
            except NoOpenQuestion:
                return None
        return ctx.catalog.by_id[delivery.question_id]

    async def _delivery_answered(
        self,
        tx: UnitOfWork,
        chat: ChatRow,
        reply_to_message_id: int | None,
        replied_text: str | None = None,
        now: datetime | None = None,
    ) -> DeliveryRow:
        catalog = self.context.catalog
        delivery = None
        if reply_to_message_id is not None:
            delivery = await tx.deliveries.find_by_message(chat.id, reply_to_message_id)
            if delivery is None and replied_text and now is not None:
                delivery = await match_unconfirmed(
                    tx, catalog, chat.id, reply_to_message_id, replied_text, now
                )
        if delivery is None and not chat.is_group:
            delivery = await tx.deliveries.find_open(chat.id)
        if delivery is None or delivery.question_id not in catalog.by_id:
            raise NoOpenQuestion("reply_needed" if chat.is_group else "none_open")
        return delivery


async def replayed(
    ctx: EngineContext,
    tx: UnitOfWork,
    attempt: AttemptRow,
    chat: ChatRow,
    user: UserRow,
    now: datetime,
) -> AnswerResult:
    """The result of an attempt recorded before (a repeated update): nothing changes."""
    question = ctx.catalog.by_id.get(attempt.question_id)
    if question is None:
        raise NoOpenQuestion("question_removed")
    chosen = None
    if question.is_multiple_choice:
        chosen = choice_from_text(attempt.answer, question)
        result = choice_grade(question, chosen)
    else:
        result = grade(attempt.answer, question.key_points, question.question)
    review = await tx.cards.review_for_attempt(attempt.id)
    proposed = srs.Rating(review.proposed_rating) if review else srs.proposed_rating(attempt.score)
    today = local_day(now, ctx.timezone_of(user, chat))
    return AnswerResult(
        attempt_id=attempt.id,
        delivery_id=attempt.delivery_id,
        question=question,
        grade=result,
        points=attempt.points,
        proposed_rating=proposed,
        streak=streak_info(streak_state(user), today),
        is_group=chat.is_group,
        duplicate=True,
        chosen_option=chosen,
        person_language=user.language,
    )


_LETTERS = "abcdefghij"


def choice_from_text(text: str, question: Question) -> int | None:
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


def choice_grade(question: Question, chosen: int | None) -> Grade:
    right = chosen is not None and chosen == question.correct
    return Grade(
        score=1.0 if right else 0.0,
        covered=(),
        missed=(),
        matched_terms=(),
    )
