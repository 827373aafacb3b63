"""The terminal front end: `quizbot console`."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from bot import i18n
from bot.config import Settings
from bot.console import render
from bot.console.session import ConsoleSession, player_for
from bot.ops.runtime import open_engine

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""Where the terminal's locale is read from, the first one set winning (as gettext does)."""


def console_language(chosen: str | None, settings: Settings, env: Mapping[str, str]) -> str:
    """The console's interface language: `--lang`, else QUIZBOT_LANG, else the terminal's
    locale (`zh_CN.UTF-8` is Chinese), else English."""
    if chosen:
        return chosen
    if settings.language:
        return settings.language
    for name in LOCALE_VARIABLES:
        if value := env.get(name, "").strip():
            return i18n.parse(value) or i18n.DEFAULT
    return i18n.DEFAULT


async def run_console(
    settings: Settings,
    user: str | None,
    decks: list[str] | None = None,
    lang: str = i18n.DEFAULT,
) -> int:
    async with open_engine(settings) as engine:
        t = i18n.translator_for(lang)
        print(render.decks_loaded(engine.catalog, settings.content_paths, t), end="\n\n")
        session = ConsoleSession(engine, player_for(user), sys.stdin, sys.stdout, t=t)
        if decks and not await session.use_decks(decks):
            return 2
        return await session.run()
