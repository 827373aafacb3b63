"""Attempts: one platform message is recorded once."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.store import NewAttempt, Store
from tests.postgres import INTEGRITY_ERRORS


async def test_one_platform_message_is_one_attempt(store: Store, now: datetime) -> None:
    async with store.write() as tx:
        chat = await tx.chats.upsert(
            "telegram", 7, kind="private", title="", timezone="UTC", push_time="09:00", now=now
        )
        user = await tx.users.upsert("telegram", 7, "Ann", now)
        attempt = NewAttempt(
            user_id=user.id,
            chat_id=chat.id,
            question_id="mini-latency",
            delivery_id=None,
            source_key="msg:1",
            answer="p99",
            score=0.5,
            covered=[1],
            points=5,
            local_day="2025-03-03",
            answered_at=now,
        )
        await tx.attempts.add(attempt)
    with pytest.raises(INTEGRITY_ERRORS):
        async with store.write() as tx:
            await tx.attempts.add(attempt)
