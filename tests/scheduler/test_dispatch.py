"""One send's outcomes (Dispatcher) and the bounded worker pool, without a database."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.engine.results import ChatKey
from scheduler.dispatch import MAX_MOVES, Dispatcher, Outcome
from scheduler.limits import Limits, SendLimiter
from scheduler.pool import run_pool
from scheduler.sending import ChatMoved, ChatTarget, RetryLater

TARGET = ChatTarget("telegram", 1, is_group=False)


class Chats:
    def __init__(self) -> None:
        self.moved: list[tuple[int, int]] = []
        self.deactivated: list[int] = []

    async def chat_moved(self, chat: ChatKey, new_external_id: int) -> None:
        self.moved.append((chat.external_id, new_external_id))

    async def set_chat_active(self, chat: ChatKey, active: bool) -> None:
        self.deactivated.append(chat.external_id)


def dispatcher(chats: Chats, *, timeout: float = 1.0, max_retries: int = 3) -> Dispatcher:
    limiter = SendLimiter(Limits(1e6, 1e6, 1e6))
    return Dispatcher(chats, limiter, timeout=timeout, max_retries=max_retries)


async def test_a_chat_that_keeps_moving_is_given_up() -> None:
    chats = Chats()
    hops = iter(range(100, 200))

    async def call(_target: ChatTarget) -> None:
        raise ChatMoved(next(hops))

    attempt = await dispatcher(chats).send(TARGET, call)
    assert attempt.outcome is Outcome.FAILED
    assert len(chats.moved) == MAX_MOVES + 1
    assert chats.moved[0] == (1, 100) and chats.moved[1] == (100, 101)


async def test_retry_after_pauses_the_limiter_and_then_gives_up() -> None:
    chats = Chats()
    calls = 0

    async def call(_target: ChatTarget) -> None:
        nonlocal calls
        calls += 1
        raise RetryLater(0.001)

    sender = dispatcher(chats, max_retries=2)
    attempt = await sender.send(TARGET, call)
    assert attempt.outcome is Outcome.FAILED
    assert calls == 3
    assert sender.limiter.paused_until > 0


async def test_an_unexpected_error_is_logged_as_failed(caplog: pytest.LogCaptureFixture) -> None:
    async def call(_target: ChatTarget) -> None:
        raise KeyError("surprise")

    with caplog.at_level(logging.ERROR, logger="scheduler.dispatch"):
        attempt = await dispatcher(Chats()).send(TARGET, call)
    assert attempt.outcome is Outcome.FAILED
    assert "send to telegram chat 1 failed" in caplog.text


async def test_a_hanging_send_times_out_as_unknown() -> None:
    async def call(_target: ChatTarget) -> None:
        await asyncio.sleep(10)

    attempt = await dispatcher(Chats(), timeout=0.01).send(TARGET, call)
    assert attempt.outcome is Outcome.UNKNOWN


async def test_the_pool_bounds_concurrency_and_survives_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    running = peak = 0
    done: list[int] = []

    async def handle(item: int) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001)
        running -= 1
        if item == 3:
            raise RuntimeError("boom")
        done.append(item)

    with caplog.at_level(logging.ERROR, logger="scheduler.pool"):
        await run_pool(range(50), handle, workers=4)
    assert peak == 4
    assert sorted(done) == [n for n in range(50) if n != 3]
    assert "delivery of 3 failed" in caplog.text
