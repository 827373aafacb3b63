"""The one place interaction errors end: a friendly reply, and a log line for real faults.

Slash commands reach it through `QuizTree.on_error`; buttons and the answer form call
`report_error` themselves. A player never sees a traceback: a `QuizError` is worded by
`bot.presentation.errors`, a permission or context check says what is needed, and anything
else is logged with the interaction's context and answered with "Something went wrong".
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.discord import render
from bot.discord.context import NotReady
from bot.discord.language import translator_of
from bot.discord.replies import tell
from bot.errors import NoQuestionInLanguage, QuizError, UnknownFilter
from bot.i18n import N_
from bot.presentation import question_languages
from bot.presentation.errors import SOMETHING_WENT_WRONG, error_sentence

log = logging.getLogger(__name__)

NOT_READY = N_("I am still starting up. Please try again in a moment.")
NEEDS_MANAGE_SERVER = N_("Only members with the Manage Server permission can do that.")
SERVER_ONLY = N_("That command works in a server channel.")
NOT_ALLOWED = N_("You can't use that here.")
NO_SUCH_COMMAND = N_("I don't have that command (any more): type / to see mine.")


class QuizTree(app_commands.CommandTree[Any]):
    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /
    ) -> None:
        await report_error(interaction, error)


async def report_error(interaction: discord.Interaction[Any], error: Exception) -> None:
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    text = friendly(interaction, error)
    if text is None:
        log.error("Discord interaction failed (%s)", describe(interaction), exc_info=error)
        text = translator_of(interaction)._(SOMETHING_WENT_WRONG)
    await tell(interaction, text)


def friendly(interaction: discord.Interaction[Any], error: Exception) -> str | None:
    """The reply for an expected error, or None for a fault worth logging."""
    t = translator_of(interaction)
    if isinstance(error, NoQuestionInLanguage):
        text = question_languages.no_questions(error, render.DECK_TEXT, t)
        return render.clip(text, render.CONTENT_MAX)
    if isinstance(error, UnknownFilter):
        return render.unknown_filter(error, t)
    if isinstance(error, QuizError):
        return render.clip(error_sentence(error, t), render.CONTENT_MAX)
    if isinstance(error, NotReady):
        return t._(NOT_READY)
    if isinstance(error, app_commands.MissingPermissions):
        return t._(NEEDS_MANAGE_SERVER)
    if isinstance(error, app_commands.NoPrivateMessage):
        return t._(SERVER_ONLY)
    if isinstance(error, app_commands.CheckFailure):
        return t._(NOT_ALLOWED)
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return t._(NO_SUCH_COMMAND)  # a stale or foreign command: nothing of ours failed
    return None


def describe(interaction: discord.Interaction[Any]) -> str:
    """Who did what where, for a log line (ids only: no message text, no tokens). Never
    fails, whatever the payload lacked: it runs while an error is being reported."""
    data = interaction.data or {}
    action = interaction.command.qualified_name if interaction.command else None
    action = action or data.get("custom_id") or interaction.type.name
    user = getattr(interaction.user, "id", None)  # MISSING in a payload without a user
    return (
        f"interaction {interaction.id} {action!s} by user {user} "
        f"in guild {interaction.guild_id} channel {interaction.channel_id}"
    )
