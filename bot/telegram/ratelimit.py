"""Every Bot API call the bot makes passes through `SharedRateLimiter` (PTB's hook).

Sends (sendMessage, sendPoll, ...) first take a slot from the shared `SendLimiter`, the
same one the scheduler paces its daily pushes with, so replies and pushes together stay
under Telegram's limits. Other calls (edits, callback answers, reactions, lookups) go
straight through.

When Telegram still answers 429, the whole limiter pauses for `retry_after` and the call
is retried, a bounded number of times. A 5xx answer means the server refused the call
before acting on it, so it is retried too, after a short backoff. A timeout or a broken
connection is retried only for calls that are safe to repeat (not sends: a send that
timed out may have been delivered).

The scheduler's sender passes `PRE_PACED` as `rate_limit_args`: the scheduler already
took the slot and decides itself what to do about a 429, so those calls are neither
paced again nor retried.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.telegram.keepalive import ConnectionBroken
from bot.telegram.ordering import step_aside
from scheduler.limits import SendLimiter

logger = logging.getLogger(__name__)

SEND_METHODS = frozenset(
    {
        "sendmessage",
        "sendpoll",
        "sendphoto",
        "senddocument",
        "sendaudio",
        "sendvideo",
        "sendanimation",
        "sendvoice",
        "sendsticker",
        "sendmediagroup",
        "copymessage",
        "copymessages",
        "forwardmessage",
        "forwardmessages",
    }
)

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class CallOptions:
    """Per-call `rate_limit_args`."""

    paced: bool = False
    """The caller already took a send slot from the shared limiter."""
    retry: bool = True
    """Retry on 429 and 5xx; False hands every failure straight back to the caller."""


PRE_PACED = CallOptions(paced=True, retry=False)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 4
    """Attempts after the first, for 429 and 5xx answers together."""
    retry_after_scale: float = 1.0
    """Real seconds per `retry_after` second (a test server running faster sets < 1)."""
    server_error_backoff: float = 0.5
    """Seconds before retrying a 5xx answer; doubles with each retry."""


def retry_after_seconds(error: RetryAfter) -> float:
    """`error.retry_after` in seconds, whichever type this PTB version returns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def is_transport_failure(error: NetworkError) -> bool:
    """True when no answer came back (timeout, reset): the call may have taken effect."""
    return isinstance(error, TimedOut) or isinstance(
        error.__cause__, aiohttp.ClientError | httpx.HTTPError | ConnectionBroken | OSError
    )


def is_group_chat_id(chat_id: object) -> bool:
    """Groups and channels have negative ids (or an @username); people positive ones."""
    if isinstance(chat_id, str):
        return not chat_id.isdigit()
    return isinstance(chat_id, int) and chat_id < 0


class SharedRateLimiter(BaseRateLimiter[CallOptions]):
    def __init__(self, limiter: SendLimiter, policy: RetryPolicy | None = None) -> None:
        self.limiter = limiter
        self.policy = policy or RetryPolicy()

    async def initialize(self) -> None:
        """Nothing to set up: the limiter lives as long as the application."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: CallOptions | None,
    ) -> ApiResult:
        options = rate_limit_args or CallOptions()
        is_send = endpoint.lower() in SEND_METHODS
        chat_id = data.get("chat_id")
        retries = self.policy.max_retries if options.retry else 0
        for attempt in range(retries + 1):
            try:
                if is_send and not options.paced and chat_id is not None:
                    step_aside()  # waiting for a slot holds up no other update
                    async with self.limiter.sending(chat_id, is_group=is_group_chat_id(chat_id)):
                        return await callback(*args, **kwargs)
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt >= retries:
                    raise
                await self._wait_out(error, endpoint, is_send)
            except BadRequest:  # PTB files it under NetworkError; it is final
                raise
            except NetworkError as error:
                if attempt >= retries or (is_send and is_transport_failure(error)):
                    raise
                await self._back_off(error, endpoint, attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _wait_out(self, error: RetryAfter, endpoint: str, is_send: bool) -> None:
        seconds = retry_after_seconds(error) * self.policy.retry_after_scale
        logger.info("%s: rate limited by Telegram, retrying in %.2f s", endpoint, seconds)
        self.limiter.pause(seconds)
        if not is_send:  # sends wait in acquire(); other calls wait here
            await asyncio.sleep(seconds)

    async def _back_off(self, error: NetworkError, endpoint: str, attempt: int) -> None:
        seconds = self.policy.server_error_backoff * 2**attempt
        logger.warning("%s failed (%s), retrying in %.2f s", endpoint, error, seconds)
        await asyncio.sleep(seconds)
