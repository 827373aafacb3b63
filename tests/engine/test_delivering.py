"""`deliver`: a claimed question is sent, then exactly one outcome is recorded (sent with
its ids, failed, or unknown), and a send's error still reaches the adapter."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.engine.delivering import EngineLog, NotSent, SentMessage, deliver
from bot.engine.quiz import Engine
from bot.engine.results import Asked
from tests.helpers import ALICE, ALICE_DM


def delivery(db_path: Path, delivery_id: int) -> sqlite3.Row:
    with closing(sqlite3.connect(db_path)) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
    assert row is not None
    return row


def chat_row_id(db_path: Path) -> int:
    with closing(sqlite3.connect(db_path)) as conn:
        (row_id,) = conn.execute(
            "SELECT id FROM chats WHERE external_id = ?", (ALICE_DM.external_id,)
        ).fetchone()
    return int(row_id)


class Refused(Exception):
    """A platform's refusal, as an adapter's send raises it."""


async def test_a_sent_question_is_marked_sent_with_the_messages_ids(
    engine: Engine, now: datetime, db_path: Path
) -> None:
    asked = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False)
    shown: list[Asked] = []

    async def send(claimed: Asked) -> SentMessage:
        shown.append(claimed)
        return SentMessage(message_id=42, poll_id="p1", thread_id=7)

    sent = await deliver(asked, send, EngineLog(engine.asking), lambda: now)

    assert shown == [asked]
    assert sent == SentMessage(42, "p1", 7)
    row = delivery(db_path, asked.delivery_id)
    assert (row["status"], row["message_id"], row["poll_id"], row["thread_id"]) == (
        "sent",
        42,
        "p1",
        7,
    )


async def test_a_refused_send_is_recorded_failed_and_its_error_reaches_the_caller(
    engine: Engine, now: datetime, db_path: Path
) -> None:
    asked = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False)

    async def send(claimed: Asked) -> SentMessage:
        raise Refused("400 bad request")

    with pytest.raises(Refused):
        await deliver(asked, send, EngineLog(engine.asking), lambda: now)

    assert delivery(db_path, asked.delivery_id)["status"] == "failed"


async def test_a_send_that_may_have_arrived_is_unknown_and_never_claimed_again(
    engine: Engine, now: datetime, db_path: Path
) -> None:
    await engine.settings.set_subscribed(ALICE_DM, True, now, is_group=False, owner=ALICE)
    daily = await engine.daily.claim(chat_row_id(db_path), now)
    assert daily is not None

    async def send(claimed: Asked) -> SentMessage:
        raise TimeoutError("no answer from the platform")

    with pytest.raises(TimeoutError):
        await deliver(
            daily,
            send,
            EngineLog(engine.asking),
            lambda: now,
            outcome_unknown=lambda error: isinstance(error, TimeoutError),
        )

    assert delivery(db_path, daily.delivery_id)["status"] == "unknown"
    later = now + timedelta(hours=1)
    assert await engine.daily.claim(chat_row_id(db_path), later) is None


@pytest.mark.parametrize(("unknown", "status"), [(True, "unknown"), (False, "failed")])
async def test_by_default_only_a_not_sent_that_says_so_is_unknown(
    engine: Engine, now: datetime, db_path: Path, unknown: bool, status: str
) -> None:
    asked = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False)

    async def send(claimed: Asked) -> SentMessage:
        raise NotSent(outcome_unknown=unknown)

    with pytest.raises(NotSent):
        await deliver(asked, send, EngineLog(engine.asking), lambda: now)

    assert delivery(db_path, asked.delivery_id)["status"] == status


async def test_a_message_without_a_thread_keeps_the_thread_it_was_claimed_for(
    engine: Engine, now: datetime
) -> None:
    asked = await engine.asking.ask(ALICE_DM, ALICE, now, is_group=False)
    in_topic = replace(asked, thread_id=5)
    recorded: list[SentMessage] = []

    class Log:
        async def sent(self, delivery_id: int, at: datetime, message: SentMessage) -> None:
            recorded.append(message)

        async def not_sent(self, delivery_id: int, *, outcome_unknown: bool) -> None:
            raise AssertionError("not expected")

    async def send(claimed: Asked) -> SentMessage:
        return SentMessage(message_id=9)

    await deliver(in_topic, send, Log(), lambda: now)

    assert recorded == [SentMessage(message_id=9, thread_id=5)]
