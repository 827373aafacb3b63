"""The health check's statements: a trivial read, and one row rewritten."""

from __future__ import annotations

from datetime import datetime

from bot.store import sqlite as sql
from bot.store.session import Session


class HealthRepository:
    __slots__ = ("_s",)

    def __init__(self, session: Session) -> None:
        self._s = session

    async def ping(self) -> None:
        """A trivial query: raises if the database cannot answer."""
        await self._s.one(self._s.dialect.ping)

    async def touch_probe(self, now: datetime) -> None:
        """The health check's write: one row rewritten."""
        await self._s.run(
            "INSERT INTO health_probe (id, written_at) VALUES (1, ?)"
            " ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at",
            (sql.ts(now),),
        )
