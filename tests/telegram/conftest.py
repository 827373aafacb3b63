"""A real PTB Application, built by `build_application`, against the test Bot API server.

Every test talks to the bot the way Telegram would: it injects updates into the server
and asserts on the calls the bot made (text, buttons, thread ids) and on what the SQLite
database then holds. Telegram's limits run `SPEEDUP` times faster on both sides.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.telegram.app import QuizApplication, build_application, running
from bot.telegram.context import Tuning
from bot.telegram.ratelimit import RetryPolicy
from scheduler.limits import Limits
from scheduler.settings import SchedulerSettings
from tests.botapi import BotApiServer, RateLimits, RecordedCall
from tests.helpers import faster

TOKEN = "7000000001:AAFakeTokenForQuizbotTests_abcdefghijk"
BOT_USERNAME = "quiz_test_bot"
SPEEDUP = 50.0
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MINI_DECK = FIXTURES / "mini.yaml"
LONG_DECK = FIXTURES / "long.yaml"
START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)  # a Monday
ADMIN, ALICE, BOB, CAROL = 100_000_101, 100_000_102, 100_000_103, 100_000_104


class Clock:
    """The bot's clock, moved by the test."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Harness:
    server: BotApiServer
    app: QuizApplication
    clock: Clock
    db_path: Path
    stop: Callable[[], Awaitable[None]]

    # -- the database ---------------------------------------------------------------------

    def rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        with closing(sqlite3.connect(self.db_path)) as conn:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql, params).fetchall()

    def one(self, sql: str, *params: Any) -> sqlite3.Row:
        found = self.rows(sql, *params)
        assert len(found) == 1, f"expected one row, got {len(found)}: {sql}"
        return found[0]

    def chat_row(self, external_id: int) -> sqlite3.Row:
        return self.one("SELECT * FROM chats WHERE external_id = ?", external_id)

    def attempts(self) -> list[sqlite3.Row]:
        return self.rows(
            "SELECT a.*, u.external_id AS user_external_id FROM attempts a"
            " JOIN users u ON u.id = a.user_id ORDER BY a.id"
        )

    # -- conversation -----------------------------------------------------------------------

    async def call(
        self,
        method: str,
        chat_id: int | None = None,
        *,
        since: int,
        predicate: Callable[[RecordedCall], bool] | None = None,
        count: int = 1,
        timeout: float = 5.0,
    ) -> RecordedCall:
        """The `count`-th successful `method` call (to `chat_id`) after mark `since`."""

        def ok(call: RecordedCall) -> bool:
            return call.ok and (predicate is None or predicate(call))

        return await self.server.wait_for_call(
            method, ok, timeout, chat_id=chat_id, since=since, count=count
        )

    async def say(
        self, chat_id: int, text: str, *, method: str = "sendMessage", **kwargs: Any
    ) -> RecordedCall:
        """Inject a message; return the bot's first `method` call into that chat, once
        the bot is done with the update (so the database is up to date)."""
        mark = self.server.mark()
        self.server.inject_message(chat_id, text, **kwargs)
        reply = await self.call(method, chat_id, since=mark)
        await self.idle()
        return reply

    async def command(
        self,
        chat_id: int,
        command: str,
        args: str = "",
        *,
        method: str = "sendMessage",
        **kwargs: Any,
    ) -> RecordedCall:
        """`say` for a command."""
        mark = self.server.mark()
        self.server.inject_command(chat_id, command, args, **kwargs)
        reply = await self.call(method, chat_id, since=mark)
        await self.idle()
        return reply

    async def idle(self, timeout: float = 5.0) -> None:
        """Wait until every injected update was fetched and handled."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet = 0
        while quiet < 3:
            await asyncio.sleep(0.02)
            busy = self.server.pending_updates(TOKEN) or in_hand(self.app)
            quiet = 0 if busy else quiet + 1
            if loop.time() > deadline:
                raise TimeoutError("the bot did not become idle")

    def sends_since(self, mark: int, chat_id: int | None = None) -> list[RecordedCall]:
        """Messages the bot managed to send (refused attempts left out)."""
        return [
            call
            for call in self.server.calls(chat_id=chat_id, since=mark)
            if call.ok and call.method.startswith("send") and call.method != "sendChatAction"
        ]


def in_hand(app: QuizApplication) -> int:
    """Updates the bot has received but not finished (being stored or handled)."""
    inbox = app.bot_data.inbox
    return (
        inbox.busy if inbox is not None else 0
    ) + app.update_processor.current_concurrent_updates


def text_of(call: RecordedCall) -> str:
    """The plain text Telegram stored for a sent or edited message."""
    return str(call.result["text"])


def buttons_of(call: RecordedCall) -> list[tuple[str, str]]:
    markup = call.params.get("reply_markup") or {}
    return [
        (button["text"], button.get("callback_data", button.get("url", "")))
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]


def message_id_of(call: RecordedCall) -> int:
    return int(call.result["message_id"])


def settings_for(server: BotApiServer, db_path: Path | str, *decks: Path) -> Settings:
    """The bot's settings: `db_path` is a SQLite file or a PostgreSQL URL."""
    return Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "QUIZBOT_TELEGRAM_API_URL": server.url,
            "QUIZBOT_DB": str(db_path),
            "QUIZBOT_CONTENT": ":".join(str(deck) for deck in decks or (MINI_DECK,)),
        }
    )


