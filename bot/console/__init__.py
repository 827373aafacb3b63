"""The terminal front end: `quizbot console`."""

from __future__ import annotations

import sys

from bot.config import Settings
from bot.console.session import ConsoleSession, player_for
from bot.ops.runtime import decks_loaded, open_engine


async def run_console(settings: Settings, user: str | None, decks: list[str] | None = None) -> int:
    async with open_engine(settings) as engine:
        print(decks_loaded(engine.catalog, settings.content_paths).capitalize(), end="\n\n")
        session = ConsoleSession(engine, player_for(user), sys.stdin, sys.stdout)
        if decks and not await session.use_decks(decks):
            return 2
        return await session.run()
