"""The contract between the scheduler and a chat platform's adapter.

The scheduler is platform-free: it decides what is due and hands each message to a
`Sender`. An adapter (Telegram, Discord, a test double) implements `Sender` and maps its
platform's errors to the outcome exceptions below; the scheduler turns each outcome into
the right engine call (retry, deactivate, follow the move, record 'unknown' or 'failed').

Adapters must NOT retry, sleep on rate limits or call the engine themselves for these
sends: raise the outcome and let the scheduler decide. Every send is paced by the
scheduler's `SendLimiter` before the adapter is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.engine.delivering import SentMessage  # what send_question returns (deliver's)
from bot.engine.results import Asked, Reveal


@dataclass(frozen=True, slots=True)
class ChatTarget:
    """Where a message goes, as the platform knows it."""

    platform: str
    """'telegram', 'discord', ..."""
    external_id: int
    """The platform's chat id (Telegram chat_id, Discord channel id)."""
    is_group: bool
    thread_id: int | None = None
    """Forum topic (Telegram message_thread_id) the message must be posted in, if any."""
    language: str | None = None
    """The interface language of what is sent there (None: the default)."""


@dataclass(frozen=True, slots=True)
class ReminderStreak:
    """What an evening reminder tells the player."""

    current: int
    """The streak that breaks if they do not answer today."""
    freezes: int
    """Streak freezes left (a freeze may cover a missed day)."""


# -- outcomes an adapter raises ------------------------------------------------------------


class SendError(Exception):
    """Base of every outcome a `Sender` raises instead of a platform-specific error."""


class RetryLater(SendError):
    """Rate limited (Telegram 429): nothing was sent; try again after `retry_after` s."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited; retry after {retry_after} s")
        self.retry_after = retry_after


class ChatUnreachable(SendError):
    """The bot can never send here again (403: blocked, kicked, chat deleted).

    The scheduler deactivates the chat; it comes back when the adapter sees the bot let
    back in and calls `engine.settings.set_chat_active(..., True)`.
    """


class ChatMoved(SendError):
    """The chat has a new id (Telegram group upgraded to a supergroup: migrate_to_chat_id).

    Nothing was sent. The scheduler records the move and sends again to the new id.
    """

    def __init__(self, new_external_id: int) -> None:
        super().__init__(f"chat moved to {new_external_id}")
        self.new_external_id = new_external_id


class OutcomeUnknown(SendError):
    """The request may or may not have been delivered (timeout, connection reset after
    the request was written, 5xx). The scheduler records 'unknown' and never resends."""


class SendRejected(SendError):
    """The platform refused the message for good (other 4xx, e.g. 400 bad request).

    The scheduler records 'failed' and moves on."""


# -- the protocol ----------------------------------------------------------------------------


@runtime_checkable
class Sender(Protocol):
    """One platform's way of sending the scheduler's messages.

    Each method either returns normally (the message was delivered) or raises one of the
    `SendError` outcomes above. Any other exception is treated like `SendRejected` for
    questions, logged and skipped for reveals and reminders. The scheduler bounds every
    call with its own timeout and treats the timeout as `OutcomeUnknown`.
    """

    @property
    def platform(self) -> str:
        """The platform this sender serves ('telegram', 'discord'): the scheduler only
        hands it chats of that platform."""
        ...

    async def send_question(self, target: ChatTarget, asked: Asked) -> SentMessage:
        """Send a daily question (text, or a quiz poll if `asked.question` has choices)."""
        ...

    async def send_reveal(self, reveal: Reveal) -> None:
        """Post a group question's model answer and who answered, replying to the question
        (`reveal.message_id`, in `reveal.thread_id`) in chat `reveal.chat_external_id`."""
        ...

    async def send_reminder(self, target: ChatTarget, streak: ReminderStreak) -> None:
        """Nudge a player in their private chat: their streak breaks unless they answer."""
        ...
