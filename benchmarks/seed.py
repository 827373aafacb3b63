"""Databases for the benchmarks, written in bulk through the store's own schema.

Opening the store applies the migrations; the rows go in with `executemany` in one
transaction, so seeding 10,000 chats takes a fraction of a second. Chats can be seeded in
SQLite or PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.store import Store
from bot.store.backends import open_database

PLATFORM = "telegram"
FIRST_USER = 200_000_001
"""Telegram ids of seeded people (their private chat has the same id)."""
FIRST_GROUP = 4_200_000_001
"""Seeded groups are -FIRST_GROUP, -(FIRST_GROUP + 1), ..."""


@dataclass(frozen=True, slots=True)
class Seeded:
    people: list[int]
    """Telegram ids of the people, each with a subscribed private chat."""
    groups: list[int]
    """Telegram ids (negative) of the subscribed groups."""

    @property
    def chats(self) -> list[int]:
        return self.people + self.groups


def split(chats: int, group_share: float) -> tuple[int, int]:
    """(people, groups) for `chats` chats of which `group_share` are groups."""
    groups = round(chats * group_share)
    return chats - groups, groups


async def seed_chats(
    where: Path | str,
    *,
    people: int,
    groups: int,
    now: datetime,
    slots: Sequence[tuple[str, str]] = (("09:00", "UTC"),),
    subscribed: bool = True,
) -> Seeded:
    """`people` private chats (each owned by its person) and `groups` groups, subscribed
    to the daily question (or not), spread round-robin over the (push_time, timezone)
    `slots`, in the database `where` names (a SQLite file or a PostgreSQL URL)."""
    person_ids = [FIRST_USER + i for i in range(people)]
    group_ids = [-(FIRST_GROUP + i) for i in range(groups)]
    created = now.isoformat()
    store = await open_database(where)
    try:
        async with store.write() as tx:
            session = tx.session
            await session.many(
                "INSERT INTO users (platform, external_id, display_name, created_at)"
                " VALUES (?, ?, ?, ?)",
                [(PLATFORM, uid, f"Player {uid}", created) for uid in person_ids],
            )
            found = await session.all(
                "SELECT id, external_id FROM users WHERE platform = ?", (PLATFORM,)
            )
            owners = {int(row[1]): int(row[0]) for row in found}
            rows = []
            for index, uid in enumerate(person_ids):
                push_time, timezone = slots[index % len(slots)]
                rows.append(
                    (uid, "private", f"Player {uid}", timezone, push_time, owners[uid], created)
                )
            for index, gid in enumerate(group_ids):
                push_time, timezone = slots[index % len(slots)]
                rows.append((gid, "group", f"Group {-gid}", timezone, push_time, None, created))
            await session.many(
                "INSERT INTO chats (platform, external_id, kind, title, timezone, push_time,"
                " owner_id, subscribed, active, created_at)"
                f" VALUES ('{PLATFORM}', ?, ?, ?, ?, ?, ?, {int(subscribed)}, 1, ?)",
                rows,
            )
        async with store.read() as tx:
            await tx.session.run("ANALYZE")
    finally:
        await store.close()
    return Seeded(person_ids, group_ids)


async def seed_open_questions(
    path: Path, people: Sequence[int], question_ids: Sequence[str], per_person: int, now: datetime
) -> None:
    """`per_person` open (sent, unanswered) questions in each person's private chat, so
    that each typed reply answers one of them."""
    store = await Store.open(path)
    try:
        async with store.write() as tx:
            conn = tx.conn
            async with conn.execute(
                "SELECT id, external_id FROM chats WHERE platform = ? AND kind = 'private'",
                (PLATFORM,),
            ) as cursor:
                chat_ids = {int(row[1]): int(row[0]) for row in await cursor.fetchall()}
            stamp = now.isoformat()
            day = now.date().isoformat()
            rows = []
            for person in people:
                for n in range(per_person):
                    question = question_ids[(person + n) % len(question_ids)]
                    rows.append((chat_ids[person], question, day, stamp, stamp, 1_000_000 + n))
            await conn.executemany(
                "INSERT INTO deliveries (chat_id, question_id, kind, local_day, status,"
                " claimed_at, sent_at, message_id) VALUES (?, ?, 'asked', ?, 'sent', ?, ?, ?)",
                rows,
            )
        async with store.read() as tx:
            await tx.conn.execute("ANALYZE")
    finally:
        await store.close()
