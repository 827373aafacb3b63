"""Deliveries: at most one daily question per chat and local day."""

from __future__ import annotations

from datetime import datetime

from bot.store import Store


async def test_a_chat_has_one_daily_delivery_per_local_day(store: Store, now: datetime) -> None:
    async with store.write() as tx:
        chat = await tx.chats.upsert(
            "telegram", 7, kind="group", title="", timezone="UTC", push_time="09:00", now=now
        )
        first = await tx.deliveries.claim(
            chat.id, "mini-latency", kind="daily", local_day="2025-03-03", now=now
        )
        second = await tx.deliveries.claim(
            chat.id, "mini-batching", kind="daily", local_day="2025-03-03", now=now
        )
        asked = await tx.deliveries.claim(
            chat.id, "mini-batching", kind="asked", local_day="2025-03-03", now=now
        )
        tomorrow = await tx.deliveries.claim(
            chat.id, "mini-batching", kind="daily", local_day="2025-03-04", now=now
        )
    assert first is not None
    assert second is None
    assert asked is not None
    assert tomorrow is not None
