"""All SQL lives here: the SQLite store, its migrations and its typed rows.

One aiosqlite connection serves the whole bot. Every unit of work runs inside
`Store.read()` or `Store.write()`, which hold an asyncio lock so that statements of two
coroutines never interleave on the shared connection; writes run in `BEGIN IMMEDIATE`
and are committed before the context exits, so an answer the bot acknowledges is on disk.
Writers that arrive together share one transaction and one commit (group commit, see
`Store.write`), and small keyed statements run on the spot rather than on aiosqlite's
thread (see `Tx`).
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from collections.abc import AsyncIterator, Coroutine, Iterable, Sequence
from contextlib import asynccontextmanager, closing, suppress
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Self, TypeVar

import aiosqlite

from bot.store.owndecks import OwnDeckQueries

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000


def _ts(moment: datetime) -> str:
    """A moment as stored: UTC ISO-8601 with microseconds, so text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given to the store; pass an aware UTC time")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _make(cls: type[T], row: sqlite3.Row) -> T:
    """Build a row dataclass by column name, so added columns never shift values."""
    return cls(**{f.name: row[f.name] for f in fields(cls)})  # type: ignore[arg-type]


def _from_row(cls: type[T], row: sqlite3.Row | None) -> T | None:
    return None if row is None else _make(cls, row)


@dataclass(frozen=True, slots=True)
class ChatRow:
    id: int
    platform: str
    external_id: int
    kind: str
    title: str
    timezone: str
    push_time: str
    reveal_after_minutes: int
    question_filter: str | None
    thread_id: int | None
    owner_id: int | None
    """The player a private chat belongs to."""
    subscribed: int
    active: int
    decks: str | None = None
    """The chat's choice of decks (JSON, see bot.decks.library); None: the default."""

    @property
    def is_group(self) -> bool:
        return self.kind == "group"


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    platform: str
    external_id: int
    display_name: str
    timezone: str | None
    reminders: int
    current_streak: int
    longest_streak: int
    last_active_day: str | None
    freezes: int


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: int
    chat_id: int
    question_id: str
    kind: str
    local_day: str
    asked_by: int | None
    status: str
    claimed_at: str
    sent_at: str | None
    message_id: int | None
    thread_id: int | None
    poll_id: str | None
    reveal_at: str | None
    revealed_at: str | None
    closed_at: str | None


@dataclass(frozen=True, slots=True)
class AttemptRow:
    id: int
    user_id: int
    chat_id: int
    question_id: str
    delivery_id: int | None
    source_key: str
    answer: str
    score: float
    covered: str
    points: int
    local_day: str
    answered_at: str

    @property
    def covered_indexes(self) -> tuple[int, ...]:
        return tuple(json.loads(self.covered))


@dataclass(frozen=True, slots=True)
class ReviewRow:
    id: int
    user_id: int
    question_id: str
    attempt_id: int
    proposed_rating: int
    rating: int
    rated_by_user: int
    card_before: str | None
    card_after: str
    reviewed_at: str


@dataclass(frozen=True, slots=True)
class ScoreRow:
    user_id: int
    display_name: str
    points: int
    reached_at: str
    current_streak: int
    last_active_day: str | None
    freezes: int = 0
    timezone: str | None = None
    """The member's own timezone, if set (their streak's days are local to it)."""


@dataclass(frozen=True, slots=True)
class NewAttempt:
    user_id: int
    chat_id: int
    question_id: str
    delivery_id: int | None
    source_key: str
    answer: str
    score: float
    covered: Sequence[int]
    points: int
    local_day: str
    answered_at: datetime


def migration_scripts() -> list[tuple[int, str]]:
    """The numbered migration files, in order: [(version, sql), ...]."""
    folder = resources.files("bot.store") / "migrations"
    scripts = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            scripts.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(scripts)


LATEST_VERSION = migration_scripts()[-1][0]

_SELECT_SCORES = (
    "SELECT s.user_id, u.display_name, s.points, s.reached_at, u.current_streak,"
    " u.last_active_day, u.freezes, u.timezone FROM scores s JOIN users u ON u.id = s.user_id"
)


