"""Webhook mode: Telegram posts each update to our HTTPS URL instead of the bot polling.

    quizbot run --webhook-url https://bot.example.com/telegram --listen 0.0.0.0:8443

A small aiohttp server listens on `--listen` at the URL's path and registers the URL with
setWebhook, together with a secret token: `QUIZBOT_WEBHOOK_SECRET`, or a random one made
at each start. Telegram sends the secret back in the `X-Telegram-Bot-Api-Secret-Token`
header of every update; a request without it, or with another, gets 403 before any of its
body is read and changes nothing. Bodies over `MAX_BODY` get 413, unbuffered. An update
is answered 200 once it is stored in the inbox. TLS is left to a reverse proxy in front
(Caddy, nginx, a cloud load balancer), which forwards to the listen address.

Only how updates arrive differs from polling: the same inbox, handlers, scheduler,
health endpoint and drop of repeated updates apply.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import StreamReader, web
from telegram import Update

from bot.config import ConfigError, Settings
from bot.ops.settings import Listen, OpsSettings, check_webhook_url, parse_listen
from bot.telegram.app import (
    QuizApplication,
    run_from,
    serving,
)
from bot.telegram.inbox import UpdateInbox

logger = logging.getLogger(__name__)

SECRET_BYTES = 32
"""A generated secret: 43 characters of A-Z a-z 0-9 _ - (what Telegram allows)."""
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20
"""Bytes an update may have: Telegram's are a few KiB (a 4096-character message with
the message it replies to stays far below)."""


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    """The public URL Telegram posts to."""
    listen: Listen
    secret: str

    @property
    def path(self) -> str:
        """The local path served: the public URL's (a proxy forwards it unchanged)."""
        return urlsplit(self.url).path.strip("/")


def webhook_from(ops: OpsSettings, url: str | None = None, listen: str | None = None) -> Webhook:
    """The webhook from the command line's flags, else the environment; ConfigError if
    there is no URL."""
    chosen = check_webhook_url(url, "--webhook-url") if url else ops.webhook_url
    if not chosen:
        raise ConfigError("webhook mode needs --webhook-url or QUIZBOT_WEBHOOK_URL")
    where = parse_listen(listen, "--listen") if listen else ops.webhook_listen
    secret = ops.webhook_secret or secrets.token_urlsafe(SECRET_BYTES)
    return Webhook(chosen, where, secret)


class WebhookSource:
    """The webhook server (aiohttp, in the bot's loop) feeding the inbox.

    Order of checks, each before any of the body is read: the path and method, then the
    secret (403), then a declared length over `MAX_BODY` (413). The body is then read up
    to `MAX_BODY` (413 past it, for bodies sent without a length), parsed, stored in the
    inbox, and only then answered 200. A refused request's connection is closed rather
    than drained, so nothing unread piles up. An update that is JSON but unreadable for
    PTB is stored like any other (200) and set aside by the inbox.
    """

    def __init__(self, webhook: Webhook) -> None:
        self.webhook = webhook
        self.inbox: UpdateInbox | None = None
        self._runner: web.AppRunner | None = None

    async def start(self, application: QuizApplication, inbox: UpdateInbox) -> None:
        self.inbox = inbox
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/" + self.webhook.path, self._receive)
        # lingering_time=0: a refused request's unread body is not drained before the close
        # (aiohttp would otherwise read and discard up to 10 s of a hostile upload).
        runner = web.AppRunner(app, access_log=None, handle_signals=False, lingering_time=0)
        await runner.setup()
        try:
            listen = self.webhook.listen
            await web.TCPSite(runner, listen.host, listen.port).start()
            await application.bot.set_webhook(
                url=self.webhook.url,
                secret_token=self.webhook.secret,
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
            )
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        logger.info("webhook listening on %s", self.webhook.listen)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()  # refuses new requests; those being stored finish

    async def _receive(self, request: web.Request) -> web.StreamResponse:
        if request.method != "POST":
            return _refuse(405)
        secret = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(secret.encode(), self.webhook.secret.encode()):
            return _refuse(403)
        length = request.content_length
        if length is not None and length > MAX_BODY:
            return _refuse(413)
        body = await _read_at_most(request.content, MAX_BODY)
        if body is None:
            return _refuse(413)
        try:
            payload = json.loads(body)
        except ValueError:
            logger.warning("webhook: a body that is not JSON was refused")
            return _refuse(400)
        assert self.inbox is not None
        try:
            await self.inbox.accept([payload])
        except Exception as error:  # not stored: Telegram must send it again
            logger.error("webhook: could not store an update: %s", error)
            return web.Response(status=500)
        return web.Response(status=200)


async def _read_at_most(stream: StreamReader, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await stream.readany()
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)


def _refuse(status: int) -> web.Response:
    response = web.Response(status=status)
    response.force_close()  # the unread rest of the body is never read
    return response


def running_webhook(
    application: QuizApplication, webhook: Webhook
) -> AbstractAsyncContextManager[QuizApplication]:
    """The bot on a webhook inside the current event loop (tests and embedding)."""
    application.bot_data.ops.mode = "webhook"
    return serving(application, WebhookSource(webhook))


def run_webhook(settings: Settings, webhook: Webhook) -> int:
    """`quizbot run --webhook-url URL`: serve the webhook until SIGINT/SIGTERM."""
    return run_from(settings, WebhookSource(webhook), mode="webhook", secrets=[webhook.secret])
