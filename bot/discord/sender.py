"""`DiscordSender`: the scheduler's daily questions, reveals, reminders and weekly recaps,
sent to Discord.

discord.py errors become the scheduler's outcomes (see scheduler/sending.py):

| discord.py | outcome |
|---|---|
| `Forbidden` (403: missing View Channel / Send Messages / Embed Links, DMs closed) | `ChatUnreachable` |
| `NotFound` (404: the channel is gone) | `ChatUnreachable` |
| `RateLimited`, or `HTTPException` with status 429 | `RetryLater` |
| `DiscordServerError` (5xx), a timeout, a dropped connection | `OutcomeUnknown` |
| any other `HTTPException` (4xx) | `SendRejected` |

discord.py already waits out per-route rate limits itself; it raises `RateLimited` only
when a wait would exceed the client's `max_ratelimit_timeout`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import aiohttp
import discord

from bot.discord import render
from bot.discord.access import missing_permissions
from bot.discord.answering import question_view
from bot.discord.context import PLATFORM
from bot.discord.notices import PauseNotices
from bot.engine.results import Asked, Reveal
from bot.i18n import DEFAULT, LANGUAGES, N_, Translator, translator_for
from bot.progress.recap import Recap
from scheduler.sending import (
    ChatTarget,
    ChatUnreachable,
    OutcomeUnknown,
    ReminderStreak,
    RetryLater,
    SendError,
    SendRejected,
    SentMessage,
)

T = TypeVar("T")

DEFAULT_RETRY_AFTER = 1.0
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
_PAUSE_REASONS = {
    MISSING_ACCESS: N_("I can't see that channel (View Channel)"),
    MISSING_PERMISSIONS: N_("I am missing a permission there (Send Messages or Embed Links)"),
}
MISSING_THERE = N_("I am missing {permissions} there")
"""The pause reason when the cache shows permissions missing (they fill it in)."""
COULD_NOT_POST = N_("I could not post there")


def _translator(language: str | None) -> Translator:
    """A channel's stored language (None, or none of ours: the default)."""
    return translator_for(language if language in LANGUAGES else DEFAULT)


class DiscordSender:
    """Sends through a connected client; each method returns or raises a `SendError`."""

    def __init__(self, client: discord.Client, notices: PauseNotices) -> None:
        self.client = client
        self.notices = notices

    @property
    def platform(self) -> str:
        return PLATFORM

    async def send_question(self, target: ChatTarget, asked: Asked) -> SentMessage:
        missing = missing_permissions(self.client.get_channel(target.external_id))
        if missing:
            self._note_pause(target.external_id, MISSING_THERE, tuple(missing))
            raise _blocked(target.external_id, missing)
        channel = self._channel(target.external_id, private=not target.is_group)
        send = channel.send(
            render.question_note(asked),
            embed=render.question(asked, _translator(target.language)),
            view=question_view(asked, _translator(target.language)),
            allowed_mentions=discord.AllowedMentions.none(),
        )
        try:
            message = await outcome_of(send)
        except ChatUnreachable as exc:
            self._note_pause(target.external_id, _pause_reason(exc))
            raise
        return SentMessage(message_id=message.id)

    async def send_reveal(self, reveal: Reveal) -> None:
        missing = missing_permissions(self.client.get_channel(reveal.chat_external_id))
        if missing:
            raise _blocked(reveal.chat_external_id, missing)
        channel = self._channel(reveal.chat_external_id, private=False)
        reference: discord.MessageReference | None = None
        if reveal.message_id is not None:
            reference = channel.get_partial_message(reveal.message_id).to_reference(
                fail_if_not_exists=False
            )
        await outcome_of(
            channel.send(
                embed=render.reveal(reveal, _translator(reveal.language)),
                reference=reference,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        )

    async def send_reminder(self, target: ChatTarget, streak: ReminderStreak) -> None:
        channel = self._channel(target.external_id, private=True)
        await outcome_of(
            channel.send(
                render.reminder(streak.current, streak.freezes, _translator(target.language)),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        )

    async def send_recap(self, target: ChatTarget, recap: Recap) -> None:
        missing = missing_permissions(self.client.get_channel(target.external_id))
        if missing:
            raise _blocked(target.external_id, missing)
        channel = self._channel(target.external_id, private=False)
        await outcome_of(
            channel.send(
                embed=render.recap(recap, _translator(target.language)),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        )

    def _channel(self, channel_id: int, *, private: bool) -> discord.PartialMessageable:
        kind = discord.ChannelType.private if private else discord.ChannelType.text
        cached = self.client.get_channel(channel_id)
        guild_id = getattr(getattr(cached, "guild", None), "id", None)
        return self.client.get_partial_messageable(channel_id, guild_id=guild_id, type=kind)

    def _note_pause(self, channel_id: int, reason: str, missing: tuple[str, ...] = ()) -> None:
        guild = getattr(self.client.get_channel(channel_id), "guild", None)
        if guild is not None:
            self.notices.add(guild.id, channel_id, reason, missing)


def _blocked(channel_id: int, missing: list[str]) -> ChatUnreachable:
    """A channel the cache says the bot cannot post in: refused before any request.

    Discord drops the embeds of a bot without Embed Links instead of failing, which
    would post an empty question.
    """
    return ChatUnreachable(f"missing permissions in {channel_id}: {', '.join(missing)}")


def _pause_reason(error: ChatUnreachable) -> str:
    cause = error.__cause__
    code = cause.code if isinstance(cause, discord.HTTPException) else 0
    return _PAUSE_REASONS.get(code, COULD_NOT_POST)


async def outcome_of(request: Awaitable[T]) -> T:
    """Await a Discord request, turning its failure into the scheduler's outcome."""
    try:
        return await request
    except SendError:
        raise
    except Exception as exc:
        outcome = classify(exc)
        if outcome is None:
            raise
        raise outcome from exc


def classify(error: Exception) -> SendError | None:
    """The outcome of a failed request; None for an error that is not Discord's (a bug)."""
    if isinstance(error, discord.Forbidden | discord.NotFound):
        return ChatUnreachable(f"{error.status} {error.code}: {error.text}")
    if isinstance(error, discord.RateLimited):
        return RetryLater(error.retry_after)
    if isinstance(error, discord.DiscordServerError):
        return OutcomeUnknown(f"{error.status}: {error.text}")
    if isinstance(error, discord.HTTPException):
        if error.status == 429:
            return RetryLater(_retry_after(error))
        if error.status >= 500:
            return OutcomeUnknown(f"{error.status}: {error.text}")
        return SendRejected(f"{error.status} {error.code}: {error.text}")
    if isinstance(error, asyncio.TimeoutError | aiohttp.ClientError | OSError):
        return OutcomeUnknown(f"{type(error).__name__}: {error}")
    return None


def _retry_after(error: discord.HTTPException) -> float:
    headers = getattr(error.response, "headers", None) or {}
    try:
        return max(0.0, float(headers.get("Retry-After", DEFAULT_RETRY_AFTER)))
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
