"""The update inbox (migration 7): updates stored before they are acknowledged.

`InboxRepository` holds the statements, one unit of work's. `InboxStore` wraps the bot's
`Store`: each call is one unit of work in `Store.write()` or `Store.read()`, so inbox
writes share the store's group commit with everything else. A batch of fetched updates
is one transaction, and the handled marks that piled up since the last write ride along
in it (`receive(..., finished=...)`), so acknowledging a batch usually costs one commit,
not one per update.

Replicas on one database (PostgreSQL) each store what reaches them and handle it; a
pending update is its handler's for a lease. `received_at` of a pending update is when
its handler took it: when it was stored, re-stamped while that handler still holds it
(`renew`) and when another one takes it over (`take_over`, once it is older than the
lease: its handler stopped or died). Taking over skips rows another replica is taking
(`FOR UPDATE SKIP LOCKED`), so one update goes to one replica. One process (SQLite, or a
lease of 0) takes every pending update at its start, as it left them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.store import sqlite as sql
from bot.store.session import Session

if TYPE_CHECKING:
    from bot.store.database import Store
    from bot.store.pgdatabase import PostgresStore

PENDING, DONE, SET_ASIDE = "pending", "done", "set_aside"


@dataclass(frozen=True, slots=True)
class InboxRow:
    update_id: int
    kind: str
    payload: str
    """The update's JSON exactly as received."""


def _inbox_row(row: Mapping[str, Any]) -> InboxRow:
    return InboxRow(int(row["update_id"]), str(row["kind"]), str(row["payload"]))


@dataclass(frozen=True, slots=True)
class Finished:
    """Updates whose handling ended since the last write: handled, or set aside."""

    done: Sequence[int] = ()
    set_aside: Sequence[int] = ()

    def __bool__(self) -> bool:
        return bool(self.done or self.set_aside)


class InboxRepository:
    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    async def add_new(self, row: InboxRow, received_at: str) -> bool:
        """Store an update unless its id is stored already; whether it was new."""
        stored = await self._s.one(
            "INSERT INTO inbox (update_id, kind, payload, received_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING"
            " RETURNING update_id",
            (row.update_id, row.kind, row.payload, received_at),
        )
        return stored is not None

    async def mark_finished(self, finished: Finished, when: str) -> None:
        """Mark updates handled (their content is dropped) or set aside (kept for a look)."""
        if finished.done:
            await self._s.many(
                "UPDATE inbox SET status = ?, payload = '', finished_at = ?"
                " WHERE update_id = ? AND status = ?",
                [(DONE, when, update_id, PENDING) for update_id in finished.done],
            )
        if finished.set_aside:
            await self._s.many(
                "UPDATE inbox SET status = ?, finished_at = ? WHERE update_id = ? AND status = ?",
                [(SET_ASIDE, when, update_id, PENDING) for update_id in finished.set_aside],
            )

    async def take_over(self, now: str, stale_before: str) -> list[InboxRow]:
        """Pending updates last taken at or before `stale_before`, stamped taken at `now`
        for this caller (rows another caller is taking are skipped); oldest first."""
        stale = "status = ? AND received_at <= ?"
        rows = await self._s.all(
            f"UPDATE inbox SET received_at = ? WHERE {stale} AND update_id IN"
            f" (SELECT update_id FROM inbox WHERE {stale}"
            f" ORDER BY update_id{self._s.dialect.skip_locked()})"
            " RETURNING update_id, kind, payload",
            (now, PENDING, stale_before, PENDING, stale_before),
        )
        return sorted(map(_inbox_row, rows), key=lambda row: row.update_id)

    async def renew(self, update_ids: Sequence[int], now: str) -> None:
        """Keep these pending updates this caller's: taken again at `now`."""
        if update_ids:
            await self._s.run(
                "UPDATE inbox SET received_at = ?"
                f" WHERE status = ? AND {self._s.dialect.in_list('update_id')}",
                (now, PENDING, self._s.dialect.ids(update_ids)),
            )

    async def pending(self) -> list[InboxRow]:
        rows = await self._s.all(
            "SELECT update_id, kind, payload FROM inbox WHERE status = ? ORDER BY update_id",
            (PENDING,),
        )
        return [_inbox_row(r) for r in rows]

    async def last_update_id(self) -> int | None:
        row = await self._s.one("SELECT max(update_id) AS last FROM inbox")
        return None if row is None or row["last"] is None else int(row["last"])

    async def set_aside_count(self) -> int:
        row = await self._s.one("SELECT count(*) AS n FROM inbox WHERE status = ?", (SET_ASIDE,))
        return int(row["n"]) if row else 0

    async def prune(self, before: str) -> int:
        return await self._s.far_run(
            "DELETE FROM inbox WHERE status = ? AND finished_at < ?"
            " AND update_id < (SELECT max(update_id) FROM inbox)",
            (DONE, before),
        )


class InboxStore:
    def __init__(self, store: Store | PostgresStore) -> None:
        self.store = store

    async def receive(
        self, rows: Sequence[InboxRow], now: datetime, finished: Finished = Finished()
    ) -> list[int]:
        """Store new updates (and the `finished` marks) in one transaction; the ids that
        were not stored before, in the order given. A repeat (same update_id) is ignored."""
        received = sql.ts(now)
        new: list[int] = []
        async with self.store.write() as tx:
            for row in rows:
                if await tx.inbox.add_new(row, received):
                    new.append(row.update_id)
            await tx.inbox.mark_finished(finished, received)
        return new

    async def finish(self, finished: Finished, now: datetime) -> None:
        """Mark updates handled (their content is dropped) or set aside (kept for a look)."""
        if finished:
            async with self.store.write() as tx:
                await tx.inbox.mark_finished(finished, sql.ts(now))

    async def take_over(self, now: datetime, lease: timedelta = timedelta(0)) -> list[InboxRow]:
        """Updates stored but not yet handled whose handler has not renewed them within
        `lease` (0: all of them), now this caller's; oldest first. Each goes to one caller
        however many race for it."""
        async with self.store.write() as tx:
            return await tx.inbox.take_over(sql.ts(now), sql.ts(now - lease))

    async def renew(self, update_ids: Sequence[int], now: datetime) -> None:
        """Keep the updates in hand this caller's for another lease."""
        if update_ids:
            async with self.store.write() as tx:
                await tx.inbox.renew(update_ids, sql.ts(now))

    async def pending(self) -> list[InboxRow]:
        """Updates stored but not yet handled, oldest first."""
        async with self.store.read() as tx:
            return await tx.inbox.pending()

    async def last_update_id(self) -> int | None:
        """The highest update id ever stored (the next fetch starts after it)."""
        async with self.store.read() as tx:
            return await tx.inbox.last_update_id()

    async def set_aside_count(self) -> int:
        async with self.store.read() as tx:
            return await tx.inbox.set_aside_count()

    async def prune(self, before: datetime) -> int:
        """Forget handled updates finished before `before`, keeping the newest id (where
        the next fetch resumes); the number removed."""
        async with self.store.write() as tx:
            return await tx.inbox.prune(sql.ts(before))
