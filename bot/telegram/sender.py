"""The scheduler's `Sender` for Telegram: daily questions, group reveals, reminders and
weekly group recaps (`scheduler.recaps.RecapSender`).

The scheduler paces each call with the shared limiter and decides what every outcome
means, so the first message of each call goes out `PRE_PACED` (not paced again, not
retried) and PTB's errors become the scheduler's outcomes:

    RetryAfter (429)            -> RetryLater(real seconds)
    Forbidden (403)             -> ChatUnreachable
    ChatMigrated                -> ChatMoved(new id)
    TimedOut, NetworkError, 5xx -> OutcomeUnknown
    BadRequest, anything else   -> SendRejected

A text longer than one message goes out in parts; the parts after the first are paced
and retried here, since the first one has already arrived.

Daily questions that fit one message skip PTB's `Bot`: their bodies are prepared once
per question (`prepared.PreparedQuestions`) and posted through the bot's own transport
(the same aiohttp session, timeouts and metrics), and Telegram's answer is mapped to the
same outcomes straight from its status and `parameters`:

    200                                   -> the message (its id, topic, poll id)
    parameters.migrate_to_chat_id         -> ChatMoved(new id)
    parameters.retry_after                -> RetryLater(real seconds)
    403                                   -> ChatUnreachable
    400, 401, 404, 409                    -> SendRejected
    no answer, 5xx, anything else         -> OutcomeUnknown
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.engine.results import Asked, Reveal
from bot.i18n import DEFAULT, LANGUAGES, Translator, translator_for
from bot.progress.recap import Recap
from bot.telegram import render
from bot.telegram.context import QuizBot
from bot.telegram.identity import PLATFORM
from bot.telegram.outbox import send_html, send_question
from bot.telegram.prepared import PreparedCall, PreparedQuestions
from bot.telegram.ratelimit import PRE_PACED, retry_after_seconds
from bot.telegram.transport import AiohttpRequest
from scheduler.sending import (
    ChatMoved,
    ChatTarget,
    ChatUnreachable,
    OutcomeUnknown,
    ReminderStreak,
    RetryLater,
    SendRejected,
    SentMessage,
)


class TelegramSender:
    def __init__(
        self, bot: QuizBot, *, retry_after_scale: float = 1.0, default_language: str = DEFAULT
    ) -> None:
        self.bot = bot
        self.default_language = default_language
        """The language of chats that have none stored (QUIZBOT_LANG)."""
        self.retry_after_scale = retry_after_scale
        """Real seconds per `retry_after` second (below 1 against a sped-up test server)."""
        self.prepared = PreparedQuestions(bot)

    @property
    def platform(self) -> str:
        return PLATFORM

    def _translator(self, language: str | None) -> Translator:
        return translator_for(language if language in LANGUAGES else self.default_language)

    async def send_question(self, target: ChatTarget, asked: Asked) -> SentMessage:
        request = self.bot.request
        t = self._translator(target.language)
        if isinstance(request, AiohttpRequest):
            call = self.prepared.call_for(target.external_id, target.thread_id, asked, t)
            if call is not None:
                sent = await self._post(request, call)
                poll = sent.get("poll")
                return SentMessage(
                    message_id=sent.get("message_id"),
                    poll_id=poll.get("id") if isinstance(poll, dict) else None,
                    thread_id=sent.get("message_thread_id")
                    if sent.get("is_topic_message")
                    else None,
                )
        async with self._outcomes():
            return await send_question(
                self.bot,
                target.external_id,
                asked,
                t,
                thread_id=target.thread_id,
                options=PRE_PACED,
            )

    async def send_reveal(self, reveal: Reveal) -> None:
        async with self._outcomes():
            await send_html(
                self.bot,
                reveal.chat_external_id,
                render.reveal(reveal, self._translator(reveal.language)),
                thread_id=reveal.thread_id,
                reply_to=reveal.message_id,
                options=PRE_PACED,
            )

    async def send_reminder(self, target: ChatTarget, streak: ReminderStreak) -> None:
        async with self._outcomes():
            await send_html(
                self.bot,
                target.external_id,
                render.reminder(streak.current, streak.freezes, self._translator(target.language)),
                thread_id=target.thread_id,
                options=PRE_PACED,
            )

    async def send_recap(self, target: ChatTarget, recap: Recap) -> None:
        async with self._outcomes():
            await send_html(
                self.bot,
                target.external_id,
                render.recap(recap, self._translator(target.language)),
                thread_id=target.thread_id,
                options=PRE_PACED,
            )

    async def _post(self, request: AiohttpRequest, call: PreparedCall) -> dict[str, Any]:
        """Post a prepared call; Telegram's `result`, or the outcome its answer means."""
        try:
            status, payload = await request.do_request(
                f"{self.bot.base_url}/{call.method}", "POST", request_data=call.body
            )
        except Exception as error:  # TimedOut, NetworkError: no answer came back (as PTB)
            raise OutcomeUnknown(str(error)) from error
        try:
            answer = json.loads(payload)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            answer = {}
        if 200 <= status <= 299:
            result = answer.get("result")
            if not isinstance(result, dict):  # it was sent, but which message is it?
                raise OutcomeUnknown(f"an unreadable answer ({status})")
            return result
        parameters = answer.get("parameters")
        if isinstance(parameters, dict):
            if new_id := parameters.get("migrate_to_chat_id"):
                raise ChatMoved(int(new_id))
            if retry_after := parameters.get("retry_after"):
                raise RetryLater(float(retry_after) * self.retry_after_scale)
        description = f"{answer.get('description') or 'no description'} ({status})"
        if status == 403:
            raise ChatUnreachable(description)
        if status in (400, 401, 404, 409):
            raise SendRejected(description)
        raise OutcomeUnknown(description)

    @asynccontextmanager
    async def _outcomes(self) -> AsyncIterator[None]:
        """Translate PTB's errors into the scheduler's outcomes."""
        try:
            yield
        except RetryAfter as error:
            raise RetryLater(retry_after_seconds(error) * self.retry_after_scale) from error
        except ChatMigrated as error:
            raise ChatMoved(error.new_chat_id) from error
        except Forbidden as error:
            raise ChatUnreachable(str(error)) from error
        except BadRequest as error:  # a NetworkError to PTB, but final
            raise SendRejected(str(error)) from error
        except NetworkError as error:  # timeouts, resets and 5xx answers alike
            raise OutcomeUnknown(str(error)) from error
        except TelegramError as error:  # the rest: refused for good
            raise SendRejected(str(error)) from error
