"""Updates captured from real Telegram traffic, replayed through the real Application.

The corpus (tests/fixtures/telegram_updates, see tests/corpus/telegram_updates.py) holds
messages, edits, channel posts, callbacks, polls and poll answers, member changes,
reactions, forum topics, migrations, payments, giveaways, boosts and business updates
from other projects' test suites. Every update python-telegram-bot can parse goes
through the test Bot API server to the bot in polling mode, and is posted to its
webhook; afterwards the bot still answers /start and has logged no error and no
traceback. The updates it cannot parse are marked `poison` in the corpus; a test keeps
the marks true.
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

import pytest
from telegram import Bot, Update

from tests.corpus.telegram_updates import chats_in, corpus, kinds
from tests.ops.telegram_harness import api_server, handled, post_update, webhook_bot
from tests.telegram.conftest import ALICE, Harness, StartBot, text_of

CORPUS = corpus()
READABLE = [item for item in CORPUS if item.poison is None]
POISON = [item for item in CORPUS if item.poison is not None]
SECRET = "corpus-replay-secret"


def register_chats(bot: Harness) -> None:
    """The corpus's groups and channels exist on the server, as they did on Telegram."""
    for item in READABLE:
        for chat in chats_in(item.body):
            if chat["type"] == "private" or chat["id"] in bot.server._world.chats:
                continue
            with contextlib.suppress(ValueError):  # an id no real chat could have
                bot.server.add_chat(chat["type"], chat_id=chat["id"], title=chat.get("title"))


def distinct(body: dict[str, object], number: int) -> dict[str, object]:
    """The update with a message id of its own: projects reuse ids like 12345 across
    their tests, and the bot rightly drops a message it has seen as a repeat."""
    if "message_id" in body and "chat" in body:
        return {**body, "message_id": 900_000 + number}
    return body


def trouble(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{record.levelname} {record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.exc_info
    ]


def test_the_corpus_covers_many_kinds_of_update() -> None:
    found = kinds(CORPUS)
    assert len(CORPUS) >= 90
    for kind in (
        "message",
        "edited_message",
        "channel_post",
        "callback_query",
        "poll",
        "poll_answer",
        "my_chat_member",
        "message_reaction",
        "message_reaction_count",
        "pre_checkout_query",
        "shipping_query",
        "chat_boost",
        "removed_chat_boost",
        "deleted_business_messages",
    ):
        assert found[kind] >= 1, kind
    bodies = json.dumps([item.update for item in CORPUS])
    for field in (
        "forum_topic_created",
        "migrate_to_chat_id",
        "migrate_from_chat_id",
        "successful_payment",
        "giveaway",
        "giveaway_winners",
        "message_thread_id",
    ):
        assert f'"{field}"' in bodies, field


def test_poison_marks_match_what_python_telegram_bot_can_parse() -> None:
    bot = Bot("123:abc")
    for item in CORPUS:
        try:
            Update.de_json(item.update, bot)
        except Exception:
            assert item.poison, f"{item.name} ({item.source}) cannot be parsed: mark it"
        else:
            assert not item.poison, f"{item.name} parses now: drop its poison mark"


async def test_every_readable_update_is_handled_and_the_bot_stays_responsive(
    start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot = await start_bot()
    register_chats(bot)
    mark = bot.server.mark()

    for number, item in enumerate(READABLE, start=1):
        bot.server.inject_update(item.kind, distinct(item.body, number))
    await bot.idle(timeout=30)

    private = {
        item.body["chat"]["id"]
        for item in READABLE
        if item.kind == "message" and item.body["chat"]["type"] == "private"
    }
    replied = {call.chat_id for call in bot.sends_since(mark)}
    assert len(replied & private) >= len(private) // 2, "private messages got their replies"

    welcome = await bot.command(ALICE, "start")
    assert "Welcome" in text_of(welcome)
    assert trouble(caplog) == []


async def test_every_readable_update_is_accepted_by_the_webhook(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with api_server() as server, webhook_bot(server, tmp_path, SECRET) as (bot, hook):
        register_chats(bot)
        statuses = []
        for number, item in enumerate(READABLE, start=1):
            update = {"update_id": 500_000 + number, item.kind: distinct(item.body, number)}
            statuses.append(await post_update(hook, update, SECRET))
        await handled(bot.app, timeout=30)

        mark = server.mark()
        start = server.inject_command(ALICE, "start").payload
        assert await post_update(hook, start, SECRET) == 200
        welcome = await bot.call("sendMessage", ALICE, since=mark)

    assert statuses == [200] * len(READABLE)
    assert "Welcome" in text_of(welcome)
    assert trouble(caplog) == []
