"""Test doubles for the scheduler: a virtual monotonic clock, a settable wall clock and a
recording sender that can be told to fail in every way the protocol knows."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from bot.engine.quiz import Engine
from bot.engine.results import Asked, ChatKey, PlayerKey, Reveal
from scheduler.sending import ChatTarget, ReminderStreak, SentMessage

T = TypeVar("T")

PLATFORM = "telegram"


class VirtualTime:
    """Monotonic seconds that pass only when every task is waiting on `sleep`.

    `run(...)` drives coroutines to completion: whenever they are all asleep, time jumps
    to the earliest wake-up. Nothing really sleeps, so hours pass in milliseconds.
    """

    SETTLE_ROUNDS = 30

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._order), future))
        await future

    async def run(self, *work: Coroutine[Any, Any, T]) -> list[T]:
        tasks = [asyncio.ensure_future(item) for item in work]
        while not all(task.done() for task in tasks):
            await self._settle()
            if all(task.done() for task in tasks):
                break
            self._wake_next()
        return [task.result() for task in tasks]

    async def _settle(self) -> None:
        for _ in range(self.SETTLE_ROUNDS):
            await asyncio.sleep(0)

    def _wake_next(self) -> None:
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)  # cancelled
        if not self._sleepers:
            raise RuntimeError("deadlock: every task waits and nobody sleeps")
        self.now = max(self.now, self._sleepers[0][0])
        while self._sleepers and self._sleepers[0][0] <= self.now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)


class FakeClock:
    """The scheduler's wall clock, set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> datetime:
        self.now = now
        return now

    def advance(self, delta: timedelta) -> datetime:
        self.now += delta
        return self.now


Behaviour = Callable[[ChatTarget], Awaitable[None]]
"""Run before a send to one chat: raise an outcome, or sleep to be slow."""


@dataclass
class Sent:
    at: datetime
    target: ChatTarget
    asked: Asked | None = None
    reveal: Reveal | None = None
    streak: ReminderStreak | None = None
    message_id: int | None = None


@dataclass
class FakeSender:
    """Records every message; `script[external_id]` lists what each send there does first
    (an exception to raise, or a coroutine function to await), then sends succeed."""

    clock: Callable[[], datetime]
    platform: str = PLATFORM
    questions: list[Sent] = field(default_factory=list)
    reveals: list[Sent] = field(default_factory=list)
    reminders: list[Sent] = field(default_factory=list)
    script: dict[int, list[BaseException | Behaviour]] = field(default_factory=dict)
    calls: list[tuple[str, int]] = field(default_factory=list)
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5000))

    async def _before(self, kind: str, target: ChatTarget) -> None:
        self.calls.append((kind, target.external_id))
        steps = self.script.get(target.external_id)
        if steps:
            step = steps.pop(0)
            if isinstance(step, BaseException):
                raise step
            await step(target)

    async def send_question(self, target: ChatTarget, asked: Asked) -> SentMessage:
        await self._before("question", target)
        message_id = next(self._message_ids)
        self.questions.append(Sent(self.clock(), target, asked=asked, message_id=message_id))
        return SentMessage(message_id=message_id, thread_id=target.thread_id)

    async def send_reveal(self, reveal: Reveal) -> None:
        target = ChatTarget(reveal.platform, reveal.chat_external_id, True, reveal.thread_id)
        await self._before("reveal", target)
        self.reveals.append(Sent(self.clock(), target, reveal=reveal))

    async def send_reminder(self, target: ChatTarget, streak: ReminderStreak) -> None:
        await self._before("reminder", target)
        self.reminders.append(Sent(self.clock(), target, streak=streak))

    def question_chats(self) -> list[int]:
        return [sent.target.external_id for sent in self.questions]

    def message_id_of(self, external_id: int) -> int:
        """The message id of the latest question sent to a chat (to reply to it)."""
        for sent in reversed(self.questions):
            if sent.target.external_id == external_id and sent.message_id is not None:
                return sent.message_id
        raise AssertionError(f"no question was sent to {external_id}")


def slow(seconds: float) -> Behaviour:
    async def behave(_target: ChatTarget) -> None:
        await asyncio.sleep(seconds)

    return behave


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def minutes(start: datetime, end: datetime, step: int = 1) -> Iterable[datetime]:
    """Every `step` minutes from `start` up to and including `end`."""
    moment = start
    while moment <= end:
        yield moment
        moment += timedelta(minutes=step)


async def subscribe(
    engine: Engine,
    external_id: int,
    now: datetime,
    *,
    push_time: str = "09:00",
    timezone: str = "UTC",
    group: bool = False,
) -> ChatKey:
    """A subscribed chat (a private one belongs to player `external_id`)."""
    chat = ChatKey(PLATFORM, external_id)
    owner = None if group else PlayerKey(PLATFORM, external_id, f"Player {external_id}")
    await engine.settings.set_subscribed(chat, True, now, is_group=group, owner=owner)
    await engine.settings.set_push_time(chat, push_time, now, is_group=group)
    await engine.settings.set_timezone(chat, timezone, now, is_group=group, player=owner)
    return chat
