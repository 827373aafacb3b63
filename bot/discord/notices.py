"""Daily pushes paused by a send error, waiting to be told to a server's admins.

When a daily question cannot be posted (the bot lost a permission, or the channel is
gone), the sender records it here and the scheduler deactivates the channel's push. The
next command a member with Manage Server runs in that server tells them, once. The
database keeps the state too (subscribed but inactive), which `/daily status` reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Pause:
    channel_id: int
    reason: str
    """A message id (translated when told)."""
    missing: tuple[str, ...] = ()
    """The permissions found missing (message ids), when that was the reason."""


@dataclass
class PauseNotices:
    _by_guild: dict[int, dict[int, Pause]] = field(default_factory=dict)

    def add(
        self, guild_id: int, channel_id: int, reason: str, missing: tuple[str, ...] = ()
    ) -> None:
        self._by_guild.setdefault(guild_id, {})[channel_id] = Pause(channel_id, reason, missing)

    def clear(self, guild_id: int, channel_id: int) -> None:
        """The admin fixed the channel (`/daily on`) or turned its push off."""
        pauses = self._by_guild.get(guild_id, {})
        pauses.pop(channel_id, None)
        if not pauses:
            self._by_guild.pop(guild_id, None)

    def take(self, guild_id: int) -> list[Pause]:
        """The guild's pauses not told yet; each is told once."""
        return list(self._by_guild.pop(guild_id, {}).values())

    def pending(self, guild_id: int) -> list[Pause]:
        return list(self._by_guild.get(guild_id, {}).values())
