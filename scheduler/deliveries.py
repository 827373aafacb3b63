"""The three messages the scheduler sends, each recorded in the engine its own way.

- a daily question: claimed in the database first (`engine.daily.claim`, or a fan-out's
  `engine.daily.claim_many`), then sent, then marked sent (marks of concurrent sends are written
  together, each acknowledged only once written), failed or unknown;
- a group reveal: the engine marked it revealed when it handed it out; only sent here;
- a streak reminder: claimed for the player's local day first (at most one a day).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

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

    async def claim_daily_many(self, chats: Sequence[ChatRow], now: datetime) -> dict[int, Asked]:
        """Claim many chats' daily questions at once (by chat row id); a chat missing from
        the answer already has today's, or nothing to ask."""
        return await self.engine.daily.claim_many([chat.id for chat in chats], now)

    async def send_claimed(self, asked: Asked, chat: ChatRow) -> Outcome:
        """Send a question already claimed for `chat` and record how it went."""
        target = ChatTarget(chat.platform, chat.external_id, chat.is_group, asked.thread_id)

        async def send(to: ChatTarget) -> SentMessage:
            return await self.sender.send_question(to, asked)

        attempt = await self.dispatcher.send(target, send)
        if attempt.outcome is Outcome.SENT:
            sent = attempt.value or SentMessage(message_id=None)
            await self.marks.submit(
                SentMark(
                    delivery_id=asked.delivery_id,
                    sent_at=self.clock(),
                    message_id=sent.message_id,
                    thread_id=sent.thread_id if sent.thread_id is not None else target.thread_id,
                    poll_id=sent.poll_id,
                )
            )
            return Outcome.SENT
        await self.engine.asking.question_not_sent(
            asked.delivery_id, outcome_unknown=attempt.outcome is Outcome.UNKNOWN
        )
        return attempt.outcome

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
        target = ChatTarget(due.platform, due.chat_external_id, False)
        streak = ReminderStreak(current=due.streak, freezes=due.freezes)

        async def send(to: ChatTarget) -> None:
            await self.sender.send_reminder(to, streak)

        return (await self.dispatcher.send(target, send)).outcome
