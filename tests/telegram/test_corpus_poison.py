"""The corpus's updates python-telegram-bot cannot parse (marked `poison`): old media
without `file_unique_id`, polls and poll answers without persistent ids. Each one is
set aside and skipped; the bot goes on answering, fetches no batch again and again, and
logs no traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.corpus.telegram_updates import corpus
from tests.ops.telegram_harness import api_server, handled, post_update, webhook_bot
from tests.telegram.conftest import ALICE, StartBot, text_of

POISON = [item for item in corpus() if item.poison is not None]
SECRET = "corpus-poison-secret"


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{record.levelname} {record.name}: {record.getMessage()[:200]}"
        for record in caplog.records
        if record.exc_info or record.levelno >= logging.CRITICAL
    ]


def test_the_corpus_keeps_updates_the_library_cannot_parse() -> None:
    assert len(POISON) >= 10
    assert {"message", "poll", "poll_answer"} <= {item.kind for item in POISON}


async def test_unparseable_updates_are_skipped_and_the_bot_answers_the_next_one(
    start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot = await start_bot()
    mark = bot.server.mark()

    for item in POISON:
        bot.server.inject_update(item.kind, item.body)
    welcome = await bot.command(ALICE, "start")

    assert "Welcome" in text_of(welcome)
    fetches = [call for call in bot.server.calls(since=mark) if call.method == "getUpdates"]
    assert len(fetches) < 20, "the same batch is not fetched again and again"
    assert tracebacks(caplog) == []


async def test_unparseable_updates_posted_to_the_webhook_get_200(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with api_server() as server, webhook_bot(server, tmp_path, SECRET) as (bot, hook):
        statuses = [
            await post_update(hook, {"update_id": 700_000 + n, item.kind: item.body}, SECRET)
            for n, item in enumerate(POISON, start=1)
        ]
        await handled(bot.app)
        mark = server.mark()
        assert await post_update(hook, server.inject_command(ALICE, "start").payload, SECRET) == 200
        welcome = await bot.call("sendMessage", ALICE, since=mark)

    assert statuses == [200] * len(POISON)
    assert "Welcome" in text_of(welcome)
    assert tracebacks(caplog) == []
