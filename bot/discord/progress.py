"""`/streak`, `/stats`, `/leaderboard` and `/topics`.

Personal progress is private in a server (ephemeral) and a normal reply in a DM; the
leaderboard is the channel's, shown to everyone.
"""

from __future__ import annotations

from typing import Any, Literal

import discord

from bot.discord import render
from bot.discord.context import chat_of, in_server, player_of, services_of
from bot.discord.replies import deferring, send

Period = Literal["week", "all"]
Switch = Literal["on", "off"]

DM_LEADERBOARD = (
    "Leaderboards belong to server channels: run /leaderboard in a channel where the quiz "
    "runs. Here, /streak and /stats show your own progress."
)


async def streak(interaction: discord.Interaction[Any]) -> None:
    services = services_of(interaction)
    private = in_server(interaction)
    async with deferring(interaction, ephemeral=private):
        info = await services.engine.streak(
            player_of(interaction.user), services.clock(), chat_of(interaction)
        )
    await send(interaction, content=render.streak(info), ephemeral=private)


async def stats(interaction: discord.Interaction[Any]) -> None:
    services = services_of(interaction)
    private = in_server(interaction)
    async with deferring(interaction, ephemeral=private):
        data = await services.engine.stats(
            player_of(interaction.user), services.clock(), chat_of(interaction)
        )
    await send(interaction, embed=render.stats(data), ephemeral=private)


async def leaderboard(interaction: discord.Interaction[Any], period: Period) -> None:
    if not in_server(interaction):
        await send(interaction, content=DM_LEADERBOARD)
        return
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=False):
        board = await services.engine.leaderboard(
            chat_of(interaction), period, services.clock(), player_of(interaction.user)
        )
    await send(interaction, embed=render.leaderboard(board))


async def topics(interaction: discord.Interaction[Any]) -> None:
    items = services_of(interaction).engine.topics()
    await send(interaction, embed=render.topics(items), ephemeral=in_server(interaction))


async def remind(interaction: discord.Interaction[Any], switch: Switch) -> None:
    """Evening streak reminders in your DMs, on or off."""
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=in_server(interaction)):
        await services.engine.set_reminders(
            player_of(interaction.user), switch == "on", services.clock()
        )
    await send(
        interaction, content=render.reminders(switch == "on"), ephemeral=in_server(interaction)
    )
