"""Webhook mode: Telegram posts each update to our HTTPS URL instead of the bot polling.

    quizbot run --webhook-url https://bot.example.com/telegram --listen 0.0.0.0:8443

PTB's webhook server (tornado) listens on `--listen` at the URL's path and registers the
URL with setWebhook, together with a secret token: `QUIZBOT_WEBHOOK_SECRET`, or a random
one made at each start. Telegram sends the secret back in the
`X-Telegram-Bot-Api-Secret-Token` header of every update; a request without it, or with
another, gets 403 and changes nothing. TLS is left to a reverse proxy in front (Caddy,
nginx, a cloud load balancer), which forwards to the listen address.

The polling path (`app.run`, `app.running`) is untouched; this module only replaces how
updates arrive. The same handlers, scheduler, health endpoint and drop of repeated
updates apply.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram import Update

from bot.config import ConfigError, Settings
from bot.decks import ContentError
from bot.ops.settings import Listen, OpsSettings, check_webhook_url, parse_listen
from bot.startup import EXIT_FAILED, EXIT_OK, EXIT_USAGE, check_telegram_api
from bot.telegram.app import (
    QuizApplication,
    build_application,
    serving,
)
from bot.telegram.logging import configure_logging

SECRET_BYTES = 32
"""A generated secret: 43 characters of A-Z a-z 0-9 _ - (what Telegram allows)."""


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


def running_webhook(
    application: QuizApplication, webhook: Webhook
) -> AbstractAsyncContextManager[QuizApplication]:
    """The bot on a webhook inside the current event loop (tests and embedding)."""
    application.bot_data.ops.mode = "webhook"
    return serving(application, lambda updater: updater.start_webhook(**_webhook_args(webhook)))


def run_webhook(settings: Settings, webhook: Webhook) -> int:
    """`quizbot run --webhook-url URL`: serve the webhook until SIGINT/SIGTERM."""
    configure_logging(settings.log_level, [settings.telegram_token or "", webhook.secret])
    try:
        application = build_application(settings)
    except ConfigError as error:
        print(f"quizbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as error:
        for issue in error.issues:
            print(issue, file=sys.stderr)
        return EXIT_FAILED
    asyncio.run(check_telegram_api(settings.telegram_token or "", settings.telegram_api_url))
    application.bot_data.ops.mode = "webhook"
    application.run_webhook(**_webhook_args(webhook))
    return EXIT_OK


def _webhook_args(webhook: Webhook) -> dict[str, Any]:
    """The arguments of PTB's `start_webhook` and `run_webhook` for this webhook."""
    return {
        "listen": webhook.listen.host,
        "port": webhook.listen.port,
        "url_path": webhook.path,
        "webhook_url": webhook.url,
        "secret_token": webhook.secret,
        "allowed_updates": Update.ALL_TYPES,
        "drop_pending_updates": False,
    }
