"""Players: their names, settings, streaks and streak reminders, and forgetting one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.store import sqlite as sql
from bot.store.records import UserRow, make, maybe
from bot.store.session import Session


class UserRepository:
    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    async def find(self, platform: str, external_id: int) -> UserRow | None:
        row = await self._s.one(
            "SELECT * FROM users WHERE platform = ? AND external_id = ?", (platform, external_id)
        )
        return maybe(UserRow, row)

    async def find_by_id(self, user_id: int) -> UserRow | None:
        return maybe(UserRow, await self._s.one("SELECT * FROM users WHERE id = ?", (user_id,)))

    async def find_by_ids(self, user_ids: Sequence[int]) -> dict[int, UserRow]:
        if not user_ids:
            return {}
        rows = await self._s.all(
            f"SELECT * FROM users WHERE {self._s.dialect.in_list('id')}",
            (self._s.dialect.ids(user_ids),),
        )
        return {int(row["id"]): make(UserRow, row) for row in rows}

    async def upsert(
        self, platform: str, external_id: int, display_name: str, now: datetime
    ) -> UserRow:
        """The player's row, created if new; display name kept up to date."""
        user = await self.find(platform, external_id)
        if user is not None and user.display_name == display_name:
            return user  # the usual case: one read
        row = await self._s.one(
            "INSERT INTO users (platform, external_id, display_name, created_at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (platform, external_id) DO UPDATE SET display_name = excluded.display_name"
            " WHERE excluded.display_name != users.display_name RETURNING *",
            (platform, external_id, display_name, sql.ts(now)),
        )
        assert row is not None
        return make(UserRow, row)

    async def set_timezone(self, user_id: int, timezone: str | None) -> None:
        await self._s.run("UPDATE users SET timezone = ? WHERE id = ?", (timezone, user_id))

    async def set_language(self, user_id: int, language: str | None) -> None:
        await self._s.run("UPDATE users SET language = ? WHERE id = ?", (language, user_id))

    async def set_reminders(self, user_id: int, enabled: bool) -> None:
        await self._s.run("UPDATE users SET reminders = ? WHERE id = ?", (int(enabled), user_id))

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
        await self._s.run(
            "UPDATE users SET current_streak = ?, longest_streak = ?, last_active_day = ?,"
            " freezes = ? WHERE id = ?",
            (current, longest, last_active_day, freezes, user_id),
        )
        frozen = [(user_id, day) for day in frozen_days]
        if frozen:
            await self._s.many(
                "INSERT INTO streak_freezes (user_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
                frozen,
            )

    async def frozen_days(self, user_id: int) -> list[str]:
        rows = await self._s.all(
            "SELECT day FROM streak_freezes WHERE user_id = ? ORDER BY day", (user_id,)
        )
        return [row[0] for row in rows]

    async def reminder_candidates(
        self, platform: str, utc_day: str, earliest_last_day: str
    ) -> list[tuple[UserRow, int, str | None]]:
        """Players whose streak may be at risk on a local day around `utc_day` (any
        timezone), with reminders on and an active private chat on `platform`:
        (player, private chat id, the local day of their last reminder).

        At risk means the last answer was exactly `freezes + 1` days before today;
        `earliest_last_day` bounds the scan (today minus the most freezes, minus 3)."""
        rows = await self._s.all(
            "SELECT u.*, (SELECT min(c.id) FROM chats c WHERE c.owner_id = u.id"
            f" AND c.kind = 'private' AND {self._s.dialect.flag('c.active')}"
            " AND c.platform = u.platform) AS private_chat"
            f" FROM users u WHERE u.platform = ? AND {self._s.dialect.flag('u.reminders')}"
            " AND u.current_streak > 0"
            " AND u.last_active_day >= ?"
            f" AND {self._s.dialect.days_after('u.last_active_day', 'u.freezes + 1')}"
            f" BETWEEN {self._s.dialect.shift_day('?', -1)} AND {self._s.dialect.shift_day('?', 1)}"
            " ORDER BY u.id",
            (platform, earliest_last_day, utc_day, utc_day),
        )
        return [
            (make(UserRow, row), int(row["private_chat"]), row["reminded_day"])
            for row in rows
            if row["private_chat"] is not None
        ]

    async def claim_reminder(self, user_id: int, local_day: str) -> bool:
        """Record a reminder for a player's `local_day`; False if one was already sent."""
        changed = await self._s.run(
            "UPDATE users SET reminded_day = ? WHERE id = ?"
            " AND (reminded_day IS NULL OR reminded_day < ?)",
            (local_day, user_id, local_day),
        )
        return changed > 0

    async def delete_all_data(self, user_id: int) -> dict[str, int]:
        """Delete a player and everything stored about them (/forgetme): answers, ratings,
        spaced-repetition cards, leaderboard totals, streak freezes, their private chats
        (schedule and the questions sent there) and the user row itself (name, timezone,
        streak). Groups keep their questions; a question they asked there forgets who
        asked. Returns how many rows of each kind went."""
        run = self._s.far_run
        counts = {
            "ratings": await run("DELETE FROM reviews WHERE user_id = ?", (user_id,)),
            "cards": await run("DELETE FROM cards WHERE user_id = ?", (user_id,)),
            "scores": await run("DELETE FROM scores WHERE user_id = ?", (user_id,)),
        }
        await run("DELETE FROM streak_freezes WHERE user_id = ?", (user_id,))
        counts["answers"] = await run("DELETE FROM attempts WHERE user_id = ?", (user_id,))
        await run(
            "DELETE FROM deliveries WHERE chat_id IN"
            " (SELECT id FROM chats WHERE owner_id = ? AND kind = 'private')",
            (user_id,),
        )
        counts["chats"] = await run(
            "DELETE FROM chats WHERE owner_id = ? AND kind = 'private'", (user_id,)
        )
        await run("UPDATE deliveries SET asked_by = NULL WHERE asked_by = ?", (user_id,))
        await run("UPDATE chats SET owner_id = NULL WHERE owner_id = ?", (user_id,))
        # Last, with foreign keys on: rows of any later table that cascade go with it.
        await run("DELETE FROM users WHERE id = ?", (user_id,))
        return counts
