"""What the bot needs in a channel to post questions there, checked against the cache."""

from __future__ import annotations

from typing import Any

import discord

from bot.i18n import N_

REQUIRED_PERMISSIONS = {
    "view_channel": N_("View Channel"),
    "send_messages": N_("Send Messages"),
    "embed_links": N_("Embed Links"),
    "read_message_history": N_("Read Message History"),
}
"""Questions are embeds (Embed Links); reveals reply to them (Read Message History).
Labels are message ids: Discord shows the permissions' names in the reader's language."""


def missing_permissions(channel: Any) -> list[str]:
    """The permissions the bot lacks in a cached guild channel (their labels, message
    ids); none if unknown."""
    guild = getattr(channel, "guild", None)
    me = getattr(guild, "me", None)
    if not isinstance(channel, discord.abc.GuildChannel) or me is None:
        return []
    granted = channel.permissions_for(me)
    return [label for flag, label in REQUIRED_PERMISSIONS.items() if not getattr(granted, flag)]
