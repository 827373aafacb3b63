"""Small helpers that drive the engine the way an adapter does (ask, send, answer)."""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.decks.model import Question
from bot.engine.quiz import Engine
from bot.engine.results import AnswerResult, Asked, ChatKey, PlayerKey
from scheduler.limits import Limits

T = TypeVar("T")

FIXTURES = Path(__file__).resolve().parent / "fixtures"

_message_ids = itertools.count(1000)

ALICE = PlayerKey("telegram", 111, "Alice")
BOB = PlayerKey("telegram", 222, "Bob")
ALICE_DM = ChatKey("telegram", 111)
GROUP = ChatKey("telegram", -1001234567890)


def player(number: int, name: str | None = None, platform: str = "telegram") -> PlayerKey:
    return PlayerKey(platform, number, name or f"Player {number}")


def at_local(text: str, timezone: str) -> datetime:
    """An aware UTC moment from a local wall time, e.g. at_local('2025-03-30 23:59', 'Europe/Berlin')."""
    naive = datetime.fromisoformat(text)
    return naive.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def days_later(moment: datetime, days: int) -> datetime:
    return moment + timedelta(days=days)


def full_answer(question: Question) -> str:
    """A reply covering every key point (or the right option of a multiple-choice one)."""
    if question.choices is not None:
        assert question.correct is not None
        return str(question.correct + 1)
    return " and ".join(point.match[0] for point in question.key_points)


def wrong_answer(question: Question) -> str:
    if question.choices is not None:
        assert question.correct is not None
        return str((question.correct + 1) % len(question.choices) + 1)
    return "no idea"


async def chat_id(engine: Engine, chat: ChatKey) -> int:
    """The stored id of a chat the engine has met."""
    async with engine.store.read() as tx:
        row = await tx.chats.find(chat.platform, chat.external_id)
    assert row is not None
    return row.id


async def send(engine: Engine, asked: Asked, now: datetime) -> int:
    """Report the question sent, as an adapter does; returns its message id."""
    message_id = next(_message_ids)
    await engine.asking.question_sent(asked.delivery_id, now, message_id=message_id)
    return message_id


async def ask_and_send(
    engine: Engine,
    chat: ChatKey,
    who: PlayerKey | None,
    now: datetime,
    *,
    is_group: bool = False,
    filter_text: str | None = None,
) -> tuple[Asked, int]:
    asked = await engine.asking.ask(chat, who, now, is_group=is_group, filter_text=filter_text)
    return asked, await send(engine, asked, now)


async def reply(
    engine: Engine,
    chat: ChatKey,
    who: PlayerKey,
    text: str,
    now: datetime,
    *,
    to: int | None = None,
) -> AnswerResult:
    """A reply message (each with its own source key), optionally replying to message `to`."""
    return await engine.answering.answer(
        chat, who, text, now, source_key=f"msg:{next(_message_ids)}", reply_to_message_id=to
    )


async def practise(
    engine: Engine,
    who: PlayerKey,
    now: datetime,
    *,
    chat: ChatKey | None = None,
    good: bool = True,
) -> AnswerResult:
    """One /quiz round in the player's private chat: ask, send, answer."""
    chat = chat or ChatKey(who.platform, who.external_id)
    asked, _ = await ask_and_send(engine, chat, who, now)
    text = full_answer(asked.question) if good else wrong_answer(asked.question)
    return await reply(engine, chat, who, text, now)


async def group_round(
    engine: Engine,
    group: ChatKey,
    now: datetime,
    answers: dict[PlayerKey, bool],
) -> tuple[Asked, list[AnswerResult]]:
    """A question in a group and each member's reply (True: full answer, False: wrong)."""
    asked, message_id = await ask_and_send(engine, group, None, now, is_group=True)
    results = []
    for who, good in answers.items():
        text = full_answer(asked.question) if good else wrong_answer(asked.question)
        results.append(await reply(engine, group, who, text, now, to=message_id))
    return asked, results


def faster(limits: Limits, factor: float) -> Limits:
    """The same send limits `factor` times faster, so that tests of rates run quickly."""
    return Limits(
        limits.per_second * factor,
        limits.per_group_per_minute * factor,
        limits.per_chat_per_second * factor,
    )


async def loop_ticks_during(work: Awaitable[T], every: float = 0.005) -> tuple[T, int]:
    """Await `work` and count how often a ticker woke every `every` seconds meanwhile:
    about the time taken over `every` if the event loop kept running, 0 if it was blocked."""
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(every)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        result = await work
    finally:
        ticker.cancel()
    return result, ticks


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environ() -> dict[str, str]:
    """This process's environment without the developer's own quizbot, Telegram and
    Discord settings, for a `quizbot` subprocess configured only by its test."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("QUIZBOT_", "TELEGRAM_", "DISCORD_"))
    }
