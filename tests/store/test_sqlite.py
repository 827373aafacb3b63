"""SQLite's dialect: how moments are stored."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.store import Store


async def test_a_naive_datetime_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="naive"):
        async with store.write() as tx:
            await tx.users.upsert("telegram", 1, "Ann", datetime(2025, 3, 3, 9, 0))


async def test_times_are_stored_in_utc_whatever_offset_they_came_with(
    store: Store, now: datetime
) -> None:
    tokyo = now.astimezone(timezone(timedelta(hours=9)))
    async with store.write() as tx:
        user = await tx.users.upsert("telegram", 1, "Ann", tokyo)
        await tx.cards.save(user.id, "mini-latency", "{}", tokyo + timedelta(minutes=30))
    async with store.read() as tx:
        # Stored as text, a +09:00 time would sort before an earlier UTC one.
        assert await tx.cards.due_cards(user.id, now) == []
        assert await tx.cards.due_cards(user.id, now + timedelta(minutes=30)) == [
            ("mini-latency", "2025-03-03T09:30:00.000000+00:00")
        ]
