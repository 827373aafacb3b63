"""Chats: keyed by platform and id (64-bit), settings kept, a chat moving to a new id."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.store import NewAttempt, Store

LARGEST_ID = 2**63 - 1
SUPERGROUP_ID = -1001234567890


@pytest.mark.parametrize("external_id", [LARGEST_ID, SUPERGROUP_ID, -LARGEST_ID - 1])
async def test_chat_and_user_ids_are_64_bit(store: Store, now: datetime, external_id: int) -> None:
    async with store.write() as tx:
        chat = await tx.chats.upsert(
            "telegram",
            external_id,
            kind="group",
            title="t",
            timezone="UTC",
            push_time="09:00",
            now=now,
        )
        user = await tx.users.upsert("telegram", external_id, "Ann", now)
        delivery = await tx.deliveries.claim(
            chat.id, "mini-latency", kind="asked", local_day="2025-03-03", now=now
        )
        assert delivery is not None
        await tx.deliveries.mark_sent(
            delivery.id, message_id=external_id, thread_id=external_id, now=now
        )
    async with store.read() as tx:
        assert (await tx.chats.find("telegram", external_id)) == chat
        assert (await tx.users.find("telegram", external_id)) == user
        found = await tx.deliveries.find_by_message(chat.id, external_id)
        assert found is not None
        assert found.thread_id == external_id


async def test_a_telegram_chat_and_a_discord_channel_with_one_number_are_two_chats(
    store: Store, now: datetime
) -> None:
    async with store.write() as tx:
        rows = [
            await tx.chats.upsert(
                platform,
                42,
                kind="group",
                title=platform,
                timezone="UTC",
                push_time="09:00",
                now=now,
            )
            for platform in ("telegram", "discord")
        ]
        users = [
            await tx.users.upsert(platform, 42, platform, now)
            for platform in ("telegram", "discord")
        ]
    assert rows[0].id != rows[1].id
    assert users[0].id != users[1].id
    async with store.read() as tx:
        discord = await tx.chats.find("discord", 42)
    assert discord is not None
    assert discord.title == "discord"


async def test_a_chat_keeps_its_settings_when_seen_again(store: Store, now: datetime) -> None:
    async with store.write() as tx:
        first = await tx.chats.upsert(
            "telegram", 7, kind="group", title="Old", timezone="UTC", push_time="09:00", now=now
        )
        await tx.chats.set_schedule(first.id, "07:30", "Europe/Berlin")
        again = await tx.chats.upsert(
            "telegram", 7, kind="group", title="New", timezone="UTC", push_time="09:00", now=now
        )
    assert (again.id, again.title, again.push_time, again.timezone) == (
        first.id,
        "New",
        "07:30",
        "Europe/Berlin",
    )


async def test_moving_a_chat_onto_one_seen_first_keeps_both_histories(
    store: Store, now: datetime
) -> None:
    """A group upgraded to a supergroup the bot already saw: nothing may be dropped."""
    async with store.write() as tx:
        old = await tx.chats.upsert(
            "telegram", -42, kind="group", title="g", timezone="UTC", push_time="09:00", now=now
        )
        new = await tx.chats.upsert(
            "telegram",
            SUPERGROUP_ID,
            kind="group",
            title="g",
            timezone="UTC",
            push_time="09:00",
            now=now,
        )
        user = await tx.users.upsert("telegram", 7, "Ann", now)
        for chat in (old, new):
            delivery = await tx.deliveries.claim(
                chat.id, "mini-latency", kind="daily", local_day="2026-11-22", now=now
            )
            assert delivery is not None
            await tx.attempts.add(
                NewAttempt(
                    user_id=user.id,
                    chat_id=chat.id,
                    question_id="mini-latency",
                    delivery_id=delivery.id,
                    source_key="msg:5",
                    answer="p99",
                    score=0.5,
                    covered=(1,),
                    points=5,
                    local_day="2026-11-22",
                    answered_at=now,
                )
            )
        await tx.chats.move_and_merge(old.id, SUPERGROUP_ID)

    async with store.read() as tx:
        moved = await tx.chats.find("telegram", SUPERGROUP_ID)
        summary = await tx.attempts.summary_by_question(user.id)
        days = set(await tx.deliveries.last_delivered(old.id))
    assert moved is not None and moved.id == old.id
    assert summary[0].answers == 2
    assert days == {"mini-latency"}
