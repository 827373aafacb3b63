"""`/daily on|off|status`: a channel's daily question, for members with Manage Server.

A subscribed channel gets one question a day at its local push time from the shared
scheduler (through `DiscordSender`). If a push fails because the bot lost access, the
scheduler pauses the channel (subscribed but inactive); `/daily on` there resumes it.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import available_timezones

import discord
from discord import app_commands

from bot.config import parse_hhmm, parse_timezone
from bot.discord import render
from bot.discord.access import missing_permissions
from bot.discord.context import Services, channel_key, services_of
from bot.discord.language import translator_of
from bot.discord.replies import deferring, send
from bot.engine.results import ChatKey, ChatSettings
from bot.errors import InvalidSetting
from bot.i18n import N_

PICK_A_CHANNEL = N_("Pick a text channel for the daily question, e.g. `/daily on channel:#quiz`.")
AUTOCOMPLETE_MAX = 25


async def daily_on(
    interaction: discord.Interaction[Any],
    channel: discord.TextChannel | None,
    time: str | None,
    timezone: str | None,
) -> None:
    target = _target(interaction, channel)
    t = translator_of(interaction)
    missing = missing_permissions(target)
    if missing:
        await send(
            interaction,
            content=render.missing_permissions(target.mention, missing, t),
            ephemeral=True,
        )
        return
    push_time, zone = _validated(time, timezone)
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=True):
        settings = await _subscribe(
            services, channel_key(target.id), _title(target), push_time, zone
        )
    services.notices.clear(target.guild.id, target.id)
    await send(interaction, content=render.daily_on(target.mention, settings, t), ephemeral=True)


async def daily_off(
    interaction: discord.Interaction[Any], channel: discord.TextChannel | None
) -> None:
    target = _target(interaction, channel)
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=True):
        await services.engine.settings.set_subscribed(
            channel_key(target.id), False, services.clock(), is_group=True, title=_title(target)
        )
    services.notices.clear(target.guild.id, target.id)
    await send(
        interaction,
        content=render.daily_off(target.mention, translator_of(interaction)),
        ephemeral=True,
    )


async def daily_status(
    interaction: discord.Interaction[Any], channel: discord.TextChannel | None
) -> None:
    target = _target(interaction, channel)
    settings = await services_of(interaction).engine.settings.of(channel_key(target.id))
    text = render.daily_status(target.mention, settings, translator_of(interaction))
    await send(interaction, content=text, ephemeral=True)


async def tell_pauses(interaction: discord.Interaction[Any]) -> None:
    """After a command in a server: tell an admin about paused daily pushes, once."""
    if interaction.guild is None or not interaction.permissions.manage_guild:
        return
    pauses = services_of(interaction).notices.take(interaction.guild.id)
    if not pauses:
        return
    t = translator_of(interaction)
    lines = [render.paused(f"<#{pause.channel_id}>", pause, t) for pause in pauses]
    text = render.clip("\n".join(lines), render.CONTENT_MAX)
    await interaction.followup.send(text, ephemeral=True)


async def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    wanted = current.strip().casefold().replace(" ", "_")
    found = [zone for zone in _zones() if wanted in zone.casefold()]
    return [app_commands.Choice(name=zone, value=zone) for zone in found[:AUTOCOMPLETE_MAX]]


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zone for zone in available_timezones() if "/" in zone))


def _target(
    interaction: discord.Interaction[Any], channel: discord.TextChannel | None
) -> discord.TextChannel:
    target = channel or interaction.channel
    if not isinstance(target, discord.TextChannel):
        raise InvalidSetting("channel", PICK_A_CHANNEL)
    return target


def _validated(time: str | None, timezone: str | None) -> tuple[str | None, str | None]:
    """Check both values before anything is saved, so a typo changes nothing."""
    try:
        push_time = parse_hhmm(time).strftime("%H:%M") if time else None
    except ValueError as exc:
        raise InvalidSetting("push_time", f"{exc}.", value=time) from None
    try:
        zone = parse_timezone(timezone).key if timezone else None
    except ValueError as exc:
        raise InvalidSetting("timezone", f"{exc}.", value=timezone) from None
    return push_time, zone


async def _subscribe(
    services: Services, chat: ChatKey, title: str, push_time: str | None, zone: str | None
) -> ChatSettings:
    engine, now = services.engine, services.clock()
    await engine.settings.set_subscribed(chat, True, now, is_group=True, title=title)
    if push_time is not None:
        await engine.settings.set_push_time(chat, push_time, now, is_group=True)
    if zone is not None:
        await engine.settings.set_timezone(chat, zone, now, is_group=True)
    await engine.settings.set_chat_active(chat, True)
    settings = await engine.settings.of(chat)
    assert settings is not None
    return settings


def _title(channel: discord.TextChannel) -> str:
    return f"{channel.guild.name} #{channel.name}"
