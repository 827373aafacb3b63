"""A fleet of subscribed chats for the end-to-end fan-out tests, and how to count what
reached the test Bot API server.

The chats are written through the store's own `UnitOfWork` calls (the ones the engine uses), in
one transaction. Their push times and timezones are chosen so the daily push fell a few
minutes before `now` while it is around noon in every chat's timezone: the start-up
catch-up sends every question at once, whatever the time of day the test runs, never
near a local midnight (fixed-offset `Etc/GMT` zones, so no daylight-saving edges).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.store.backends import open_database
from tests import postgres
from tests.botapi import BotApiServer, RecordedCall

PLATFORM = "telegram"
FIRST_PERSON = 300_000_001
"""Telegram ids of the people; each one's private chat has the same id."""
FIRST_GROUP = 5_100_000_001
"""The groups are -FIRST_GROUP, -(FIRST_GROUP + 1), ..."""
QUESTION_METHODS = frozenset({"sendmessage", "sendpoll"})
"""How a daily question reaches a chat: text, or a quiz poll for multiple choice."""
LOCAL_HOURS = (11, 12, 13)
"""The chats are spread over three timezones where it is about this hour at `now`."""
PUSH_AGO = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Fleet:
    people: tuple[int, ...]
    groups: tuple[int, ...]
    slots: tuple[tuple[str, str], ...]
    """The (push time, timezone) slots the chats are spread over."""

    @property
    def chats(self) -> tuple[int, ...]:
        return self.people + self.groups


def offset_zone(hours: int) -> str:
    """The IANA fixed-offset zone UTC+`hours` (`Etc/GMT` signs are inverted)."""
    if hours == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


def midday_slots(now: datetime) -> tuple[tuple[str, str], ...]:
    """(push time, timezone) slots that fired `PUSH_AGO` before `now`, each in a zone
    where `now` is about one of `LOCAL_HOURS` o'clock (same local day as the fire)."""
    slots = []
    for hour in LOCAL_HOURS:
        zone = offset_zone(hour - now.astimezone(UTC).hour)  # within UTC-12 .. UTC+14
        fire = (now - PUSH_AGO).astimezone(ZoneInfo(zone))
        assert fire.date() == now.astimezone(ZoneInfo(zone)).date()
        slots.append((fire.strftime("%H:%M"), zone))
    return tuple(slots)


def fleet_of(people: int, groups: int, slots: Sequence[tuple[str, str]]) -> Fleet:
    return Fleet(
        people=tuple(FIRST_PERSON + n for n in range(people)),
        groups=tuple(-(FIRST_GROUP + n) for n in range(groups)),
        slots=tuple(slots),
    )


async def seed(database: Path | str, fleet: Fleet, now: datetime) -> None:
    """Every chat of `fleet` subscribed, round-robin over its slots; people own their
    private chats. Migrates a new database first (a SQLite file or a PostgreSQL URL)."""
    store = await open_database(database)
    try:
        async with store.write() as tx:
            for index, external_id in enumerate(fleet.chats):
                push_time, timezone = fleet.slots[index % len(fleet.slots)]
                is_group = external_id < 0
                chat = await tx.chats.upsert(
                    PLATFORM,
                    external_id,
                    kind="group" if is_group else "private",
                    title=f"Study group {-external_id}" if is_group else "",
                    timezone=timezone,
                    push_time=push_time,
                    now=now,
                )
                if not is_group:
                    owner = await tx.users.upsert(
                        PLATFORM, external_id, f"Player {external_id}", now
                    )
                    await tx.chats.set_owner(chat.id, owner.id)
                await tx.chats.set_subscribed(chat.id, True)
    finally:
        await store.close()


def seed_blocking(db_path: Path, fleet: Fleet, now: datetime) -> None:
    asyncio.run(seed(db_path, fleet, now))


def register_groups(server: BotApiServer, fleet: Fleet) -> None:
    for group in fleet.groups:
        server.add_chat("group", chat_id=group, title=f"Study group {-group}")


def is_question(call: RecordedCall) -> bool:
    return call.method.lower() in QUESTION_METHODS


def question_sends(calls: Iterable[RecordedCall]) -> Counter[int]:
    """Accepted question sends per chat id."""
    return Counter(chat_of(call) for call in calls if is_question(call) and call.ok)


def chat_of(call: RecordedCall) -> int:
    assert call.chat_id is not None, f"{call.method} without a chat_id"
    return int(call.chat_id)


def daily_statuses(database: Path | str) -> dict[int, list[str]]:
    """The status of every daily delivery, by the chat's Telegram id (readable while the
    bot runs: WAL readers never block it, and a killed bot's WAL is recovered)."""
    statement = (
        "SELECT c.external_id, d.status FROM deliveries d JOIN chats c ON c.id = d.chat_id"
        " WHERE d.kind = 'daily' ORDER BY d.id"
    )
    if isinstance(database, str):
        rows = postgres.query(database, statement)
    else:
        with closing(sqlite3.connect(database, timeout=10)) as conn:
            rows = conn.execute(statement).fetchall()
    found: dict[int, list[str]] = {}
    for external_id, status in rows:
        found.setdefault(int(external_id), []).append(str(status))
    return found