class DatabaseUnavailable(Exception):
    """The database cannot be opened or migrated. `reason` is one of the codes below (what
    an operator must fix); `detail` is SQLite's or the system's own words."""

    MISSING_FOLDER = "missing folder"
    IS_DIRECTORY = "is a directory"
    CANNOT_OPEN = "cannot open"
    NOT_WRITABLE = "not writable"
    NOT_A_DATABASE = "not a database"
    LOCKED = "locked"
    TOO_NEW = "too new"
    OTHER = "other"

    def __init__(self, path: Path, reason: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.reason = reason
        self.detail = detail

    @classmethod
    def from_error(cls, path: Path, error: BaseException) -> DatabaseUnavailable:
        detail = str(error) or type(error).__name__
        text = detail.lower()
        if path.is_dir():
            reason = cls.IS_DIRECTORY
        elif not path.parent.is_dir():
            reason = cls.MISSING_FOLDER
        elif "locked" in text or "busy" in text:
            reason = cls.LOCKED
        elif "not a database" in text or "malformed" in text:
            reason = cls.NOT_A_DATABASE
        elif "readonly" in text or "read-only" in text:
            reason = cls.NOT_WRITABLE
        elif "unable to open" in text:
            reason = cls.CANNOT_OPEN
        else:
            reason = cls.OTHER
        return cls(path, reason, detail)


def _probe(path: Path) -> None:
    """Open the database file once and read its header; sqlite3.Error if that fails."""
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as probe:
        probe.execute("PRAGMA schema_version").fetchone()


class SchemaTooNew(DatabaseUnavailable):
    """The database was migrated by a newer version of the bot than this one."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(path, self.TOO_NEW, detail)


class Tx(OwnDeckQueries):
    """The statements of one unit of work, on the store's connection.

    Where a statement runs: a trip to aiosqlite's thread costs a thread hand-off and then
    a turn of the event loop before the result is seen, which on a busy bot is far more
    than a small indexed query; a unit of work holds the store for all its trips. So the
    statements that touch a handful of rows by key (`_one`, `_run`, `_insert`, `_many`)
    run on the spot, on the loop's thread, through the same sqlite3 connection; queries
    that may read many rows (`_all`, `_far_one`, `_far_run`) go to the thread, so the loop
    keeps serving while SQLite works. Nothing here waits on a lock: writes happen inside
    the unit's `BEGIN IMMEDIATE` (taken on the thread), and WAL readers never wait.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self._db: sqlite3.Connection = conn._conn  # the connection aiosqlite wraps

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = self._db.execute(sql, params).fetchall()  # to the end: RETURNING finishes
        return rows[0] if rows else None

    async def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a write; return the number of rows changed."""
        return self._db.execute(sql, params).rowcount

    async def _insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int(self._db.execute(sql, params).lastrowid or 0)

    async def _many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def _far_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        """`_one` for a query that may scan many rows (on the thread)."""
        return next(iter(await self.conn.execute_fetchall(sql, params)), None)

    async def _far_run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """`_run` for a write that may touch many rows (on the thread)."""
        cursor = await self.conn.execute(sql, params)
        return cursor.rowcount

    # -- chats -------------------------------------------------------------------------

    async def chat(self, platform: str, external_id: int) -> ChatRow | None:
        row = await self._one(
            "SELECT * FROM chats WHERE platform = ? AND external_id = ?", (platform, external_id)
        )
        return _from_row(ChatRow, row)

    async def chat_by_id(self, chat_id: int) -> ChatRow | None:
        return _from_row(ChatRow, await self._one("SELECT * FROM chats WHERE id = ?", (chat_id,)))

    async def ensure_chat(
        self,
        platform: str,
        external_id: int,
        *,
        kind: str,
        title: str,
        timezone: str,
        push_time: str,
        now: datetime,
    ) -> ChatRow:
        """The chat's row, created with the given defaults if new; title kept up to date."""
        chat = await self.chat(platform, external_id)
        if chat is not None and title in ("", chat.title):
            return chat  # the usual case: one read
        row = await self._one(
            "INSERT INTO chats (platform, external_id, kind, title, timezone, push_time, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (platform, external_id) DO UPDATE SET title = excluded.title"
            " WHERE excluded.title != '' AND excluded.title != chats.title RETURNING *",
            (platform, external_id, kind, title, timezone, push_time, _ts(now)),
        )
        assert row is not None
        return _make(ChatRow, row)

    async def set_chat_schedule(self, chat_id: int, push_time: str, timezone: str) -> None:
        await self._run(
            "UPDATE chats SET push_time = ?, timezone = ? WHERE id = ?",
            (push_time, timezone, chat_id),
        )

    async def set_chat_subscribed(self, chat_id: int, subscribed: bool) -> None:
        await self._run(
            "UPDATE chats SET subscribed = ?, active = CASE WHEN ? THEN 1 ELSE active END"
            " WHERE id = ?",
            (int(subscribed), int(subscribed), chat_id),
        )

    async def set_chat_active(self, chat_id: int, active: bool) -> None:
        await self._run("UPDATE chats SET active = ? WHERE id = ?", (int(active), chat_id))

    async def set_chat_filter(self, chat_id: int, question_filter: str | None) -> None:
        await self._run(
            "UPDATE chats SET question_filter = ? WHERE id = ?", (question_filter, chat_id)
        )

    async def set_chat_reveal_after(self, chat_id: int, minutes: int) -> None:
        await self._run(
            "UPDATE chats SET reveal_after_minutes = ? WHERE id = ?", (minutes, chat_id)
        )

    async def set_chat_owner(self, chat_id: int, user_id: int) -> None:
        await self._run(
            "UPDATE chats SET owner_id = ? WHERE id = ? AND owner_id IS NOT ?",
            (user_id, chat_id, user_id),
        )

    async def set_chat_thread(self, chat_id: int, thread_id: int | None) -> None:
        await self._run("UPDATE chats SET thread_id = ? WHERE id = ?", (thread_id, chat_id))

    async def move_chat(self, chat_id: int, new_external_id: int) -> None:
        """Give a chat a new external id (a Telegram group upgraded to a supergroup).

        If the new id already has a row (the bot saw the supergroup first), that row's
        history is folded into this one before it is removed, so nothing is lost.
        """
        chat = await self.chat_by_id(chat_id)
        if chat is None or chat.external_id == new_external_id:
            return
        other = await self.chat(chat.platform, new_external_id)
        if other is not None:
            # Both chats may hold a daily question for the same day, and message ids
            # restart in a supergroup: make such rows distinct instead of dropping them.
            await self._far_run(
                "UPDATE deliveries SET kind = 'asked' WHERE chat_id = ? AND kind = 'daily'"
                " AND local_day IN (SELECT local_day FROM deliveries"
                " WHERE chat_id = ? AND kind = 'daily')",
                (other.id, chat_id),
            )
            await self._far_run(
                "UPDATE deliveries SET chat_id = ? WHERE chat_id = ?", (chat_id, other.id)
            )
            await self._far_run(
                "UPDATE attempts SET source_key = 'moved:' || id || ':' || source_key"
                " WHERE chat_id = ? AND source_key IN"
                " (SELECT source_key FROM attempts WHERE chat_id = ?)",
                (other.id, chat_id),
            )
            await self._far_run(
                "UPDATE attempts SET chat_id = ? WHERE chat_id = ?", (chat_id, other.id)
            )
            await self._far_run(
                "INSERT INTO scores (chat_id, period, user_id, points, reached_at)"
                " SELECT ?, period, user_id, points, reached_at FROM scores WHERE chat_id = ?"
                " ON CONFLICT (chat_id, period, user_id) DO UPDATE SET"
                " points = scores.points + excluded.points,"
                " reached_at = max(scores.reached_at, excluded.reached_at)",
                (chat_id, other.id),
            )
            await self._far_run("DELETE FROM chats WHERE id = ?", (other.id,))
        await self._far_run(
            "UPDATE chats SET external_id = ? WHERE id = ?", (new_external_id, chat_id)
        )

    async def scheduled_chats(self) -> list[ChatRow]:
        """Every subscribed, active chat (the scheduler groups them into slots)."""
        rows = await self._all(
            "SELECT * FROM chats WHERE subscribed AND active ORDER BY push_time, timezone, id"
        )
        return [_make(ChatRow, row) for row in rows]

    # -- users -------------------------------------------------------------------------

    async def user(self, platform: str, external_id: int) -> UserRow | None:
        row = await self._one(
            "SELECT * FROM users WHERE platform = ? AND external_id = ?", (platform, external_id)
        )
        return _from_row(UserRow, row)

    async def user_by_id(self, user_id: int) -> UserRow | None:
        return _from_row(UserRow, await self._one("SELECT * FROM users WHERE id = ?", (user_id,)))

    async def ensure_user(
        self, platform: str, external_id: int, display_name: str, now: datetime
    ) -> UserRow:
        user = await self.user(platform, external_id)
        if user is not None and user.display_name == display_name:
            return user  # the usual case: one read
        row = await self._one(
            "INSERT INTO users (platform, external_id, display_name, created_at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (platform, external_id) DO UPDATE SET display_name = excluded.display_name"
            " WHERE excluded.display_name != users.display_name RETURNING *",
            (platform, external_id, display_name, _ts(now)),
        )
        assert row is not None
        return _make(UserRow, row)

    async def set_user_timezone(self, user_id: int, timezone: str | None) -> None:
        await self._run("UPDATE users SET timezone = ? WHERE id = ?", (timezone, user_id))

    async def set_user_reminders(self, user_id: int, enabled: bool) -> None:
        await self._run("UPDATE users SET reminders = ? WHERE id = ?", (int(enabled), user_id))

    async def save_streak(
        self,
        user_id: int,
        *,
        current: int,
        longest: int,
        last_active_day: str | None,
        freezes: int,
        frozen_days: Iterable[str] = (),
    ) -> None:
        await self._run(
            "UPDATE users SET current_streak = ?, longest_streak = ?, last_active_day = ?,"
            " freezes = ? WHERE id = ?",
            (current, longest, last_active_day, freezes, user_id),
        )
        frozen = [(user_id, day) for day in frozen_days]
        if frozen:
            await self._many(
                "INSERT OR IGNORE INTO streak_freezes (user_id, day) VALUES (?, ?)", frozen
            )

    async def frozen_days(self, user_id: int) -> list[str]:
        rows = await self._all(
            "SELECT day FROM streak_freezes WHERE user_id = ? ORDER BY day", (user_id,)
        )
        return [row[0] for row in rows]

    # -- deliveries --------------------------------------------------------------------

    async def delivery(self, delivery_id: int) -> DeliveryRow | None:
        row = await self._one("SELECT * FROM deliveries WHERE id = ?", (delivery_id,))
        return _from_row(DeliveryRow, row)

    async def add_delivery(
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
        row = await self._one(
            "INSERT INTO deliveries (chat_id, question_id, kind, local_day, asked_by, status,"
            " claimed_at, reveal_at) VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?)"
            " ON CONFLICT DO NOTHING RETURNING *",
            (
                chat_id,
                question_id,
                kind,
                local_day,
                asked_by,
                _ts(now),
                _ts(reveal_at) if reveal_at else None,
            ),
        )
        return _from_row(DeliveryRow, row)

    async def daily_delivery(self, chat_id: int, local_day: str) -> DeliveryRow | None:
        row = await self._one(
            "SELECT * FROM deliveries WHERE chat_id = ? AND local_day = ? AND kind = 'daily'",
            (chat_id, local_day),
        )
        return _from_row(DeliveryRow, row)

    async def mark_sent(
        self,
        delivery_id: int,
        *,
        message_id: int | None,
        now: datetime,
        thread_id: int | None = None,
        poll_id: str | None = None,
    ) -> None:
        await self._run(
            "UPDATE deliveries SET status = 'sent', sent_at = ?, message_id = ?, thread_id = ?,"
            " poll_id = ? WHERE id = ?",
            (_ts(now), message_id, thread_id, poll_id, delivery_id),
        )

    async def mark_delivery(self, delivery_id: int, status: str) -> None:
        """Record that a send failed or that its outcome is unknown (timed out)."""
        await self._run("UPDATE deliveries SET status = ? WHERE id = ?", (status, delivery_id))

    async def unsent_claims(self) -> list[DeliveryRow]:
        rows = await self._all(
            "SELECT * FROM deliveries WHERE status = 'claimed' AND kind = 'daily' ORDER BY id"
        )
        return [_make(DeliveryRow, row) for row in rows]

    async def open_delivery(self, chat_id: int) -> DeliveryRow | None:
        """The newest question sent in a chat that is still waiting for its answer."""
        row = await self._one(
            "SELECT * FROM deliveries WHERE chat_id = ? AND status IN ('sent', 'claimed')"
            " AND closed_at IS NULL ORDER BY claimed_at DESC, id DESC LIMIT 1",
            (chat_id,),
        )
        return _from_row(DeliveryRow, row)

    async def delivery_by_message(self, chat_id: int, message_id: int) -> DeliveryRow | None:
        row = await self._one(
            "SELECT * FROM deliveries WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
        return _from_row(DeliveryRow, row)

    async def deliveries_without_message(
        self, chat_id: int, *, since: datetime, until: datetime
    ) -> list[DeliveryRow]:
        """The chat's open questions claimed in [since, until] whose message id is not
        known: their send is in flight, or timed out. Newest first."""
        rows = await self._all(
            "SELECT * FROM deliveries WHERE chat_id = ? AND message_id IS NULL"
            " AND status IN ('claimed', 'sent', 'unknown') AND closed_at IS NULL"
            " AND claimed_at BETWEEN ? AND ? ORDER BY claimed_at DESC, id DESC",
            (chat_id, _ts(since), _ts(until)),
        )
        return [_make(DeliveryRow, row) for row in rows]

    async def attach_message(self, delivery_id: int, message_id: int) -> None:
        """Record the message a question turned out to be (seen in a reply to it); a send
        whose outcome was unknown did arrive."""
        await self._run(
            "UPDATE deliveries SET message_id = ?,"
            " status = CASE status WHEN 'unknown' THEN 'sent' ELSE status END"
            " WHERE id = ? AND message_id IS NULL",
            (message_id, delivery_id),
        )

    async def delivery_by_poll(self, poll_id: str) -> DeliveryRow | None:
        row = await self._one("SELECT * FROM deliveries WHERE poll_id = ?", (poll_id,))
        return _from_row(DeliveryRow, row)

    async def close_delivery(self, delivery_id: int, now: datetime) -> None:
        await self._run(
            "UPDATE deliveries SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
            (_ts(now), delivery_id),
        )

    async def mark_revealed(self, delivery_id: int, now: datetime) -> bool:
        """Mark a delivery's answer revealed; False if it already was (reveal once)."""
        changed = await self._run(
            "UPDATE deliveries SET revealed_at = ?, closed_at = coalesce(closed_at, ?)"
            " WHERE id = ? AND revealed_at IS NULL",
            (_ts(now), _ts(now), delivery_id),
        )
        return changed > 0

    async def reveals_due(self, now: datetime) -> list[DeliveryRow]:
        rows = await self._all(
            "SELECT * FROM deliveries WHERE revealed_at IS NULL AND reveal_at IS NOT NULL"
            " AND reveal_at <= ? AND status = 'sent' ORDER BY reveal_at",
            (_ts(now),),
        )
        return [_make(DeliveryRow, row) for row in rows]

    async def questions_seen(self, chat_id: int, since_day: str) -> set[str]:
        rows = await self._all(
            "SELECT DISTINCT question_id FROM deliveries WHERE chat_id = ? AND local_day >= ?",
            (chat_id, since_day),
        )
        return {row[0] for row in rows}

    async def last_delivered(self, chat_id: int) -> dict[str, str]:
        """Each question's most recent delivery day in a chat."""
        rows = await self._all(
            "SELECT question_id, max(local_day) FROM deliveries WHERE chat_id = ?"
            " AND status != 'failed' GROUP BY question_id",
            (chat_id,),
        )
        return {row[0]: row[1] for row in rows}

    # -- attempts ----------------------------------------------------------------------

    async def attempt(self, attempt_id: int) -> AttemptRow | None:
        row = await self._one("SELECT * FROM attempts WHERE id = ?", (attempt_id,))
        return _from_row(AttemptRow, row)

    async def attempt_by_source(self, chat_id: int, source_key: str) -> AttemptRow | None:
        row = await self._one(
            "SELECT * FROM attempts WHERE chat_id = ? AND source_key = ?", (chat_id, source_key)
        )
        return _from_row(AttemptRow, row)

    async def attempt_for_delivery(self, delivery_id: int, user_id: int) -> AttemptRow | None:
        row = await self._one(
            "SELECT * FROM attempts WHERE delivery_id = ? AND user_id = ? ORDER BY id LIMIT 1",
            (delivery_id, user_id),
        )
        return _from_row(AttemptRow, row)

    async def attempts_for_delivery(self, delivery_id: int) -> list[tuple[AttemptRow, str]]:
        """Each attempt on a delivery with the player's display name, best first."""
        rows = await self._all(
            "SELECT a.*, u.display_name FROM attempts a JOIN users u ON u.id = a.user_id"
            " WHERE a.delivery_id = ? ORDER BY a.score DESC, a.answered_at, a.id",
            (delivery_id,),
        )
        return [(_make(AttemptRow, row), row["display_name"]) for row in rows]

    async def add_attempt(self, attempt: NewAttempt) -> AttemptRow:
        row = await self._one(
            "INSERT INTO attempts (user_id, chat_id, question_id, delivery_id, source_key, answer,"
            " score, covered, points, local_day, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (
                attempt.user_id,
                attempt.chat_id,
                attempt.question_id,
                attempt.delivery_id,
                attempt.source_key,
                attempt.answer,
                attempt.score,
                json.dumps(list(attempt.covered)),
                attempt.points,
                attempt.local_day,
                _ts(attempt.answered_at),
            ),
        )
        assert row is not None
        return _make(AttemptRow, row)

    async def add_points(
        self, chat_id: int, user_id: int, periods: Iterable[str], points: int, now: datetime
    ) -> None:
        """Add to a member's running totals; `reached_at` breaks ties (earlier wins)."""
        await self._many(
            "INSERT INTO scores (chat_id, period, user_id, points, reached_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, period, user_id) DO UPDATE SET"
            " points = scores.points + excluded.points,"
            " reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at"
            " ELSE scores.reached_at END",
            [(chat_id, period, user_id, points, _ts(now)) for period in periods],
        )

    async def user_attempt_summary(self, user_id: int) -> list[sqlite3.Row]:
        """Per question: attempts, average and last score, last answer time."""
        return await self._all(
            "SELECT question_id, count(*) AS n, avg(score) AS avg_score,"
            " max(answered_at) AS last_at FROM attempts WHERE user_id = ? GROUP BY question_id",
            (user_id,),
        )

    async def answered_days(self, user_id: int) -> list[tuple[str, int]]:
        rows = await self._all(
            "SELECT local_day, count(*) FROM attempts WHERE user_id = ?"
            " GROUP BY local_day ORDER BY local_day",
            (user_id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def questions_attempted(self, user_id: int) -> set[str]:
        rows = await self._all(
            "SELECT DISTINCT question_id FROM attempts WHERE user_id = ?", (user_id,)
        )
        return {row[0] for row in rows}

    async def questions_asked_on(self, user_id: int, chat_id: int, local_day: str) -> set[str]:
        """Questions a player met on a day: answered anywhere, or delivered in their chat."""
        rows = await self._all(
            "SELECT question_id FROM attempts WHERE user_id = ? AND local_day = ?"
            " UNION SELECT question_id FROM deliveries WHERE chat_id = ? AND local_day = ?",
            (user_id, local_day, chat_id, local_day),
        )
        return {row[0] for row in rows}

    async def members_missed(self, chat_id: int, threshold: float) -> set[str]:
        """Questions whose average score among this group's members is below `threshold`."""
        rows = await self._all(
            "SELECT a.question_id FROM attempts a"
            " WHERE a.user_id IN (SELECT DISTINCT user_id FROM attempts WHERE chat_id = ?)"
            " GROUP BY a.question_id HAVING avg(a.score) < ?",
            (chat_id, threshold),
        )
        return {row[0] for row in rows}

    # -- leaderboards ------------------------------------------------------------------

    async def top_scores(self, chat_id: int, period: str, limit: int) -> list[ScoreRow]:
        """The best `limit` members of a period, best first (read from scores_ranking)."""
        rows = await self._all(
            _SELECT_SCORES + " WHERE s.chat_id = ? AND s.period = ?"
            " ORDER BY s.points DESC, s.reached_at, s.user_id LIMIT ?",
            (chat_id, period, limit),
        )
        return [_make(ScoreRow, row) for row in rows]

    async def score_of(
        self, chat_id: int, period: str, user_id: int
    ) -> tuple[int, ScoreRow] | None:
        """A member's rank (1-based) and score row in a period, or None if they have none."""
        row = await self._one(
            _SELECT_SCORES + " WHERE s.chat_id = ? AND s.period = ? AND s.user_id = ?",
            (chat_id, period, user_id),
        )
        if row is None:
            return None
        mine = _make(ScoreRow, row)
        # Two ranges of the ranking index (more points; as many, reached earlier): one
        # OR over both made SQLite walk every member of the chat instead.
        ahead = await self._one(
            "SELECT (SELECT count(*) FROM scores WHERE chat_id = ? AND period = ?"
            " AND points > ?) + (SELECT count(*) FROM scores WHERE chat_id = ?"
            " AND period = ? AND points = ? AND (reached_at, user_id) < (?, ?))",
            (
                chat_id,
                period,
                mine.points,
                chat_id,
                period,
                mine.points,
                mine.reached_at,
                user_id,
            ),
        )
        assert ahead is not None
        return int(ahead[0]) + 1, mine

    async def count_scores(self, chat_id: int, period: str) -> int:
        row = await self._one(
            "SELECT count(*) FROM scores WHERE chat_id = ? AND period = ?", (chat_id, period)
        )
        return int(row[0]) if row else 0

    # -- spaced repetition -------------------------------------------------------------

    async def card(self, user_id: int, question_id: str) -> str | None:
        row = await self._one(
            "SELECT card FROM cards WHERE user_id = ? AND question_id = ?", (user_id, question_id)
        )
        return row[0] if row else None

    async def save_card(self, user_id: int, question_id: str, card: str, due: datetime) -> None:
        await self._run(
            "INSERT INTO cards (user_id, question_id, card, due) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id, question_id) DO UPDATE SET card = excluded.card,"
            " due = excluded.due",
            (user_id, question_id, card, _ts(due)),
        )

    async def due_cards(self, user_id: int, now: datetime) -> list[tuple[str, str]]:
        """(question_id, due) of the player's cards due by `now`, most overdue first."""
        rows = await self._all(
            "SELECT question_id, due FROM cards WHERE user_id = ? AND due <= ? ORDER BY due",
            (user_id, _ts(now)),
        )
        return [(row[0], row[1]) for row in rows]

    async def cards_of(self, user_id: int) -> list[tuple[str, str, str]]:
        """(question_id, card json, due) of all the player's cards, soonest due first."""
        rows = await self._all(
            "SELECT question_id, card, due FROM cards WHERE user_id = ? ORDER BY due", (user_id,)
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def add_review(
        self,
        *,
        user_id: int,
        question_id: str,
        attempt_id: int,
        rating: int,
        card_before: str | None,
        card_after: str,
        now: datetime,
    ) -> None:
        await self._run(
            "INSERT INTO reviews (user_id, question_id, attempt_id, proposed_rating, rating,"
            " card_before, card_after, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (user_id, question_id, attempt_id, rating, rating, card_before, card_after, _ts(now)),
        )

    async def review_for_attempt(self, attempt_id: int) -> ReviewRow | None:
        row = await self._one("SELECT * FROM reviews WHERE attempt_id = ?", (attempt_id,))
        return _from_row(ReviewRow, row)

    async def latest_review(self, user_id: int, question_id: str) -> ReviewRow | None:
        row = await self._one(
            "SELECT * FROM reviews WHERE user_id = ? AND question_id = ? ORDER BY id DESC LIMIT 1",
            (user_id, question_id),
        )
        return _from_row(ReviewRow, row)

    async def override_review(
        self, review_id: int, rating: int, card_after: str, now: datetime
    ) -> None:
        await self._run(
            "UPDATE reviews SET rating = ?, rated_by_user = 1, card_after = ?, reviewed_at = ?"
            " WHERE id = ?",
            (rating, card_after, _ts(now), review_id),
        )

    # -- scheduling --------------------------------------------------------------------

    async def schedule_slots(self, platform: str) -> list[tuple[str, str, int]]:
        """The distinct (push_time, timezone) of a platform's subscribed, active chats,
        each with its number of chats."""
        rows = await self._all(
            "SELECT push_time, timezone, count(*) FROM chats"
            " WHERE subscribed AND active AND platform = ?"
            " GROUP BY push_time, timezone ORDER BY push_time, timezone",
            (platform,),
        )
        return [(row[0], row[1], int(row[2])) for row in rows]

    async def slot_chats_undelivered(
        self, platform: str, push_time: str, timezone: str, local_day: str
    ) -> list[ChatRow]:
        """A slot's subscribed, active chats with no daily delivery for `local_day` yet."""
        rows = await self._all(
            "SELECT * FROM chats c WHERE c.subscribed AND c.active AND c.platform = ?"
            " AND c.push_time = ? AND c.timezone = ? AND NOT EXISTS (SELECT 1 FROM deliveries d"
            " WHERE d.chat_id = c.id AND d.kind = 'daily' AND d.local_day = ?) ORDER BY c.id",
            (platform, push_time, timezone, local_day),
        )
        return [_make(ChatRow, row) for row in rows]

    async def reveals_due_on(self, platform: str, now: datetime) -> list[DeliveryRow]:
        """`reveals_due`, for the chats of one platform only."""
        rows = await self._all(
            "SELECT d.* FROM deliveries d JOIN chats c ON c.id = d.chat_id"
            " WHERE d.revealed_at IS NULL AND d.reveal_at IS NOT NULL AND d.reveal_at <= ?"
            " AND d.status = 'sent' AND c.platform = ? ORDER BY d.reveal_at",
            (_ts(now), platform),
        )
        return [_make(DeliveryRow, row) for row in rows]

    async def reminder_candidates(
        self, platform: str, utc_day: str, earliest_last_day: str
    ) -> list[tuple[UserRow, int, str | None]]:
        """Players whose streak may be at risk on a local day around `utc_day` (any
        timezone), with reminders on and an active private chat on `platform`:
        (player, private chat id, the local day of their last reminder).

        At risk means the last answer was exactly `freezes + 1` days before today;
        `earliest_last_day` bounds the scan (today minus the most freezes, minus 3)."""
        rows = await self._all(
            "SELECT u.*, (SELECT min(c.id) FROM chats c WHERE c.owner_id = u.id"
            " AND c.kind = 'private' AND c.active AND c.platform = u.platform) AS private_chat"
            " FROM users u WHERE u.platform = ? AND u.reminders AND u.current_streak > 0"
            " AND u.last_active_day >= ?"
            " AND date(u.last_active_day, printf('+%d days', u.freezes + 1))"
            " BETWEEN date(?, '-1 day') AND date(?, '+1 day')"
            " ORDER BY u.id",
            (platform, earliest_last_day, utc_day, utc_day),
        )
        return [
            (_make(UserRow, row), int(row["private_chat"]), row["reminded_day"])
            for row in rows
            if row["private_chat"] is not None
        ]

    async def claim_reminder(self, user_id: int, local_day: str) -> bool:
        """Record a reminder for a player's `local_day`; False if one was already sent."""
        changed = await self._run(
            "UPDATE users SET reminded_day = ? WHERE id = ?"
            " AND (reminded_day IS NULL OR reminded_day < ?)",
            (local_day, user_id, local_day),
        )
        return changed > 0

    # -- progress ----------------------------------------------------------------------

    async def chat_activity_between(
        self, chat_id: int, start: datetime, end: datetime
    ) -> tuple[int, int]:
        """Answers in a chat with `start <= answered_at < end`, and how many players gave them."""
        row = await self._far_one(
            "SELECT count(*), count(DISTINCT user_id) FROM attempts"
            " WHERE chat_id = ? AND answered_at >= ? AND answered_at < ?",
            (chat_id, _ts(start), _ts(end)),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def chat_question_scores_between(
        self, chat_id: int, start: datetime, end: datetime
    ) -> list[tuple[str, int, float]]:
        """(question_id, answers, average score) of a chat's answers in [start, end)."""
        rows = await self._all(
            "SELECT question_id, count(*), avg(score) FROM attempts"
            " WHERE chat_id = ? AND answered_at >= ? AND answered_at < ?"
            " GROUP BY question_id ORDER BY question_id",
            (chat_id, _ts(start), _ts(end)),
        )
        return [(row[0], int(row[1]), float(row[2])) for row in rows]

    async def chat_members(self, chat_id: int) -> list[UserRow]:
        """Everyone on a group's all-time leaderboard (whoever answered there)."""
        rows = await self._all(
            "SELECT u.* FROM scores s JOIN users u ON u.id = s.user_id"
            " WHERE s.chat_id = ? AND s.period = 'all' ORDER BY u.id",
            (chat_id,),
        )
        return [_make(UserRow, row) for row in rows]

    async def first_deliveries(self, chat_id: int) -> list[tuple[str, str]]:
        """Each question sent to a chat, with the local day it was first sent."""
        rows = await self._all(
            "SELECT question_id, min(local_day) FROM deliveries"
            " WHERE chat_id = ? AND status = 'sent' GROUP BY question_id ORDER BY question_id",
            (chat_id,),
        )
        return [(row[0], row[1]) for row in rows]

    async def user_history(self, user_id: int) -> list[sqlite3.Row]:
        """A player's answers, oldest first, with the chat they were given in and the
        rating of their review (NULL when the answer had none)."""
        return await self._all(
            "SELECT a.answered_at, a.local_day, a.question_id, a.answer, a.score, a.points,"
            " c.kind AS chat_kind, c.title AS chat_title, r.rating"
            " FROM attempts a JOIN chats c ON c.id = a.chat_id"
            " LEFT JOIN reviews r ON r.attempt_id = a.id"
            " WHERE a.user_id = ? ORDER BY a.answered_at, a.id",
            (user_id,),
        )

    async def recap_candidates(self, platform: str) -> list[tuple[ChatRow, str | None]]:
        """A platform's subscribed, active groups, each with the Monday of the last week
        recapped there (None if never)."""
        rows = await self._all(
            "SELECT * FROM chats WHERE kind = 'group' AND subscribed AND active"
            " AND platform = ? ORDER BY id",
            (platform,),
        )
        return [(_make(ChatRow, row), row["recap_week"]) for row in rows]

    async def claim_recap(self, chat_id: int, week: str) -> bool:
        """Record that the week starting `week` is recapped in a chat; False if it (or a
        later week) already was."""
        changed = await self._run(
            "UPDATE chats SET recap_week = ? WHERE id = ?"
            " AND (recap_week IS NULL OR recap_week < ?)",
            (week, chat_id, week),
        )
        return changed > 0

    # -- privacy -----------------------------------------------------------------------

    async def forget_user(self, user_id: int) -> dict[str, int]:
        """Delete a player and everything stored about them (/forgetme): answers, ratings,
        spaced-repetition cards, leaderboard totals, streak freezes, their private chats
        (schedule and the questions sent there) and the user row itself (name, timezone,
        streak). Groups keep their questions; a question they asked there forgets who
        asked. Returns how many rows of each kind went."""
        counts = {
            "ratings": await self._far_run("DELETE FROM reviews WHERE user_id = ?", (user_id,)),
            "cards": await self._far_run("DELETE FROM cards WHERE user_id = ?", (user_id,)),
            "scores": await self._far_run("DELETE FROM scores WHERE user_id = ?", (user_id,)),
        }
        await self._far_run("DELETE FROM streak_freezes WHERE user_id = ?", (user_id,))
        counts["answers"] = await self._far_run(
            "DELETE FROM attempts WHERE user_id = ?", (user_id,)
        )
        await self._far_run(
            "DELETE FROM deliveries WHERE chat_id IN"
            " (SELECT id FROM chats WHERE owner_id = ? AND kind = 'private')",
            (user_id,),
        )
        counts["chats"] = await self._far_run(
            "DELETE FROM chats WHERE owner_id = ? AND kind = 'private'", (user_id,)
        )
        await self._far_run("UPDATE deliveries SET asked_by = NULL WHERE asked_by = ?", (user_id,))
        await self._far_run("UPDATE chats SET owner_id = NULL WHERE owner_id = ?", (user_id,))
        # Last, with foreign keys on: rows of any later table that cascade go with it.
        await self._far_run("DELETE FROM users WHERE id = ?", (user_id,))
        return counts

    # -- peeks ---------------------------------------------------------------------------

    async def add_peek(self, delivery_id: int, user_id: int, now: datetime) -> None:
        """Record that a player saw a question's answer before answering it."""
        await self._run(
            "INSERT OR IGNORE INTO peeks (delivery_id, user_id, peeked_at) VALUES (?, ?, ?)",
            (delivery_id, user_id, _ts(now)),
        )

    async def peeked(self, delivery_id: int, user_id: int) -> bool:
        row = await self._one(
            "SELECT 1 FROM peeks WHERE delivery_id = ? AND user_id = ?", (delivery_id, user_id)
        )
        return row is not None

    # -- ops ---------------------------------------------------------------------------

    async def ping(self) -> None:
        """A trivial query (the health check): raises if the database cannot answer."""
        await self._one("SELECT count(*) FROM sqlite_master")

    async def touch_health_probe(self, now: datetime) -> None:
        """The health check's write: one row rewritten."""
        await self._run(
            "INSERT INTO health_probe (id, written_at) VALUES (1, ?)"
            " ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at",
            (_ts(now),),
        )

    # -- fan-out batches: many chats in one unit of work, a few statements each ------------

    async def chats_by_ids(self, chat_ids: Sequence[int]) -> dict[int, ChatRow]:
        rows = await self._all(
            "SELECT * FROM chats WHERE id IN (SELECT value FROM json_each(?))", (_ids(chat_ids),)
        )
        return {int(row["id"]): _make(ChatRow, row) for row in rows}

    async def users_by_ids(self, user_ids: Sequence[int]) -> dict[int, UserRow]:
        if not user_ids:
            return {}
        rows = await self._all(
            "SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))", (_ids(user_ids),)
        )
        return {int(row["id"]): _make(UserRow, row) for row in rows}

    async def daily_claimed(self, chat_days: Sequence[tuple[int, str]]) -> set[int]:
        """The chats among (chat id, local day) pairs that have that day's daily delivery."""
        if not chat_days:
            return set()
        rows = await self._all(
            "SELECT d.chat_id FROM json_each(?) w JOIN deliveries d"
            " ON d.chat_id = json_extract(w.value, '$[0]')"
            " AND d.local_day = json_extract(w.value, '$[1]') AND d.kind = 'daily'",
            (json.dumps([list(pair) for pair in chat_days]),),
        )
        return {int(row[0]) for row in rows}

    async def open_deliveries(self, chat_ids: Sequence[int]) -> dict[int, DeliveryRow]:
        """`open_delivery` of each chat that has one."""
        if not chat_ids:
            return {}
        rows = await self._all(
            "SELECT * FROM deliveries WHERE status IN ('sent', 'claimed') AND closed_at IS NULL"
            " AND chat_id IN (SELECT value FROM json_each(?))"
            " ORDER BY chat_id, claimed_at DESC, id DESC",
            (_ids(chat_ids),),
        )
        found: dict[int, DeliveryRow] = {}
        for row in rows:
            found.setdefault(int(row["chat_id"]), _make(DeliveryRow, row))
        return found

    async def close_deliveries(self, delivery_ids: Sequence[int], now: datetime) -> None:
        if delivery_ids:
            await self._many(
                "UPDATE deliveries SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                [(_ts(now), delivery_id) for delivery_id in delivery_ids],
            )

    async def add_deliveries(
        self, claims: Sequence[NewDelivery], now: datetime
    ) -> list[DeliveryRow]:
        """`add_delivery` for many chats in one statement: the rows claimed (a daily
        delivery already claimed for that chat and day is left out)."""
        if not claims:
            return []
        rows_in = [
            [
                claim.chat_id,
                claim.question_id,
                claim.kind,
                claim.local_day,
                claim.asked_by,
                _ts(claim.reveal_at) if claim.reveal_at else None,
            ]
            for claim in claims
        ]
        # `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT.
        rows = await self._all(
            "INSERT INTO deliveries (chat_id, question_id, kind, local_day, asked_by, status,"
            " claimed_at, reveal_at)"
            " SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
            " json_extract(value, '$[2]'), json_extract(value, '$[3]'),"
            " json_extract(value, '$[4]'), 'claimed', ?, json_extract(value, '$[5]')"
            " FROM json_each(?) WHERE true ORDER BY key ON CONFLICT DO NOTHING RETURNING *",
            (_ts(now), json.dumps(rows_in)),
        )
        return [_make(DeliveryRow, row) for row in rows]

    async def mark_sent_many(self, marks: Sequence[SentMark]) -> None:
        """`mark_sent` for many deliveries in one statement."""
        if marks:
            await self._many(
                "UPDATE deliveries SET status = 'sent', sent_at = ?, message_id = ?,"
                " thread_id = ?, poll_id = ? WHERE id = ?",
                [
                    (_ts(m.sent_at), m.message_id, m.thread_id, m.poll_id, m.delivery_id)
                    for m in marks
                ],
            )


def _ids(ids: Iterable[int]) -> str:
    """A list of ids as one JSON parameter, read back in SQL with json_each(?)."""
    return json.dumps([int(i) for i in ids])


@dataclass(frozen=True, slots=True)
class NewDelivery:
    chat_id: int
    question_id: str
    kind: str
    local_day: str
    asked_by: int | None = None
    reveal_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SentMark:
    """A delivery that went out (`Tx.mark_sent`'s arguments)."""

    delivery_id: int
    sent_at: datetime
    message_id: int | None
    thread_id: int | None = None
    poll_id: str | None = None


class BatchReads(Tx):
    """The reads that choose a question (`last_delivered`, `members_missed`, `due_cards`,
    `cards_of`, `questions_attempted`, `questions_asked_on`), answered for a whole batch
    of chats from a few set-based queries made up front by `load`.

    Only for the chats and players it was loaded for, and only while nothing they read
    changes (a batch of claims writes deliveries only after every choice is made).
    """

    def __init__(self, tx: Tx, threshold: float) -> None:
        super().__init__(tx.conn)
        self.threshold = threshold
        self.last: dict[int, dict[str, str]] = {}
        self.missed: dict[int, set[str]] = {}
        self.cards: dict[int, list[tuple[str, str, str]]] = {}
        self.attempted: dict[int, set[str]] = {}
        self.answered_on: dict[tuple[int, str], set[str]] = {}
        self.delivered_on: dict[tuple[int, str], set[str]] = {}

    @classmethod
    async def load(
        cls,
        tx: Tx,
        *,
        groups: Sequence[int],
        people: Sequence[tuple[int, int, str]],
        threshold: float,
    ) -> BatchReads:
        """`groups`: chat ids choosing as a group; `people`: (user id, chat id, local
        day) of chats choosing for their owner."""
        reads = cls(tx, threshold)
        if groups:
            group_ids = _ids(groups)
            for row in await reads._all(
                "SELECT chat_id, question_id, max(local_day) FROM deliveries"
                " WHERE chat_id IN (SELECT value FROM json_each(?)) AND status != 'failed'"
                " GROUP BY chat_id, question_id",
                (group_ids,),
            ):
                reads.last.setdefault(int(row[0]), {})[row[1]] = row[2]
            for row in await reads._all(
                "SELECT m.chat_id, a.question_id FROM (SELECT DISTINCT chat_id, user_id"
                " FROM attempts WHERE chat_id IN (SELECT value FROM json_each(?))) m"
                " JOIN attempts a ON a.user_id = m.user_id"
                " GROUP BY m.chat_id, a.question_id HAVING avg(a.score) < ?",
                (group_ids, threshold),
            ):
                reads.missed.setdefault(int(row[0]), set()).add(row[1])
        if people:
            users = sorted({user_id for user_id, _, _ in people})
            user_ids = _ids(users)
            for row in await reads._all(
                "SELECT user_id, question_id, card, due FROM cards"
                " WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY user_id, due",
                (user_ids,),
            ):
                reads.cards.setdefault(int(row[0]), []).append((row[1], row[2], row[3]))
            for row in await reads._all(
                "SELECT DISTINCT user_id, question_id FROM attempts"
                " WHERE user_id IN (SELECT value FROM json_each(?))",
                (user_ids,),
            ):
                reads.attempted.setdefault(int(row[0]), set()).add(row[1])
            for day in sorted({day for _, _, day in people}):
                day_users = sorted({u for u, _, d in people if d == day})
                day_chats = sorted({c for _, c, d in people if d == day})
                for row in await reads._all(
                    "SELECT 'user', user_id, question_id FROM attempts WHERE local_day = ?"
                    " AND user_id IN (SELECT value FROM json_each(?))"
                    " UNION ALL SELECT 'chat', chat_id, question_id FROM deliveries"
                    " WHERE local_day = ? AND chat_id IN (SELECT value FROM json_each(?))",
                    (day, _ids(day_users), day, _ids(day_chats)),
                ):
                    into = reads.answered_on if row[0] == "user" else reads.delivered_on
                    into.setdefault((int(row[1]), day), set()).add(row[2])
        return reads

    async def last_delivered(self, chat_id: int) -> dict[str, str]:
        return dict(self.last.get(chat_id, {}))

    async def members_missed(self, chat_id: int, threshold: float) -> set[str]:
        assert threshold == self.threshold, "loaded for another threshold"
        return set(self.missed.get(chat_id, ()))

    async def due_cards(self, user_id: int, now: datetime) -> list[tuple[str, str]]:
        by = _ts(now)
        return [(q, due) for q, _, due in self.cards.get(user_id, ()) if due <= by]

    async def cards_of(self, user_id: int) -> list[tuple[str, str, str]]:
        return list(self.cards.get(user_id, ()))

    async def questions_attempted(self, user_id: int) -> set[str]:
        return set(self.attempted.get(user_id, ()))

    async def questions_asked_on(self, user_id: int, chat_id: int, local_day: str) -> set[str]:
        return self.answered_on.get((user_id, local_day), set()) | self.delivered_on.get(
            (chat_id, local_day), set()
        )


GROUP_COMMIT_MAX = 64
"""Units of work committed together at most (bounds how long the write lock is held)."""


class _Batch:
    """One group commit: the units of work in it wait for `done`."""

    __slots__ = ("done", "units")

    def __init__(self) -> None:
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.units = 0


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`; None when there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


class Store:
    """The database: open it, then do all work inside `read()` or `write()`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path
        self._batch: _Batch | None = None
        """The open write transaction that units of work join (group commit)."""
        self._queued = 0
        """Callers waiting for the lock (a writer commits at once when nobody waits)."""
        self._settling: asyncio.Task[None] | None = None
        """A commit or rollback still running after its caller was cancelled."""
        self._write_error: str | None = None
        """Why the last write failed in the database (a full disk...); None once one works."""
        self._file = _file_identity(path)
        """The database file this connection writes, to notice it deleted or replaced."""

    @classmethod
    async def open(cls, path: Path | str, *, target: int | None = None) -> Self:
        """Open (creating if needed) and migrate the database at `path`.

        `target` stops at that schema version instead of the latest (for upgrade tests).
        """
        path = Path(path)
        # Not bound to aiosqlite's thread: `Tx` runs small statements on the loop's thread
        # too (always one at a time, under the store's lock).
        try:
            # A failed aiosqlite connect leaves its thread to finish after the loop, so the
            # file is tried with plain sqlite3 first (missing folder, not a database...).
            await asyncio.to_thread(_probe, path)
            conn = await aiosqlite.connect(path, isolation_level=None, check_same_thread=False)
        except (sqlite3.Error, OSError) as error:
            raise DatabaseUnavailable.from_error(path, error) from None
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = FULL")
            store = cls(conn, path)
            await store.migrate(target)
        except BaseException as error:
            # Always close: aiosqlite's thread keeps the process alive until it is closed.
            with suppress(sqlite3.Error):
                await conn.close()
            if isinstance(error, sqlite3.Error):
                raise DatabaseUnavailable.from_error(path, error) from None
            raise
        return store

    def write_problem(self) -> str | None:
        """Why writes are not reaching the database file now, or None: the file was
        deleted or replaced while open (writes go to a file nobody will read again), or
        the last write failed in SQLite."""
        return self._file_problem() or self._write_error

    def _file_problem(self) -> str | None:
        if self._file is None:
            return None
        now = _file_identity(self.path)
        if now is None:
            return f"the database file {self.path} is missing (deleted or moved)"
        if now != self._file:
            return f"the database file {self.path} was replaced by another file"
        return None

    async def close(self) -> None:
        async with self._locked():
            await self._commit_batch()
            await self._conn.close()

    async def schema_version(self) -> int:
        async with self._conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, target: int | None = None) -> int:
        """Apply the migrations newer than the database, each in its own transaction."""
        current = await self.schema_version()
        if current > LATEST_VERSION:
            raise SchemaTooNew(
                self.path,
                f"schema version {current}, newer than this bot's"
                f" {LATEST_VERSION}; run the newer version (or restore a backup)",
            )
        for version, sql in migration_scripts():
            if version <= current or (target is not None and version > target):
                continue
            async with self._lock:
                try:
                    await self._conn.executescript(
                        f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version:d};\nCOMMIT;"
                    )
                except BaseException:
                    if self._conn.in_transaction:
                        await self._conn.rollback()
                    raise
            current = version
        return current

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        self._queued += 1
        try:
            await self._lock.acquire()
        finally:
            self._queued -= 1
        try:
            if self._settling is not None:
                # A commit or rollback whose caller was cancelled: it runs to its end
                # before anything else reaches the connection.
                await asyncio.wait([self._settling])
                self._settling = None
            yield
        finally:
            self._lock.release()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """Reads see only committed data: a group commit still open is finished first."""
        async with self._locked():
            await self._commit_batch()
            yield Tx(self._conn)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """A unit of work in a write transaction (`BEGIN IMMEDIATE`), committed before the
        block ends: whatever the caller acknowledges afterwards is on disk.

        Group commit: units that are waiting for the store while one runs join its
        transaction, each in a savepoint (a failing unit rolls back only itself), and the
        transaction is committed once for all of them; every unit's block ends only after
        that commit, and raises if it failed. One writer alone commits at once, as before.
        Under load (a burst of answers, a fan-out's claims) this turns one fsync per unit
        into one per batch.
        """
        async with self._locked():
            batch = self._batch
            joined = batch is not None
            if batch is None:
                batch = self._batch = _Batch()
            tx = Tx(self._conn)
            try:
                if joined:
                    tx._db.execute("SAVEPOINT unit")  # on the spot: a savepoint never waits
                else:
                    await self._conn.execute("BEGIN IMMEDIATE")  # may wait for the file lock
                yield tx
                if joined:
                    tx._db.execute("RELEASE unit")
            except BaseException as error:
                self._note_write_error(error)
                await self._settle(self._undo_unit(batch, joined, error))
                raise
            batch.units += 1
            if self._queued == 0 or batch.units >= GROUP_COMMIT_MAX:
                await self._commit_batch()
        if not batch.done.done():
            # Writers already waiting run their units first, then this one commits for
            # all (unless one of them, or a reader, committed it meanwhile).
            async with self._locked():
                if self._batch is batch:
                    await self._commit_batch()
        await batch.done

    async def _settle(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a commit or rollback to its end even if the caller is cancelled (the lock
        holder after it waits for it: see `_locked`)."""
        self._settling = asyncio.ensure_future(work)
        await asyncio.shield(self._settling)
        self._settling = None

    async def _undo_unit(self, batch: _Batch, joined: bool, error: BaseException) -> None:
        """Roll back a failed unit: its savepoint, or the transaction it opened alone.

        Statements run in order on the connection's thread, so whatever the failed unit
        had queued has run by then."""
        if joined:
            try:
                await self._conn.execute("ROLLBACK TO unit")
                await self._conn.execute("RELEASE unit")
                return
            except sqlite3.Error as undo_error:
                error = undo_error
        # The unit was alone in its transaction, or SQLite ended the transaction itself
        # (a disk error): everything in the batch is gone, and every unit in it learns so.
        if self._batch is batch:
            self._batch = None
        with suppress(sqlite3.Error):  # nothing left to roll back
            await self._conn.rollback()
        if batch.done.done():
            return
        if batch.units:
            batch.done.set_exception(
                sqlite3.OperationalError(f"the group commit was rolled back: {error}")
            )
            batch.done.exception()  # retrieved: each unit in the batch raises it itself
        else:
            batch.done.set_result(None)

    async def _commit_batch(self) -> None:
        """Commit the open group transaction, if any (the caller holds the lock); the
        units in it learn how it went from `batch.done`."""
        batch, self._batch = self._batch, None
        if batch is not None:
            await self._settle(self._finish(batch))

    async def _finish(self, batch: _Batch) -> None:
        try:
            if problem := self._file_problem():  # committing would acknowledge a lost write
                raise sqlite3.OperationalError(problem)
            await self._conn.commit()
        except Exception as error:
            self._note_write_error(error)
            with suppress(sqlite3.Error):
                await self._conn.rollback()
            batch.done.set_exception(error)
            batch.done.exception()  # retrieved here; each unit in the batch raises it
        else:
            self._write_error = None
            batch.done.set_result(None)

    def _note_write_error(self, error: BaseException) -> None:
        """Remember a failure of the database itself (not a unit's own error)."""
        if isinstance(error, sqlite3.OperationalError) or type(error) is sqlite3.DatabaseError:
            self._write_error = f"a write failed: {error}"

    async def backup_to(self, destination: Path | str) -> None:
        """A consistent copy of the live database through SQLite's online backup API."""
        target = await aiosqlite.connect(destination)
        try:
            async with self._locked():
                await self._commit_batch()
                await self._conn.backup(target)
        finally:
            await target.close()
