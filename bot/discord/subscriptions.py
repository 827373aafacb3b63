"""The daily question by DM: `/subscribe`, `/unsubscribe`, `/time` and `/timezone` in a DM.

The same commands as a Telegram private chat. A subscribed DM gets one question a day at
its local push time from the shared scheduler, through `DiscordSender` like a server
channel; the daily claim keeps it to one a day across restarts. A DM Discord refuses
(the person closed their DMs or blocked the bot: 403) is deactivated by the scheduler,
as a blocked Telegram chat is; `/subscribe` there again turns it back on.

Server channels keep `/daily on|off`: these commands are offered in DMs only (one that
still arrives from a server only points to the DM).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import parse_timezone
from bot.discord.context import chat_of, in_server, player_of, services_of, title_of
from bot.discord.language import translator_of
from bot.discord.replies import deferring, send
from bot.engine.results import ChatSettings
from bot.engine.timezones import find_zones, local_now
from bot.errors import InvalidSetting
from bot.i18n import N_, Translator
from bot.presentation.markup import clip

IN_A_SERVER = N_(
    "The daily question by DM: send me `/subscribe` in a direct message. "
    "For a channel of this server, an admin uses `/daily on`."
)
AUTOCOMPLETE_MAX = 25


class SubscriptionCog(commands.Cog):
    """Slash commands for one's own daily question in a DM."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="subscribe", description=N_("Get the daily question by DM."))
    @app_commands.allowed_contexts(guilds=False, dms=True, private_channels=False)
    async def subscribe(self, interaction: discord.Interaction[Any]) -> None:
        await subscribe(interaction)

    @app_commands.command(name="unsubscribe", description=N_("Stop the daily question by DM."))
    @app_commands.allowed_contexts(guilds=False, dms=True, private_channels=False)
    async def unsubscribe(self, interaction: discord.Interaction[Any]) -> None:
        await unsubscribe(interaction)

    @app_commands.command(name="time", description=N_("When your daily DM question comes."))
    @app_commands.allowed_contexts(guilds=False, dms=True, private_channels=False)
    @app_commands.describe(time=N_("Local time of day, HH:MM"))
    async def time(self, interaction: discord.Interaction[Any], time: str) -> None:
        await set_time(interaction, time)

    @app_commands.command(name="timezone", description=N_("Your timezone: a city or Area/City."))
    @app_commands.allowed_contexts(guilds=False, dms=True, private_channels=False)
    @app_commands.describe(timezone=N_("A city (Shanghai, Berlin, 北京) or an IANA name"))
    async def timezone(self, interaction: discord.Interaction[Any], timezone: str) -> None:
        await set_timezone(interaction, timezone)

    @timezone.autocomplete("timezone")
    async def _timezone(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)


async def subscribe(interaction: discord.Interaction[Any]) -> None:
    if in_server(interaction):
        await send(interaction, content=translator_of(interaction)._(IN_A_SERVER), ephemeral=True)
        return
    services = services_of(interaction)
    chat, now = chat_of(interaction), services.clock()
    async with deferring(interaction, ephemeral=False):
        await services.engine.settings.set_subscribed(
            chat,
            True,
            now,
            is_group=False,
            title=title_of(interaction),
            owner=player_of(interaction.user),
        )
        await services.engine.settings.set_chat_active(chat, True)  # back on after a refused DM
        settings = await services.engine.settings.of(chat)
    assert settings is not None
    await send(interaction, content=schedule_text(settings, now, translator_of(interaction)))


async def unsubscribe(interaction: discord.Interaction[Any]) -> None:
    if in_server(interaction):
        await send(interaction, content=translator_of(interaction)._(IN_A_SERVER), ephemeral=True)
        return
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=False):
        await services.engine.settings.set_subscribed(
            chat_of(interaction), False, services.clock(), is_group=False
        )
    await send(
        interaction,
        content=translator_of(interaction)._(
            "🔕 You will no longer get the daily question. `/subscribe` to start again."
        ),
    )


async def set_time(interaction: discord.Interaction[Any], text: str) -> None:
    if in_server(interaction):
        await send(interaction, content=translator_of(interaction)._(IN_A_SERVER), ephemeral=True)
        return
    services = services_of(interaction)
    now = services.clock()
    async with deferring(interaction, ephemeral=False):
        settings = await services.engine.settings.set_push_time(
            chat_of(interaction), text, now, is_group=False
        )
    await send(interaction, content=schedule_text(settings, now, translator_of(interaction)))


async def set_timezone(interaction: discord.Interaction[Any], text: str) -> None:
    """An IANA name as it is; else the best zone for a city ("Shanghai")."""
    if in_server(interaction):
        await send(interaction, content=translator_of(interaction)._(IN_A_SERVER), ephemeral=True)
        return
    zone = zone_for(text)
    services = services_of(interaction)
    now = services.clock()
    async with deferring(interaction, ephemeral=False):
        settings = await services.engine.settings.set_timezone(
            chat_of(interaction), zone, now, is_group=False, player=player_of(interaction.user)
        )
    await send(interaction, content=schedule_text(settings, now, translator_of(interaction)))


def zone_for(text: str) -> str:
    try:
        return parse_timezone(text).key
    except ValueError:
        matches = find_zones(text, limit=1)
    if not matches:
        raise InvalidSetting("city", "no such timezone or city", value=text)
    return matches[0].zone


def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    """Zones for what is typed so far: cities first ("San Francisco — America/Los_Angeles")."""
    choices = [
        app_commands.Choice(name=clip(f"{m.place} — {m.zone}", 100), value=m.zone)
        for m in find_zones(current, limit=AUTOCOMPLETE_MAX)
    ]
    return choices[:AUTOCOMPLETE_MAX]


def schedule_text(settings: ChatSettings, now: datetime, t: Translator) -> str:
    values = {
        "time": settings.push_time,
        "zone": settings.timezone,
        "now": f"{local_now(settings.timezone, now):%H:%M}",
    }
    if not settings.subscribed:
        return t._(
            "No daily question yet (`/subscribe` to get one). It would come at **{time}** "
            "{zone} (it is {now} there now).",
            **values,
        )
    if not settings.active:
        return t._(
            "🗓 Your daily question is paused; `/subscribe` resumes it at **{time}** {zone} "
            "(it is {now} there now).",
            **values,
        )
    return t._(
        "🗓 You get the daily question here every day at **{time}** {zone} (it is {now} there now).",
        **values,
    )
