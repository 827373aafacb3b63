"""What every Discord handler needs: the engine, the clock, and keys built from Discord ids.

Guild channels are group chats keyed by the channel id; a DM is a private chat keyed by
the DM channel id, owned by the user. Users, chats, streaks and leaderboards are kept
apart from other platforms by the platform string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord

from bot.discord.notices import PauseNotices
from bot.engine.clock import Clock, utc_now
from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey

PLATFORM = "discord"


@dataclass(frozen=True, slots=True)
class Services:
    """The shared objects a handler reaches through `interaction.client.services`."""

    engine: Engine
    clock: Clock = utc_now
    notices: PauseNotices = field(default_factory=PauseNotices)


class NotReady(RuntimeError):
    """An interaction arrived before the engine was opened (or after it was closed)."""


def services_of(interaction: discord.Interaction[Any]) -> Services:
    found = getattr(interaction.client, "services", None)
    if not isinstance(found, Services):
        raise NotReady("the quiz engine is not open")
    return found


def in_server(interaction: discord.Interaction[Any]) -> bool:
    """True in a guild channel (a group chat), False in a DM."""
    return interaction.guild_id is not None


def chat_of(interaction: discord.Interaction[Any]) -> ChatKey:
    channel_id = interaction.channel_id
    if channel_id is None:
        raise NotReady("the interaction has no channel")
    return ChatKey(PLATFORM, channel_id)


def channel_key(channel_id: int) -> ChatKey:
    return ChatKey(PLATFORM, channel_id)


def player_of(user: discord.abc.User) -> PlayerKey:
    return PlayerKey(PLATFORM, user.id, user.display_name)


def title_of(interaction: discord.Interaction[Any]) -> str:
    """A readable name for the chat: 'Server #channel', or the user's name in a DM."""
    channel = interaction.channel
    if interaction.guild is not None:
        name = getattr(channel, "name", None)
        return f"{interaction.guild.name} #{name}" if name else interaction.guild.name
    return interaction.user.display_name
