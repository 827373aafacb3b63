"""The slash commands. Each one only declares itself and defers to its feature module."""

from __future__ import annotations

import logging
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import asking, daily, privacy, progress
from bot.discord.progress import Period, Switch
from bot.i18n import N_

log = logging.getLogger(__name__)

SERVER_ONLY = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)
"""Overrides the bot's default contexts (servers and DMs) for admin commands."""


class QuizCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(
        name="quiz", description=N_("Get a question now (optionally on a topic).")
    )
    @app_commands.describe(
        topic=N_("A topic, tag or deck (see /topics); weak: your weakest topics"),
        language=N_("Only a question in this language (en or zh)"),
    )
    async def quiz(
        self,
        interaction: discord.Interaction[Any],
        topic: str | None = None,
        language: Literal["en", "zh"] | None = None,
    ) -> None:
        await asking.quiz(interaction, topic, language)

    @app_commands.command(name="skip", description=N_("Skip the open question and see its answer."))
    async def skip(self, interaction: discord.Interaction[Any]) -> None:
        await asking.skip(interaction)

    @app_commands.command(name="streak", description=N_("Your answer streak."))
    async def streak(self, interaction: discord.Interaction[Any]) -> None:
        await progress.streak(interaction)

    @app_commands.command(
        name="stats", description=N_("Your progress: answers, scores, weak topics.")
    )
    async def stats(self, interaction: discord.Interaction[Any]) -> None:
        await progress.stats(interaction)

    @app_commands.command(name="leaderboard", description=N_("This channel's top players."))
    @app_commands.describe(period=N_("This week (default) or all time"), image=N_("As a picture"))
    async def leaderboard(
        self, interaction: discord.Interaction[Any], period: Period = "week", image: bool = False
    ) -> None:
        await progress.leaderboard(interaction, period, image=image)

    @app_commands.command(name="export", description=N_("Your answer history as a CSV file."))
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        await progress.export(interaction)

    @app_commands.command(name="topics", description=N_("The topics you can ask about."))
    async def topics(self, interaction: discord.Interaction[Any]) -> None:
        await progress.topics(interaction)

    @app_commands.command(name="remind", description=N_("Evening streak reminders by DM."))
    @app_commands.describe(switch=N_("on or off"))
    async def remind(self, interaction: discord.Interaction[Any], switch: Switch) -> None:
        await progress.remind(interaction, switch)

    @app_commands.command(name="forgetme", description=N_("Delete everything I store about you."))
    async def forgetme(self, interaction: discord.Interaction[Any]) -> None:
        await privacy.forgetme(interaction)

    @app_commands.command(name="reveal", description=N_("Reveal the open question's answer now."))
    @app_commands.guild_only()
    @app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def reveal(self, interaction: discord.Interaction[Any]) -> None:
        await asking.reveal(interaction)

    daily_group = app_commands.Group(
        name="daily",
        description=N_("A daily question in a channel of this server."),
        guild_only=True,
        allowed_contexts=SERVER_ONLY,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    @daily_group.command(name="on", description=N_("Post a daily question in a channel."))
    @app_commands.describe(
        channel=N_("Where to post (default: this channel)"),
        time=N_("Local time of day, HH:MM (default: 09:00)"),
        timezone=N_("IANA timezone, Area/City (default: UTC)"),
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def daily_on(
        self,
        interaction: discord.Interaction[Any],
        channel: discord.TextChannel | None = None,
        time: str | None = None,
        timezone: str | None = None,
    ) -> None:
        await daily.daily_on(interaction, channel, time, timezone)

    @daily_on.autocomplete("timezone")
    async def _timezone(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await daily.timezone_choices(current)

    @daily_group.command(name="off", description=N_("Stop the daily question in a channel."))
    @app_commands.describe(channel=N_("Which channel (default: this channel)"))
    @app_commands.checks.has_permissions(manage_guild=True)
    async def daily_off(
        self, interaction: discord.Interaction[Any], channel: discord.TextChannel | None = None
    ) -> None:
        await daily.daily_off(interaction, channel)

    @daily_group.command(name="status", description=N_("Is the daily question on in a channel?"))
    @app_commands.describe(channel=N_("Which channel (default: this channel)"))
    @app_commands.checks.has_permissions(manage_guild=True)
    async def daily_status(
        self, interaction: discord.Interaction[Any], channel: discord.TextChannel | None = None
    ) -> None:
        await daily.daily_status(interaction, channel)

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: discord.Interaction[Any], command: app_commands.Command[Any, ..., Any]
    ) -> None:
        try:
            await daily.tell_pauses(interaction)
        except discord.HTTPException as exc:
            log.warning("Could not tell about paused daily questions: %s", exc)
