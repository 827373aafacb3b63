"""Deliveries: a question claimed for a chat, then sent, answered under, revealed, closed.

A claim is written before the send, so a crash between the two never sends a question
twice: at most one daily delivery per chat and local day (`claim` returns None for a
second one).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.store import sqlite as sql
from bot.store.records import DeliveryRow, NewDelivery, SentMark, make, maybe
from bot.store.session import Session

_MARK_SENT = (
    "UPDATE deliveries SET status = 'sent', sent_at = ?, message_id = ?, thread_id = ?,"
    " poll_id = ? WHERE id = ?"
)
_CLOSE = "UPDATE deliveries SET closed_at = ? WHERE id = ? AND closed_at IS NULL"


class DeliveryRepository:
    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    async def find(self, delivery_id: int) -> DeliveryRow | None:
        row = await self._s.one("SELECT * FROM deliveries WHERE id = ?", (delivery_id,))
        return maybe(DeliveryRow, row)

    async def claim(
        self,
        chat_id: int,
        question_id: str,
        *,
        kind: str,
        local_day: str,
        now: datetime,
        asked_by: int | None = None,
        reveal_at: datetime | None = None,
    ) -> DeliveryRow | None:
        """Claim a delivery before it is sent; for 'daily' at most one per chat and day.

        Returns None when that chat's daily delivery for `local_day` is already claimed.
        """
        row = await self._s.one(
            "INSERT INTO deliveries (chat_id, question_id, kind, local_day, asked_by, status,"
            " claimed_at, reveal_at) VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?)"
            " ON CONFLICT DO NOTHING RETURNING *",
            (
                chat_id,
                question_id,
                kind,
                local_day,
                asked_by,
                sql.ts(now),
                sql.ts(reveal_at) if reveal_at else None,
            ),
        )
        return maybe(DeliveryRow, row)

    async def claim_many(self, claims: Sequence[NewDelivery], now: datetime) -> list[DeliveryRow]:
        """`claim` for many chats in one statement: the rows claimed (a daily delivery
        already claimed for that chat and day is left out)."""
        if not claims:
            return []
        values = [
            (
                c.chat_id,
                c.question_id,
                c.kind,
                c.local_day,
                c.asked_by,
                sql.ts(c.reveal_at) if c.reveal_at else None,
            )
            for c in claims
        ]
        table = self._s.dialect.json_rows(
            "chat_id", "question_id", "kind", "local_day", "asked_by", "reveal_at"
        )
        # `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT.
        rows = await self._s.all(
            "INSERT INTO deliveries (chat_id, question_id, kind, local_day, asked_by, status,"
            " claimed_at, reveal_at)"
            " SELECT chat_id, question_id, kind, local_day, asked_by, 'claimed', ?, reveal_at"
            f" FROM ({table}) AS claims WHERE true ORDER BY position ON CONFLICT DO NOTHING RETURNING *",
            (sql.ts(now), self._s.dialect.rows(values)),
        )
        return [make(DeliveryRow, row) for row in rows]

    async def find_daily(self, chat_id: int, local_day: str) -> DeliveryRow | None:
        row = await self._s.one(
            "SELECT * FROM deliveries WHERE chat_id = ? AND local_day = ? AND kind = 'daily'",
            (chat_id, local_day),
        )
        return maybe(DeliveryRow, row)

    async def chats_with_daily(self, chat_days: Sequence[tuple[int, str]]) -> set[int]:
        """The chats among (chat id, local day) pairs that have that day's daily delivery."""
        if not chat_days:
            return set()
        rows = await self._s.all(
            f"SELECT d.chat_id FROM ({self._s.dialect.json_rows('chat_id', 'local_day')}) w"
            " JOIN deliveries d ON d.chat_id = w.chat_id AND d.local_day = w.local_day"
            " AND d.kind = 'daily'",
            (self._s.dialect.rows(chat_days),),
        )
        return {int(row[0]) for row in rows}

    async def mark_sent(
        self,
        delivery_id: int,
        *,
        message_id: int | None,
        now: datetime,
        thread_id: int | None = None,
        poll_id: str | None = None,
    ) -> None:
        await self._s.run(_MARK_SENT, (sql.ts(now), message_id, thread_id, poll_id, delivery_id))

    async def mark_sent_many(self, marks: Sequence[SentMark]) -> None:
        """`mark_sent` for many deliveries in one statement."""
        if marks:
            await self._s.many(
                _MARK_SENT,
                [
                    (sql.ts(m.sent_at), m.message_id, m.thread_id, m.poll_id, m.delivery_id)
                    for m in marks
                ],
            )

    async def set_status(self, delivery_id: int, status: str) -> None:
        """Record that a send failed or that its outcome is unknown (timed out)."""
        await self._s.run("UPDATE deliveries SET status = ? WHERE id = ?", (status, delivery_id))

    async def take_over_unsent(
        self, platform: str, now: datetime, claimed_by: datetime
    ) -> list[DeliveryRow]:
        """A platform's daily claims still unsent that were made at or before `claimed_by`:
        whoever made them stopped or died (one process: all of them, at its start; with
        replicas: those whose lease ran out). Each is taken by one caller only, however
        many race for it: it is stamped claimed again at `now`, so the others leave it to
        this caller until its lease runs out again."""
        stale = (
            "d.status = 'claimed' AND d.kind = 'daily' AND d.claimed_at <= ?"
            " AND d.chat_id IN (SELECT c.id FROM chats c WHERE c.platform = ?)"
        )
        rows = await self._s.all(
            f"UPDATE deliveries AS d SET claimed_at = ? WHERE {stale} AND d.id IN"
            f" (SELECT d.id FROM deliveries d WHERE {stale}"
            f" ORDER BY d.id{self._s.dialect.skip_locked()}) RETURNING *",
            (sql.ts(now), sql.ts(claimed_by), platform, sql.ts(claimed_by), platform),
        )
        return sorted((make(DeliveryRow, row) for row in rows), key=lambda row: row.id)

    async def find_open(self, chat_id: int) -> DeliveryRow | None:
        """The newest question sent in a chat that is still waiting for its answer."""
        row = await self._s.one(
            "SELECT * FROM deliveries WHERE chat_id = ? AND status IN ('sent', 'claimed')"
            " AND closed_at IS NULL ORDER BY claimed_at DESC, id DESC LIMIT 1",
            (chat_id,),
        )
        return maybe(DeliveryRow, row)

    async def find_open_many(self, chat_ids: Sequence[int]) -> dict[int, DeliveryRow]:
        """`find_open` of each chat that has one."""
        if not chat_ids:
            return {}
        rows = await self._s.all(
            "SELECT * FROM deliveries WHERE status IN ('sent', 'claimed') AND closed_at IS NULL"
            f" AND {self._s.dialect.in_list('chat_id')} ORDER BY chat_id, claimed_at DESC, id DESC",
            (self._s.dialect.ids(chat_ids),),
        )
        found: dict[int, DeliveryRow] = {}
        for row in rows:
            found.setdefault(int(row["chat_id"]), make(DeliveryRow, row))
        return found

    async def find_by_message(self, chat_id: int, message_id: int) -> DeliveryRow | None:
        row = await self._s.one(
            "SELECT * FROM deliveries WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
        return maybe(DeliveryRow, row)

    async def find_by_poll(self, poll_id: str) -> DeliveryRow | None:
        row = await self._s.one("SELECT * FROM deliveries WHERE poll_id = ?", (poll_id,))
        return maybe(DeliveryRow, row)

    async def without_message(
        self, chat_id: int, *, since: datetime, until: datetime
    ) -> list[DeliveryRow]:
        """The chat's open questions claimed in [since, until] whose message id is not
        known: their send is in flight, or timed out. Newest first."""
        rows = await self._s.all(
            "SELECT * FROM deliveries WHERE chat_id = ? AND message_id IS NULL"
            " AND status IN ('claimed', 'sent', 'unknown') AND closed_at IS NULL"
            " AND claimed_at BETWEEN ? AND ? ORDER BY claimed_at DESC, id DESC",
            (chat_id, sql.ts(since), sql.ts(until)),
        )
        return [make(DeliveryRow, row) for row in rows]

    async def attach_message(self, delivery_id: int, message_id: int) -> None:
        """Record the message a question turned out to be (seen in a reply to it); a send
        whose outcome was unknown did arrive."""
        await self._s.run(
            "UPDATE deliveries SET message_id = ?,"
            " status = CASE status WHEN 'unknown' THEN 'sent' ELSE status END"
            " WHERE id = ? AND message_id IS NULL",
            (message_id, delivery_id),
        )

    async def close(self, delivery_id: int, now: datetime) -> None:
        await self._s.run(_CLOSE, (sql.ts(now), delivery_id))

    async def close_many(self, delivery_ids: Sequence[int], now: datetime) -> None:
        if delivery_ids:
            stamp = sql.ts(now)
            await self._s.many(_CLOSE, [(stamp, delivery_id) for delivery_id in delivery_ids])

    async def mark_revealed(self, delivery_id: int, now: datetime) -> bool:
        """Mark a delivery's answer revealed; False if it already was (reveal once)."""
        changed = await self._s.run(
            "UPDATE deliveries SET revealed_at = ?, closed_at = coalesce(closed_at, ?)"
            " WHERE id = ? AND revealed_at IS NULL",
            (sql.ts(now), sql.ts(now), delivery_id),
        )
        return changed > 0

    async def reveals_due(self, now: datetime) -> list[DeliveryRow]:
        """Sent questions whose reveal time has come, not revealed yet; soonest first."""
        rows = await self._s.all(
            "SELECT * FROM deliveries WHERE revealed_at IS NULL AND reveal_at IS NOT NULL"
            " AND reveal_at <= ? AND status = 'sent' ORDER BY reveal_at",
            (sql.ts(now),),
        )
        return [make(DeliveryRow, row) for row in rows]

    async def reveals_due_on(self, platform: str, now: datetime) -> list[DeliveryRow]:
        """`reveals_due`, for the chats of one platform only."""
        rows = await self._s.all(
            "SELECT d.* FROM deliveries d JOIN chats c ON c.id = d.chat_id"
            " WHERE d.revealed_at IS NULL AND d.reveal_at IS NOT NULL AND d.reveal_at <= ?"
            " AND d.status = 'sent' AND c.platform = ? ORDER BY d.reveal_at",
            (sql.ts(now), platform),
        )
        return [make(DeliveryRow, row) for row in rows]

    async def last_delivered(self, chat_id: int) -> dict[str, str]:
        """Each question's most recent delivery day in a chat."""
        rows = await self._s.all(
            "SELECT question_id, max(local_day) FROM deliveries WHERE chat_id = ?"
            " AND status != 'failed' GROUP BY question_id",
            (chat_id,),
        )
        return {row[0]: row[1] for row in rows}
