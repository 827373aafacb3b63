"""All SQL lives here: the SQLite store, its migrations and its typed rows.

One aiosqlite connection serves the whole bot. Every unit of work runs inside
`Store.read()` or `Store.write()`, which hold an asyncio lock so that statements of two
coroutines never interleave on the shared connection; writes run in `BEGIN IMMEDIATE`
and are committed before the context exits, so an answer the bot acknowledges is on disk.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Self, TypeVar

import aiosqlite

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

_SCORE_COLUMNS = (
    "s.user_id, u.display_name, s.points, s.reached_at, u.current_streak,"
    " u.last_active_day, u.freezes, u.timezone"
)


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer version of the bot than this one."""


class Tx:
    """The statements of one unit of work, on the store's connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        async with self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a write; return the number of rows changed."""
        async with self.conn.execute(sql, params) as cursor:
            return cursor.rowcount

    async def _insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self.conn.execute(sql, params) as cursor:
            return int(cursor.lastrowid or 0)

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
        await self._run(
            "INSERT INTO chats (platform, external_id, kind, title, timezone, push_time, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (platform, external_id) DO UPDATE SET title = excluded.title"
            " WHERE excluded.title != '' AND excluded.title != chats.title",
            (platform, external_id, kind, title, timezone, push_time, _ts(now)),
        )
        chat = await self.chat(platform, external_id)
        assert chat is not None
        return chat

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
            await self._run(
                "UPDATE deliveries SET kind = 'asked' WHERE chat_id = ? AND kind = 'daily'"
                " AND local_day IN (SELECT local_day FROM deliveries"
                " WHERE chat_id = ? AND kind = 'daily')",
                (other.id, chat_id),
            )
            await self._run(
                "UPDATE deliveries SET chat_id = ? WHERE chat_id = ?", (chat_id, other.id)
            )
            await self._run(
                "UPDATE attempts SET source_key = 'moved:' || id || ':' || source_key"
                " WHERE chat_id = ? AND source_key IN"
                " (SELECT source_key FROM attempts WHERE chat_id = ?)",
                (other.id, chat_id),
            )
            await self._run(
                "UPDATE attempts SET chat_id = ? WHERE chat_id = ?", (chat_id, other.id)
            )
            await self._run(
                "INSERT INTO scores (chat_id, period, user_id, points, reached_at)"
                " SELECT ?, period, user_id, points, reached_at FROM scores WHERE chat_id = ?"
                " ON CONFLICT (chat_id, period, user_id) DO UPDATE SET"
                " points = scores.points + excluded.points,"
                " reached_at = max(scores.reached_at, excluded.reached_at)",
                (chat_id, other.id),
            )
            await self._run("DELETE FROM chats WHERE id = ?", (other.id,))
        await self._run("UPDATE chats SET external_id = ? WHERE id = ?", (new_external_id, chat_id))

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
        await self._run(
            "INSERT INTO users (platform, external_id, display_name, created_at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (platform, external_id) DO UPDATE SET display_name = excluded.display_name"
            " WHERE excluded.display_name != users.display_name",
            (platform, external_id, display_name, _ts(now)),
        )
        user = await self.user(platform, external_id)
        assert user is not None
        return user

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
        await self.conn.executemany(
            "INSERT OR IGNORE INTO streak_freezes (user_id, day) VALUES (?, ?)",
            [(user_id, day) for day in frozen_days],
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
        async with self.conn.execute(
            "INSERT INTO deliveries (chat_id, question_id, kind, local_day, asked_by, status,"
            " claimed_at, reveal_at) VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?)"
            " ON CONFLICT DO NOTHING",
            (
                chat_id,
                question_id,
                kind,
                local_day,
                asked_by,
                _ts(now),
                _ts(reveal_at) if reveal_at else None,
            ),
        ) as cursor:
            if cursor.rowcount == 0:
                return None
            delivery_id = int(cursor.lastrowid or 0)
        return await self.delivery(delivery_id)

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
        attempt_id = await self._insert(
            "INSERT INTO attempts (user_id, chat_id, question_id, delivery_id, source_key, answer,"
            " score, covered, points, local_day, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        row = await self.attempt(attempt_id)
        assert row is not None
        return row

    async def add_points(
        self, chat_id: int, user_id: int, periods: Iterable[str], points: int, now: datetime
    ) -> None:
        """Add to a member's running totals; `reached_at` breaks ties (earlier wins)."""
        await self.conn.executemany(
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
            f"SELECT {_SCORE_COLUMNS} FROM scores s JOIN users u ON u.id = s.user_id"
            " WHERE s.chat_id = ? AND s.period = ?"
            " ORDER BY s.points DESC, s.reached_at, s.user_id LIMIT ?",
            (chat_id, period, limit),
        )
        return [_make(ScoreRow, row) for row in rows]

    async def score_of(
        self, chat_id: int, period: str, user_id: int
    ) -> tuple[int, ScoreRow] | None:
        """A member's rank (1-based) and score row in a period, or None if they have none."""
        row = await self._one(
            f"SELECT {_SCORE_COLUMNS} FROM scores s JOIN users u ON u.id = s.user_id"
            " WHERE s.chat_id = ? AND s.period = ? AND s.user_id = ?",
            (chat_id, period, user_id),
        )
        if row is None:
            return None
        mine = _make(ScoreRow, row)
        ahead = await self._one(
            "SELECT count(*) FROM scores WHERE chat_id = ? AND period = ? AND (points > ?"
            " OR (points = ? AND (reached_at < ? OR (reached_at = ? AND user_id < ?))))",
            (
                chat_id,
                period,
                mine.points,
                mine.points,
                mine.reached_at,
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


class Store:
    """The database: open it, then do all work inside `read()` or `write()`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path | str, *, target: int | None = None) -> Self:
        """Open (creating if needed) and migrate the database at `path`.

        `target` stops at that schema version instead of the latest (for upgrade tests).
        """
        path = Path(path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA synchronous = FULL")
        store = cls(conn, path)
        try:
            await store.migrate(target)
        except BaseException:
            await conn.close()
            raise
        return store

    async def close(self) -> None:
        async with self._lock:
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
                f"{self.path} has schema version {current}, newer than this bot's"
                f" {LATEST_VERSION}; run the newer version (or restore a backup)"
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
    async def read(self) -> AsyncIterator[Tx]:
        async with self._lock:
            yield Tx(self._conn)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """A write transaction (`BEGIN IMMEDIATE`), committed when the block ends."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._conn)
            except BaseException:
                await self._conn.rollback()
                raise
            await self._conn.commit()

    async def backup_to(self, destination: Path | str) -> None:
        """A consistent copy of the live database through SQLite's online backup API."""
        target = await aiosqlite.connect(destination)
        try:
            async with self._lock:
                await self._conn.backup(target)
        finally:
            await target.close()
