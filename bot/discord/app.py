"""The Discord bot: one entry point that wires engine, commands, buttons and scheduler.

`setup_hook` (run by discord.py after login, before the gateway connects) opens decks
and database, registers the slash commands and persistent buttons, syncs the commands
with Discord and starts the shared scheduler with `DiscordSender`; `close` stops them in
reverse order.

Intents: discord.py's defaults, without the privileged message content intent. The bot
reads no messages at all; everything arrives as interactions (slash commands, buttons,
forms), so nothing has to be enabled in the Developer Portal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.config import ConfigError, Settings
from bot.discord.answering import AnswerButton, ChoiceButton, RateButton
from bot.discord.cog import QuizCog
from bot.discord.context import Services
from bot.discord.decks import DeckCog, RemoveButton
from bot.discord.errors import QuizTree
from bot.discord.hints import GiveUpButton, HintButton
from bot.discord.invite import TOKEN_HELP, invite_url
from bot.discord.language import CommandTranslator
from bot.discord.notices import PauseNotices
from bot.discord.privacy import ForgetButton
from bot.discord.quiz_languages import QuizLanguagesCog
from bot.discord.sender import DiscordSender
from bot.discord.shards import ALL_SHARDS, Shards
from bot.discord.subscriptions import SubscriptionCog
from bot.engine.clock import Clock, utc_now
from bot.engine.quiz import Engine
from bot.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from bot.ops.logs import configure_logging
from bot.ops.runtime import Ops, open_engine, store_check, store_write_probe
from bot.ops.sending import MeteredSender
from bot.ops.settings import OpsSettings
from scheduler.service import QuizScheduler
from scheduler.settings import SchedulerSettings

log = logging.getLogger(__name__)


MAX_RATELIMIT_WAIT = 30.0
"""Longest per-route rate-limit wait discord.py sits out before raising RateLimited
(30 s is the least it accepts)."""

BAD_TOKEN = (
    "quizbot: Discord rejected DISCORD_BOT_TOKEN. In the Developer Portal open your "
    "application, press Bot → Reset Token, and set the new token."
)


def intents() -> discord.Intents:
    chosen = discord.Intents.default()
    chosen.message_content = False
    return chosen


class QuizBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine | None = None,
        clock: Clock = utc_now,
        sync_commands: bool = True,
        scheduler_settings: SchedulerSettings | None = None,
        with_scheduler: bool = True,
        ops: Ops | None = None,
        shards: Shards = ALL_SHARDS,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            tree_cls=QuizTree,
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=False
            ),
            allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
            allowed_mentions=discord.AllowedMentions.none(),
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            **(shards.client_options() if shards.chosen else {}),  # type: ignore[arg-type]
        )
        self.settings = settings
        self.shard_plan = shards
        """Which shards this process runs (`bot.discord.shards`)."""
        self.notices = PauseNotices()
        self.sender = DiscordSender(self, self.notices)
        self.services: Services | None = None
        self.scheduler: QuizScheduler | None = None
        self._engine = engine
        self._clock = clock
        self._sync_commands = sync_commands
        self._scheduler_settings = scheduler_settings or SchedulerSettings()
        self._with_scheduler = with_scheduler
        self._resources = contextlib.AsyncExitStack()
        self.ops = ops or Ops(OpsSettings(), settings.database)
        """Health endpoint, metrics and daily backup (all off unless configured)."""
        self.ops.mode = "gateway"

    async def setup_hook(self) -> None:
        """Open decks and database, register commands and buttons, start daily pushes."""
        engine = self._engine or await self._resources.enter_async_context(
            open_engine(self.settings, self.ops.metrics)
        )
        self.services = Services(engine, self._clock, self.notices)
        await self.tree.set_translator(CommandTranslator())
        await self.add_cog(QuizCog(self))
        await self.add_cog(DeckCog(self))
        await self.add_cog(SubscriptionCog(self))
        await self.add_cog(QuizLanguagesCog(self))
        self.add_dynamic_items(AnswerButton, ChoiceButton, RateButton, ForgetButton, RemoveButton)
        self.add_dynamic_items(HintButton, GiveUpButton)
        if self._sync_commands:
            synced = await self.tree.sync()
            log.info("Synced %d slash commands with Discord", len(synced))
        if self._with_scheduler:
            await self.start_scheduler(engine)
        await self.ops.start(
            database=store_check(engine.store),
            scheduler_running=self._scheduler_running if self._with_scheduler else None,
            platform="discord",
            write_probe=store_write_probe(engine.store, self._clock),
        )

    def _scheduler_running(self) -> bool:
        return self.scheduler is not None and self.scheduler.jobs.running

    async def start_scheduler(self, engine: Engine) -> None:
        """The shared scheduler: daily questions, reveals and reminders for Discord chats."""
        sender = MeteredSender(self.sender, self.ops.metrics, count_rate_limits=True)
        self.scheduler = QuizScheduler(
            engine, sender, settings=self._scheduler_settings, clock=self._clock
        )
        await self.scheduler.start()

    async def close(self) -> None:
        try:
            await self.ops.stop()
            if self.scheduler is not None:
                await self.scheduler.shutdown()
                self.scheduler = None
            await super().close()
        finally:
            self.services = None
            await self._resources.aclose()

    async def on_socket_event_type(self, event_type: str) -> None:
        """Every gateway event: Discord was reached (the health check's API time)."""
        self.ops.metrics.api_call(True)

    async def on_ready(self) -> None:
        log.info(
            "Connected to Discord as %s in %d servers. Invite: %s",
            self.user,
            len(self.guilds),
            invite_url(self.application_id or 0),
        )


class ShardedQuizBot(QuizBot, commands.AutoShardedBot):
    """The bot running chosen shards (`bot.discord.shards`) on discord.py's
    AutoShardedClient: one gateway connection per shard, in this one process."""


def discord_bot(settings: Settings, shards: Shards = ALL_SHARDS, **options: Any) -> QuizBot:
    """The bot for these shards: the plain client, or the sharded one when shards are set."""
    if shards.chosen:
        return ShardedQuizBot(settings, shards=shards, **options)
    return QuizBot(settings, **options)


def run_discord(settings: Settings, shards: Shards = ALL_SHARDS) -> int:
    """`quizbot run --platform discord [--shard-ids ... --shard-count N]`: run until
    stopped (Ctrl-C or SIGTERM)."""
    token = settings.discord_token
    if not token:
        print(TOKEN_HELP, file=sys.stderr, end="")
        return EXIT_USAGE
    try:
        scheduler_settings = SchedulerSettings.from_env()
        if settings.db_url is not None or shards.shared:  # other processes share the work
            scheduler_settings = scheduler_settings.for_replicas()
        ops = Ops(OpsSettings.from_env(), settings.database)
    except ConfigError as exc:
        print(f"quizbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings.log_level, [token])
    bot = discord_bot(settings, shards, scheduler_settings=scheduler_settings, ops=ops)
    try:
        asyncio.run(_serve(bot, token))
    except discord.LoginFailure:
        print(BAD_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    except (aiohttp.ClientError, OSError) as exc:
        print(f"quizbot: cannot reach Discord: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


async def _serve(bot: QuizBot, token: str) -> None:
    stop = asyncio.Event()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with bot:
        running = asyncio.create_task(bot.start(token))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not running.done():
            await bot.close()
        await running
