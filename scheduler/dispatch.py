"""One message through the limiter and the sender, its outcome mapped to the engine.

`Dispatcher.send` is the single place that knows what each `SendError` means: wait and
retry (RetryLater), follow the chat to its new id (ChatMoved), deactivate the chat
(ChatUnreachable), or give up with 'unknown' (OutcomeUnknown, timeout) or 'failed'
(SendRejected, anything else). Callers record the returned outcome their own way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from bot.engine.results import ChatKey
from scheduler.limits import SendLimiter
from scheduler.sending import (
    ChatMoved,
    ChatTarget,
    ChatUnreachable,
    OutcomeUnknown,
    RetryLater,
    SendRejected,
)

R = TypeVar("R")

log = logging.getLogger(__name__)

MAX_MOVES = 3


class Outcome(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"
    """The chat blocked or removed the bot; it was deactivated."""
    UNKNOWN = "unknown"
    """Timed out: it may have arrived; never sent again."""
    FAILED = "failed"
    """Refused, or rate limited too many times."""


@dataclass(frozen=True, slots=True)
class Attempt(Generic[R]):
    outcome: Outcome
    target: ChatTarget
    """Where it went: a moved chat's new id."""
    value: R | None = None
    """What the sender returned, when sent."""


class ChatKeeper(Protocol):
    """The engine calls a send outcome needs (`Engine.settings` has them)."""

    async def chat_moved(self, chat: ChatKey, new_external_id: int) -> None: ...

    async def set_chat_active(self, chat: ChatKey, active: bool) -> None: ...


class Dispatcher:
    def __init__(
        self,
        chats: ChatKeeper,
        limiter: SendLimiter,
        *,
        timeout: float,
        max_retries: int,
    ) -> None:
        self.chats = chats
        self.limiter = limiter
        self.timeout = timeout
        self.max_retries = max_retries

    async def send(
        self, target: ChatTarget, call: Callable[[ChatTarget], Awaitable[R]]
    ) -> Attempt[R]:
        """Send `call(target)` within the limits and map what happened to an outcome."""
        retries = moves = 0
        while True:
            try:
                async with (
                    self.limiter.sending(target.external_id, is_group=target.is_group),
                    asyncio.timeout(self.timeout),  # in this task: no task of its own per send
                ):
                    value = await call(target)
            except RetryLater as exc:
                self.limiter.pause(exc.retry_after)
                retries += 1
                if retries > self.max_retries:
                    log.warning("giving up on %s after %d rate limits", _name(target), retries)
                    return Attempt(Outcome.FAILED, target)
            except ChatMoved as exc:
                moves += 1
                await self.chats.chat_moved(_key(target), exc.new_external_id)
                log.info("%s moved to %s", _name(target), exc.new_external_id)
                target = replace(target, external_id=exc.new_external_id)
                if moves > MAX_MOVES:
                    return Attempt(Outcome.FAILED, target)
            except ChatUnreachable:
                await self.chats.set_chat_active(_key(target), False)
                log.info("%s is unreachable; deactivated", _name(target))
                return Attempt(Outcome.UNREACHABLE, target)
            except (OutcomeUnknown, TimeoutError):
                log.warning("send to %s timed out; outcome unknown", _name(target))
                return Attempt(Outcome.UNKNOWN, target)
            except SendRejected as exc:
                log.warning("send to %s rejected: %s", _name(target), exc)
                return Attempt(Outcome.FAILED, target)
            except Exception:
                log.exception("send to %s failed", _name(target))
                return Attempt(Outcome.FAILED, target)
            else:
                return Attempt(Outcome.SENT, target, value)


def _key(target: ChatTarget) -> ChatKey:
    return ChatKey(target.platform, target.external_id)


def _name(target: ChatTarget) -> str:
    return f"{target.platform} chat {target.external_id}"
