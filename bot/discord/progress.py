"""`/streak`, `/stats`, `/leaderboard`, `/topics` and `/export`.

Personal progress is private in a server (ephemeral) and a normal reply in a DM; the
leaderboard is the channel's, shown to everyone.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any, Literal

import discord

from bot.discord import render
from bot.discord.context import chat_of, in_server, player_of, services_of
from bot.discord.language import translator_of
from bot.discord.replies import deferring, send
from bot.i18n import N_
from bot.progress.chart_data import stats_chart_data
from bot.progress.export import export_filename, history_csv
from bot.progress.leaderboard_chart import render_leaderboard
from bot.progress.stats_chart import render_stats

log = logging.getLogger(__name__)

Period = Literal["week", "all"]
Switch = Literal["on", "off"]

STATS_IMAGE = "stats.png"
LEADERBOARD_IMAGE = "leaderboard.png"

DM_LEADERBOARD = N_(
    "Leaderboards belong to server channels: run /leaderboard in a channel where the quiz "
    "runs. Here, /streak and /stats show your own progress."
)


async def streak(interaction: discord.Interaction[Any]) -> None:
    services = services_of(interaction)
    private = in_server(interaction)
    async with deferring(interaction, ephemeral=private):
        info = await services.engine.progress.streak(
            player_of(interaction.user), services.clock(), chat_of(interaction)
        )
    await send(
        interaction, content=render.streak(info, translator_of(interaction)), ephemeral=private
    )


async def stats(interaction: discord.Interaction[Any]) -> None:
    services = services_of(interaction)
    private = in_server(interaction)
    player, now, chat = player_of(interaction.user), services.clock(), chat_of(interaction)
    async with deferring(interaction, ephemeral=private):
        data = await services.engine.progress.stats(player, now, chat)
        embed = render.stats(data, translator_of(interaction))
        try:  # the chart; without it (logged), the embed stands alone
            png = await render_stats(
                stats_chart_data(await services.engine.progress.activity(player, now, chat)),
                translator_of(interaction),
            )
        except Exception:
            log.exception("Drawing the /stats image failed")
            png = None
    if png is None:
        await send(interaction, embed=embed, ephemeral=private)
        return
    embed.set_image(url=f"attachment://{STATS_IMAGE}")
    chart = discord.File(io.BytesIO(png), filename=STATS_IMAGE)
    await send(interaction, embed=embed, file=chart, ephemeral=private)


async def leaderboard(
    interaction: discord.Interaction[Any], period: Period, *, image: bool = False
) -> None:
    """The channel's ranking, as an embed or (`image`) as the leaderboard picture; the
    embed stands in if the picture cannot be drawn."""
    if not in_server(interaction):
        await send(interaction, content=translator_of(interaction)._(DM_LEADERBOARD))
        return
    services = services_of(interaction)
    png = None
    async with deferring(interaction, ephemeral=False):
        chart = await services.engine.progress.leaderboard_chart_data(
            chat_of(interaction), period, services.clock(), player_of(interaction.user)
        )
        if image:
            try:
                png = await render_leaderboard(chart, translator_of(interaction))
            except Exception:
                log.exception("Drawing the /leaderboard image failed")
    embed = render.leaderboard(chart.board, translator_of(interaction))
    if png is None:
        await send(interaction, embed=embed)
        return
    embed.set_image(url=f"attachment://{LEADERBOARD_IMAGE}")
    picture = discord.File(io.BytesIO(png), filename=LEADERBOARD_IMAGE)
    await send(interaction, embed=embed, file=picture)


async def topics(interaction: discord.Interaction[Any]) -> None:
    items = await services_of(interaction).engine.settings.chat_topics(chat_of(interaction))
    await send(
        interaction,
        embed=render.topics(items, translator_of(interaction)),
        ephemeral=in_server(interaction),
    )


async def export(interaction: discord.Interaction[Any]) -> None:
    """Your own answer history as a CSV file, only for you (ephemeral in a server)."""
    services = services_of(interaction)
    private = in_server(interaction)
    async with deferring(interaction, ephemeral=private):
        history = await services.engine.progress.history(player_of(interaction.user))
        data = await asyncio.to_thread(history_csv, history) if history else b""
    if not history:
        await send(
            interaction, content=render.export_empty(translator_of(interaction)), ephemeral=private
        )
        return
    document = discord.File(io.BytesIO(data), filename=export_filename(services.clock().date()))
    await send(
        interaction,
        content=render.export_caption(len(history), translator_of(interaction)),
        file=document,
        ephemeral=private,
    )


async def remind(interaction: discord.Interaction[Any], switch: Switch) -> None:
    """Evening streak reminders in your DMs, on or off."""
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=in_server(interaction)):
        await services.engine.settings.set_reminders(
            player_of(interaction.user), switch == "on", services.clock()
        )
    await send(
        interaction,
        content=render.reminders(switch == "on", translator_of(interaction)),
        ephemeral=in_server(interaction),
    )
