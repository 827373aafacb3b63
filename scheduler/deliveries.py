"""The three messages the scheduler sends, each recorded in the engine its own way.

- a daily question: claimed in the database first (`engine.daily.claim`, or a fan-out's
  `engine.daily.claim_many`), then delivered like every question
  (`bot.engine.delivering`): sent, then marked sent (marks of concurrent sends are
  written together, each acknowledged only once written), failed or unknown;
- a group reveal: the engine marked it revealed when it handed it out; only sent here;
- a streak reminder: claimed for the player's local day first (at most one a day).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from bot.engine.delivering import NotSent, deliver
from bot.engine.quiz import Engine
from bot.engine.reminders import ReminderDue
from bot.engine.results import Asked, Reveal
from bot.store import ChatRow, SentMark
from scheduler.batching import Coalescer
from scheduler.dispatch import Dispatcher, Outcome
from scheduler.sending import ChatTarget, ReminderStreak, Sender, SentMessage


class Deliveries:
    def __init__(
        self,
        engine: Engine,
        sender: Sender,
        dispatcher: Dispatcher,
        clock: Callable[[], datetime],
    ) -> None:
        self.engine = engine
        self.sender = sender
        self.dispatcher = dispatcher
        self.clock = clock
        self.marks = Coalescer(engine.asking.questions_sent)
        """"Sent" marks, written in batches (`question_sent` for many at once)."""
        self.log = BatchedLog(engine, self.marks)

    async def claim_daily_many(self, chats: Sequence[ChatRow], now: datetime) -> dict[int, Asked]:
        """Claim many chats' daily questions at once (by chat row id); a chat missing from
        the answer already has today's, or nothing to ask."""
        return await self.engine.daily.claim_many([chat.id for chat in chats], now)

    async def send_claimed(self, asked: Asked, chat: ChatRow) -> Outcome:
        """Send a question already claimed for `chat` and record how it went
        (`bot.engine.delivering.deliver`; "sent" marks are written in batches)."""
        target = ChatTarget(
            chat.platform, chat.external_id, chat.is_group, asked.thread_id, chat.language
        )

        async def send(claimed: Asked) -> SentMessage:
            async def call(to: ChatTarget) -> SentMessage:
                return await self.sender.send_question(to, claimed)

            attempt = await self.dispatcher.send(target, call)
            if attempt.outcome is not Outcome.SENT:
                raise Undelivered(attempt.outcome)
            return attempt.value or SentMessage(message_id=None)

        try:
            await deliver(asked, send, self.log, self.clock)
        except Undelivered as not_sent:
            return not_sent.outcome
        return Outcome.SENT

    async def abandon(self, asked: Asked) -> None:
        """Give up a claimed question that can no longer go out (its day is over)."""
        await self.engine.asking.question_not_sent(asked.delivery_id, outcome_unknown=False)

    async def reveal(self, reveal: Reveal) -> Outcome:
        target = ChatTarget(reveal.platform, reveal.chat_external_id, True, reveal.thread_id)

        async def send(to: ChatTarget) -> None:
            await self.sender.send_reveal(replace(reveal, chat_external_id=to.external_id))

        return (await self.dispatcher.send(target, send)).outcome

    async def reminder(self, due: ReminderDue) -> Outcome | None:
        """Claim and send a streak reminder; None if the player was reminded today."""
        if not await self.engine.daily.claim_reminder(due.user_id, due.local_day):
            return None
        target = ChatTarget(due.platform, due.chat_external_id, False, language=due.language)
        streak = ReminderStreak(current=due.streak, freezes=due.freezes)

        async def send(to: ChatTarget) -> None:
            await self.sender.send_reminder(to, streak)

        return (await self.dispatcher.send(target, send)).outcome


class Undelivered(NotSent):
    """The dispatcher's outcome for a question that did not go out."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome is Outcome.UNKNOWN, f"question {outcome}")
        self.outcome = outcome


class BatchedLog:
    """`DeliveryLog` of the daily push: "sent" marks of concurrent sends written together
    (each acknowledged only once written), failures at once."""

    def __init__(self, engine: Engine, marks: Coalescer[SentMark]) -> None:
        self.engine = engine
        self.marks = marks

    async def sent(self, delivery_id: int, at: datetime, message: SentMessage) -> None:
        await self.marks.submit(
            SentMark(
                delivery_id=delivery_id,
                sent_at=at,
                message_id=message.message_id,
                thread_id=message.thread_id,
                poll_id=message.poll_id,
            )
        )

    async def not_sent(self, delivery_id: int, *, outcome_unknown: bool) -> None:
        await self.engine.asking.question_not_sent(delivery_id, outcome_unknown=outcome_unknown)
