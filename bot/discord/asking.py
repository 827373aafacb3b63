"""`/quiz` and `/reveal`: a question on request, and a group question's answer now."""

from __future__ import annotations

from typing import Any

import discord
from discord.utils import MISSING

from bot.discord import render
from bot.discord.answering import question_view
from bot.discord.context import chat_of, in_server, player_of, services_of, title_of
from bot.discord.language import translator_of
from bot.discord.replies import deferring, send
from bot.discord.sender import classify
from bot.engine.delivering import EngineLog, SentMessage, deliver
from bot.engine.results import Asked
from bot.i18n import N_
from scheduler.sending import OutcomeUnknown


async def quiz(
    interaction: discord.Interaction[Any], topic: str | None, language: str | None = None
) -> None:
    """Ask a question here: in a server channel everyone may answer it, in a DM just you.
    `language` (or a first word `en`/`zh` of `topic`) limits it to that language."""
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=False):
        asked = await services.engine.asking.ask(
            chat_of(interaction),
            player_of(interaction.user),
            services.clock(),
            is_group=in_server(interaction),
            title=title_of(interaction),
            filter_text=(topic or "").strip() or None,
            language=language,
        )

    async def post(claimed: Asked) -> SentMessage:
        message_id = await send(
            interaction,
            content=render.question_note(claimed) or MISSING,
            embed=render.question(claimed, translator_of(interaction)),
            view=question_view(claimed, translator_of(interaction)),
        )
        return SentMessage(message_id)

    # Not posted (or maybe posted): recorded 'failed' or 'unknown', never left claimed.
    await deliver(
        asked,
        post,
        EngineLog(services.engine.asking),
        services.clock,
        outcome_unknown=outcome_unknown,
    )


def outcome_unknown(error: Exception) -> bool:
    """A request that may have reached Discord (a timeout, a 5xx)."""
    return isinstance(classify(error), OutcomeUnknown)


SKIP_IN_SERVER = N_("In a server channel the answer comes at the reveal (or an admin's /reveal).")


async def skip(interaction: discord.Interaction[Any]) -> None:
    """In a DM: give up on the open question and see its model answer."""
    if in_server(interaction):
        await send(
            interaction, content=translator_of(interaction)._(SKIP_IN_SERVER), ephemeral=True
        )
        return
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=False):
        question = await services.engine.answering.skip(chat_of(interaction), services.clock())
    await send(interaction, content=render.skipped(question, translator_of(interaction)))


async def reveal(interaction: discord.Interaction[Any]) -> None:
    """Reveal the newest open question's model answer in this channel, and who answered."""
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=False):
        data = await services.engine.reveals.reveal(chat_of(interaction), services.clock())
    await send(interaction, embed=render.reveal(data, translator_of(interaction)))
