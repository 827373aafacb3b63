"""The Telegram bot as one PTB Application: `build_application` wires settings, decks,
store, engine, scheduler and handlers; `run` is what `quizbot run` calls.

Resources that need the event loop (the database, the engine on it, the scheduler) are
opened in `post_init` and closed in `post_stop`/`post_shutdown`. Updates do not go
through PTB's Updater: they are stored in the durable inbox (`bot.telegram.inbox`) before
Telegram is told they arrived, by long polling (`bot.telegram.polling`) or the webhook.
On SIGINT/SIGTERM the bot stops taking updates, gives those in hand `QUIZBOT_STOP_GRACE`
seconds, confirms what was stored, and only then closes the database; the unfinished
ones are handled first at the next start.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from typing import Any, Protocol

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)

from bot import i18n
from bot.config import ConfigError, Settings
from bot.decks import Catalog, ContentError
from bot.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from bot.ops.logs import configure_logging, protect_secrets
from bot.ops.runtime import Ops, decks_loaded, open_engine, store_check, store_write_probe
from bot.ops.sending import MeteredSender
from bot.ops.settings import OpsSettings
from bot.store.inbox import InboxStore
from bot.telegram import answers, decks, groups, hints, privacy, registry, timezones
from bot.telegram.apicheck import check_telegram_api
from bot.telegram.context import BotData, Cooldown, QuizBot, QuizContext, Tuning
from bot.telegram.errors import on_error
from bot.telegram.filters import FROM_PERSON, REPLY_TO_BOT, REPLY_TO_QUESTION
from bot.telegram.guards import drop_repeats
from bot.telegram.inbox import REPLICA_LEASE, UpdateInbox
from bot.telegram.keyboards import is_answer_by_dm_data, is_help_data, is_rate_data
from bot.telegram.metering import MeteredRequest, MeteredUpdateProcessor
from bot.telegram.ordering import PerChatOrder
from bot.telegram.polling import Poller
from bot.telegram.ratelimit import SharedRateLimiter
from bot.telegram.sender import TelegramSender
from scheduler.limits import SendLimiter
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings
from scheduler.sharedlimits import SharedSendLimiter, StoreSlotBook

logger = logging.getLogger(__name__)

QuizApplication = Application[QuizBot, QuizContext, dict[Any, Any], dict[Any, Any], BotData, None]

POLL_TIMEOUT = 30.0
"""Seconds a getUpdates long poll may wait for updates."""


def build_application(settings: Settings, tuning: Tuning | None = None) -> QuizApplication:
    """The whole bot, ready for `run_polling` (or `running` inside a test's loop).

    Raises ConfigError without a token and ContentError for invalid decks, before
    anything starts.
    """
    tuning = tuning or Tuning()
    # PTB's documented opt-in to time periods as timedelta (our code reads both forms);
    # without it, every 429 answer prints a deprecation warning.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    if not settings.telegram_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    protect_secrets([settings.telegram_token])
    catalog = Catalog.load(settings.content_paths)
    logger.info("%s", decks_loaded(catalog, settings.content_paths))
    scheduler_settings = tuning.scheduler or SchedulerSettings.from_env()
    if settings.db_url is not None:
        scheduler_settings = scheduler_settings.for_replicas()
    limits = tuning.limits or scheduler_settings.limits
    # Replicas on one database share Telegram's overall limit (scheduler.sharedlimits).
    limiter = SendLimiter(limits) if settings.db_url is None else SharedSendLimiter(limits)
    ops = Ops(tuning.ops or OpsSettings.from_env(), settings.database)
    root = settings.telegram_api_url
    # Two connections: the long poll, and the confirming call at stop while it closes.
    updates_request = MeteredRequest(ops.metrics, connection_pool_size=2)
    application: QuizApplication = (
        Application.builder()
        .token(settings.telegram_token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(SharedRateLimiter(limiter, tuning.retry))
        .context_types(ContextTypes(bot_data=BotData))
        .request(MeteredRequest(ops.metrics, connection_pool_size=256))
        .get_updates_request(updates_request)
        .updater(None)
        .concurrent_updates(MeteredUpdateProcessor(ops.metrics, PerChatOrder()))
        .job_queue(None)
        .post_init(_on_startup)
        .post_stop(_on_stop)
        .post_shutdown(_on_shutdown)
        .build()
    )
    data = application.bot_data
    data.settings = settings
    data.catalog = catalog
    data.limiter = limiter
    data.tuning = tuning
    data.quiz_cooldown = Cooldown(tuning.quiz_cooldown)
    data.scheduler_settings = scheduler_settings
    data.ops = ops
    data.updates_request = updates_request
    _add_handlers(application)
    return application


def _add_handlers(application: QuizApplication) -> None:
    application.add_handler(TypeHandler(Update, drop_repeats), group=-1)
    application.add_handler(ChatMemberHandler(groups.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, groups.migration))

    new_message = filters.UpdateType.MESSAGE & FROM_PERSON
    for command in registry.COMMANDS:
        application.add_handler(CommandHandler(command.name, command.handler, filters=new_message))

    private = new_message & filters.ChatType.PRIVATE
    group = new_message & filters.ChatType.GROUPS
    typed = filters.TEXT & ~filters.COMMAND
    not_typed = ~filters.TEXT & ~filters.StatusUpdate.ALL
    application.add_handler(MessageHandler(private & typed & hints.EMPTY_ANSWER, hints.offer))
    application.add_handler(MessageHandler(private & typed, answers.private_answer))
    application.add_handler(MessageHandler(private & filters.Document.ALL, decks.upload))
    application.add_handler(MessageHandler(private & not_typed, answers.not_text))
    application.add_handler(MessageHandler(group & typed & REPLY_TO_BOT, answers.group_answer))
    application.add_handler(MessageHandler(group & not_typed & REPLY_TO_QUESTION, answers.not_text))

    application.add_handler(PollAnswerHandler(answers.poll_vote))
    application.add_handler(CallbackQueryHandler(answers.rate, pattern=is_rate_data))
    application.add_handler(CallbackQueryHandler(groups.answer_by_dm, pattern=is_answer_by_dm_data))
    application.add_handler(CallbackQueryHandler(hints.button, pattern=is_help_data))
    application.add_handler(
        CallbackQueryHandler(timezones.button, pattern=timezones.is_timezone_data)
    )
    application.add_handler(
        CallbackQueryHandler(privacy.forget_button, pattern=privacy.is_forget_data)
    )
    application.add_handler(CallbackQueryHandler(decks.remove_button, pattern=decks.is_remove_data))
    application.add_handler(CallbackQueryHandler(groups.unknown_button))
    application.add_error_handler(on_error)


# -- life cycle ---------------------------------------------------------------------------


async def _on_startup(application: QuizApplication) -> None:
    """post_init: open the database, start the engine and scheduler, publish commands."""
    data = application.bot_data
    settings = data.settings
    data.engine = await data.resources.enter_async_context(
        open_engine(settings, data.ops.metrics, catalog=data.catalog)
    )
    data.store = data.engine.store
    if isinstance(data.limiter, SharedSendLimiter):
        data.limiter.share(StoreSlotBook(data.store, "telegram"))
    await _publish_commands(application.bot)
    if data.tuning.with_scheduler:
        sender = MeteredSender(
            TelegramSender(
                application.bot,
                retry_after_scale=data.tuning.retry.retry_after_scale,
                default_language=data.settings.default_language,
            ),
            data.ops.metrics,
            count_rate_limits=False,  # MeteredRequest counts every 429 already
        )
        data.scheduler = QuizScheduler(
            data.engine,
            sender,
            settings=data.scheduler_settings,
            limiter=data.limiter,
            clock=data.tuning.clock,
        )
        await data.scheduler.start()
    # Updates received and not finished yet (the inbox exists once serving starts).
    data.ops.metrics.watch_queue(lambda: data.inbox.busy if data.inbox is not None else 0)
    data.ops.metrics.watch_sending(data.limiter.figures)
    await data.ops.start(
        database=store_check(data.store),
        scheduler_running=_scheduler_running(data) if data.tuning.with_scheduler else None,
        platform="telegram",
        write_probe=store_write_probe(data.store, data.tuning.clock),
        set_aside_updates=lambda: data.inbox.set_aside if data.inbox is not None else 0,
    )
    logger.info("quizbot started as @%s", application.bot.username)


def _scheduler_running(data: BotData) -> Callable[[], bool]:
    return lambda: data.scheduler is not None and data.scheduler.jobs.running


async def _publish_commands(bot: QuizBot) -> None:
    """The command menu: English for everyone, and each other language's for the people
    whose Telegram speaks it (`language_code`)."""
    for lang in i18n.LANGUAGES:
        try:
            await bot.set_my_commands(
                registry.bot_commands(i18n.translator_for(lang)),
                language_code=None if lang == i18n.DEFAULT else lang,
            )
        except TelegramError as error:  # the menu is a convenience; the commands work anyway
            logger.warning("could not publish the %s command menu: %s", lang, error)


async def _on_stop(application: QuizApplication) -> None:
    """post_stop: no more updates are handled; stop scheduling new sends."""
    await application.bot_data.ops.stop()
    await _stop_scheduler(application)


async def _stop_scheduler(application: QuizApplication) -> None:
    scheduler = application.bot_data.scheduler
    if scheduler is not None:
        application.bot_data.scheduler = None
        await scheduler.shutdown()


async def _on_shutdown(application: QuizApplication) -> None:
    """post_shutdown: close the database last."""
    data = application.bot_data
    await data.resources.aclose()  # the engine's database and judge
    if data.store is not None:
        data.store = None
        logger.info("quizbot stopped")
    data.engine = None


class UpdateSource(Protocol):
    """How updates reach the inbox: long polling, or the webhook server."""

    async def start(self, application: QuizApplication, inbox: UpdateInbox) -> None: ...

    async def stop(self) -> None:
        """Take no more updates (and confirm those stored, where that is a call)."""


class Polling:
    def __init__(self, timeout: float = POLL_TIMEOUT) -> None:
        self.timeout = timeout
        self.poller: Poller | None = None

    async def start(self, application: QuizApplication, inbox: UpdateInbox) -> None:
        # A webhook left from webhook mode would refuse getUpdates; updates it holds stay.
        await application.bot.delete_webhook(drop_pending_updates=False)
        last = await inbox.last_update_id()
        self.poller = Poller(
            application.bot.base_url,
            application.bot_data.updates_request,
            inbox,
            timeout=self.timeout,
            offset=None if last is None else last + 1,
        )
        self.poller.start()

    async def stop(self) -> None:
        if self.poller is not None:
            await self.poller.stop()


@asynccontextmanager
async def serving(
    application: QuizApplication, source: UpdateSource
) -> AsyncIterator[QuizApplication]:
    """Run the bot inside the current event loop: initialize, post_init, the inbox (what
    the last run left first), then `source` feeding it; and back, the stop bounded by
    `stop_grace` (what is not finished by then stays in the inbox). Signals stay with the
    caller."""
    data = application.bot_data
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        assert data.store is not None
        lease = REPLICA_LEASE if data.store.shared else timedelta(0)
        inbox = data.inbox = UpdateInbox(
            application, InboxStore(data.store), data.now, data.failed_updates, lease
        )
        await application.start()
        try:
            await inbox.open()
            await source.start(application, inbox)
            try:
                yield application
            finally:
                await source.stop()
                await _stop_scheduler(application)
                await inbox.drain(data.ops.settings.stop_grace)
        finally:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


def running(
    application: QuizApplication, *, poll_timeout: float = POLL_TIMEOUT
) -> AbstractAsyncContextManager[QuizApplication]:
    """The bot on long polling inside the current event loop (tests and embedding)."""
    return serving(application, Polling(poll_timeout))


async def serve_until_signal(application: QuizApplication, source: UpdateSource) -> int:
    """Serve until SIGINT or SIGTERM, then stop (`serving`'s bounded stop)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with serving(application, source):
            await stop.wait()
            logger.info("stopping: no new updates; finishing those in hand")
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return EXIT_OK


def run(settings: Settings) -> int:
    """`quizbot run`: long polling until SIGINT/SIGTERM; returns an exit code."""
    return run_from(settings, Polling())


def run_from(
    settings: Settings, source: UpdateSource, mode: str = "polling", secrets: Sequence[str] = ()
) -> int:
    """Build the bot, check the Bot API once, then serve updates from `source` (mode
    `mode` on /healthz) until SIGINT/SIGTERM; returns an exit code. `secrets` are
    redacted from the logs along with the token."""
    configure_logging(settings.log_level, [settings.telegram_token or "", *secrets])
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
    application.bot_data.ops.mode = mode
    return asyncio.run(serve_until_signal(application, source))