def fast_tuning(clock: Clock, *, with_scheduler: bool = False) -> Tuning:
    # The bot keeps a margin under the server's limits: at this speed a few milliseconds
    # of HTTP jitter are a large part of a window.
    limits = faster(Limits(), SPEEDUP * 0.75)
    return Tuning(
        limits=limits,
        retry=RetryPolicy(retry_after_scale=1 / SPEEDUP, server_error_backoff=0.01),
        clock=clock,
        with_scheduler=with_scheduler,
        scheduler=SchedulerSettings(limits=limits, send_timeout=5.0, debounce_seconds=0.05),
        quiz_cooldown=timedelta(0),  # the clock stands still; test_fairness sets one
    )


StartBot = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def server() -> AsyncIterator[BotApiServer]:
    async with BotApiServer(rate_limits=RateLimits(speedup=SPEEDUP)) as api:
        api.add_bot(TOKEN, username=BOT_USERNAME, first_name="Quiz")
        for user_id, name in ((ADMIN, "Ada"), (ALICE, "Alice"), (BOB, "Bob"), (CAROL, "Carol")):
            api.add_user(user_id, name)
        yield api


@pytest.fixture
async def start_bot(server: BotApiServer, tmp_path: Path) -> AsyncIterator[StartBot]:
    """Start the bot (several times, to restart it on the same database)."""
    async with AsyncExitStack() as stack:

        async def start(
            *decks: Path, with_scheduler: bool = False, clock: Clock | None = None
        ) -> Harness:
            clock = clock or Clock()
            db_path = tmp_path / "quiz.db"
            app = build_application(
                settings_for(server, db_path, *decks),
                fast_tuning(clock, with_scheduler=with_scheduler),
            )
            life = AsyncExitStack()
            await life.enter_async_context(running(app, poll_timeout=1.0))
            stack.push_async_callback(life.aclose)
            return Harness(server, app, clock, db_path, life.aclose)

        yield start


@pytest.fixture
async def bot(start_bot: StartBot) -> Harness:
    return await start_bot()


@pytest.fixture
def group(server: BotApiServer) -> int:
    chat = server.add_chat(
        "group", title="ML <Study> & Co", members={ADMIN: "administrator", ALICE: "member"}
    )
    return int(chat["id"])


@pytest.fixture
def forum(server: BotApiServer) -> int:
    chat = server.add_chat("supergroup", title="Prep forum", forum=True, members={ADMIN: "creator"})
    return int(chat["id"])
