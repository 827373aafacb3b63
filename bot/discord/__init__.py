"""The Discord front end: slash commands, buttons and modals over the shared engine.

`run_discord(settings)` is the entry point of `quizbot run --platform discord`.
"""

from __future__ import annotations

from bot.discord.app import QuizBot, run_discord

__all__ = ["QuizBot", "run_discord"]
