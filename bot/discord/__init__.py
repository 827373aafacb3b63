"""The Discord front end: slash commands, buttons and modals over the shared engine.

`run_discord(settings, shards)` is the entry point of `quizbot run --platform discord`
(`bot.discord.shards`: which shards this process runs).
"""

from __future__ import annotations

from bot.discord.app import QuizBot, discord_bot, run_discord
from bot.discord.shards import Shards, parse_shards

__all__ = ["QuizBot", "Shards", "discord_bot", "parse_shards", "run_discord"]
