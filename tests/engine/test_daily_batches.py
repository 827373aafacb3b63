"""A fan-out's batched claims choose exactly what one claim at a time would."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.decks.catalog import Catalog
from bot.engine.quiz import Engine
from bot.engine.results import Asked, ChatKey, PlayerKey
from bot.store import SentMark, Store
from tests.scheduler.fakes import subscribe

PEOPLE = range(1, 9)
GROUPS = range(-9, -1)
MEMBERS = (101, 102, 103)
ANSWERS = ("p99 tail and outliers", "no idea", "throughput rises but requests wait", "1")


async def history(engine: Engine, start: datetime) -> dict[int, int]:
    """Four days of questions and answers in people's and groups' chats; chat ids."""
    for number in PEOPLE:
        await subscribe(engine, number, start, timezone="Asia/Tokyo" if number % 3 else "UTC")
    for number in GROUPS:
        await subscribe(engine, number, start, group=True)
    await engine.settings.set_subscribed(ChatKey("telegram", 8), False, start, is_group=False)
    message = 1000
    for day in range(4):
        now = start + timedelta(days=day, hours=1)
        for number in PEOPLE:
            if (number + day) % 3 == 0:
                continue  # a day off now and then
            chat = ChatKey("telegram", number)
            player = PlayerKey("telegram", number, f"Player {number}")
            await engine.asking.ask(chat, player, now, is_group=False)
            text = ANSWERS[(number * day) % len(ANSWERS)]
            await engine.answering.answer(chat, player, text, now, source_key=f"p{number}:{day}")
        for number in GROUPS:
            chat = ChatKey("telegram", number)
            asked = await engine.asking.ask(chat, None, now, is_group=True)
            message += 1
            await engine.asking.questions_sent([SentMark(asked.delivery_id, now, message)])
            for member in MEMBERS[: (number + day) % 4]:
                player = PlayerKey("telegram", member, f"Member {member}")
                text = ANSWERS[(member + day) % len(ANSWERS)]
                await engine.answering.answer(
                    chat,
                    player,
                    text,
                    now,
                    source_key=f"g{member}:{day}",
                    reply_to_message_id=message,
                )
    async with engine.store.read() as tx:
        rows = await tx.conn.execute_fetchall("SELECT external_id, id FROM chats")
    return {int(row[0]): int(row[1]) for row in rows}


def summary(asked: Asked) -> tuple[str, bool, str, str, bool]:
    return (
        asked.question.id,
        asked.is_review,
        asked.kind,
        asked.local_day.isoformat(),
        asked.is_group,
    )


async def test_a_batch_claims_what_single_claims_would(
    tmp_path: Path, catalog: Catalog, now: datetime
) -> None:
    engines = []
    for name in ("single", "batch"):
        store = await Store.open(tmp_path / f"{name}.db")
        engines.append(Engine(store, catalog))
    single, batch = engines
    try:
        ids = await history(single, now)
        assert await history(batch, now) == ids
        push = now + timedelta(days=4, hours=2)
        one_by_one = {}
        for external_id, chat_id in ids.items():
            asked = await single.daily.claim(chat_id, push)
            if asked is not None:
                one_by_one[external_id] = summary(asked)
        claimed = await batch.daily.claim_many(list(ids.values()), push)
        by_external = {
            external_id: summary(claimed[chat_id])
            for external_id, chat_id in ids.items()
            if chat_id in claimed
        }
        assert by_external == one_by_one
        assert 8 not in by_external  # unsubscribed
        assert len(by_external) == len(PEOPLE) - 1 + len(GROUPS)
        # claimed once a day, batched or not
        assert await batch.daily.claim_many(list(ids.values()), push) == {}
        assert await batch.daily.claim(ids[1], push) is None
    finally:
        for engine in engines:
            await engine.store.close()
