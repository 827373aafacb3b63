"""The shared send sequence of replicas (`send_pace`): one statement takes a span of it.

Several replicas of the bot on one database share Telegram's overall limit by taking
their send slots from one sequence (see `scheduler.sharedlimits`). The row of a platform
holds the sequence's next free moment, in wall-clock seconds since the epoch; `reserve`
moves it on by a span and returns the span's end, atomically (the row is locked for the
statement), so no two replicas are ever handed the same moment.
"""

from __future__ import annotations

from bot.store.session import Session


class SendPaceRepository:
    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    async def reserve(self, platform: str, start: float, span: float) -> float:
        """Take `span` seconds of `platform`'s sequence, beginning no earlier than `start`
        nor than the end of the last span taken; return the end of the span taken (it
        begins `span` before). A `span` of 0 only pushes the sequence to `start`."""
        end = start + span
        row = await self._s.one(
            "INSERT INTO send_pace (platform, next_at) VALUES (?, ?)"
            " ON CONFLICT (platform) DO UPDATE SET next_at = CASE"
            " WHEN send_pace.next_at > ? THEN send_pace.next_at + ? ELSE ? END"
            " RETURNING next_at",
            (platform, end, start, span, end),
        )
        assert row is not None  # an upsert with RETURNING always returns its row
        return float(row[0])
