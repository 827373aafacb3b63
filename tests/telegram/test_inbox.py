"""The durable inbox with the real bot: what is stored is handled, once, even across a
stop that ran out of time; an update that cannot be read is set aside and the bot goes on,
over polling and over the webhook."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from bot.ops.settings import OpsSettings
from tests.botapi import Fault
from tests.ops.telegram_harness import api_server, handled, http_get, polling_bot, post_update
from tests.ops.telegram_harness import webhook_bot as webhook_harness
from tests.telegram.conftest import ALICE, TOKEN, Harness, text_of

GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."
SECRET_TEXT = "do-not-log-this-content"
SECRET = "inbox-test-secret"


def malformed_message(date: int) -> dict[str, object]:
    """A message PTB cannot read: its sender lacks `first_name`, which User requires."""
    return {
        "message_id": 4242,
        "date": date,
        "chat": {"id": ALICE, "type": "private", "first_name": "Alice"},
        "from": {"id": ALICE, "is_bot": False},
        "text": SECRET_TEXT,
    }


def inbox_rows(bot: Harness) -> dict[int, str]:
    return {int(r["update_id"]): str(r["status"]) for r in bot.rows("SELECT * FROM inbox")}


async def test_a_poison_update_is_set_aside_and_the_next_one_answered_at_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with (
        api_server() as server,
        polling_bot(server, tmp_path, OpsSettings(health_port=0), scheduler=False) as bot,
    ):
        polls_before = len(server.calls("getUpdates"))
        poison = server.inject_update("message", malformed_message(int(time.time())))
        mark = server.mark()
        help_update = server.inject_command(ALICE, "help")
        reply = await bot.call("sendMessage", ALICE, since=mark, timeout=5.0)
        await bot.idle()
        polls = len(server.calls("getUpdates")) - polls_before
        health = bot.app.bot_data.ops.health
        assert health is not None
        status, body = await http_get(health.port, "/healthz")

    assert "/quiz" in text_of(reply)
    assert reply.time - help_update.available_at < 5.0
    assert polls < 10  # not the same batch fetched again and again
    assert server.pending_updates(TOKEN) == []
    assert inbox_rows(bot)[poison.update_id] == "set_aside"
    assert inbox_rows(bot)[help_update.update_id] == "done"
    read_failures = [r for r in caplog.records if "cannot be read" in r.getMessage()]
    assert len(read_failures) == 1
    assert f"update {poison.update_id} (message)" in read_failures[0].getMessage()
    assert SECRET_TEXT not in caplog.text
    assert status == 200, body
    assert json.loads(body)["updates"] == {"set_aside": 1}


async def test_a_poison_update_over_the_webhook_gets_200_and_is_set_aside(
    tmp_path: Path,
) -> None:
    async with api_server() as server, webhook_harness(server, tmp_path, SECRET) as (bot, hook):
        poison = {"update_id": 900_001, "message": malformed_message(int(time.time()))}
        assert await post_update(hook, poison, SECRET) == 200
        mark = server.mark()
        update = server.inject_command(ALICE, "help").payload
        assert await post_update(hook, update, SECRET) == 200
        reply = await bot.call("sendMessage", ALICE, since=mark, timeout=5.0)
        await handled(bot.app)

    assert "/quiz" in text_of(reply)
    assert inbox_rows(bot)[900_001] == "set_aside"


async def test_an_update_cut_short_by_a_stop_is_finished_first_at_the_next_start(
    tmp_path: Path,
) -> None:
    """The answer is recorded but its feedback hangs; the stop gives up after its grace,
    the update stays in the inbox, and the next start sends the feedback, once."""
    ops = OpsSettings(stop_grace=0.3)
    async with api_server() as server:
        async with polling_bot(server, tmp_path, ops, scheduler=False) as first:
            await first.command(ALICE, "quiz", "latency")
            server.add_fault(Fault.hang(), method="sendMessage", chat_id=ALICE)
            answer = server.inject_message(ALICE, GOOD_ANSWER)
            while not first.attempts():
                await asyncio.sleep(0.01)
            loop = asyncio.get_running_loop()
            started = loop.time()
            await first.stop()
            stopped_in = loop.time() - started
        left = inbox_rows(first)
        confirmed = server.pending_updates(TOKEN) == []
        server.clear_faults()

        mark = server.mark()
        async with polling_bot(server, tmp_path, ops, scheduler=False) as second:
            feedback = await second.call("sendMessage", ALICE, since=mark, timeout=5.0)
            await second.idle()
            await asyncio.sleep(0.2)  # a second feedback would have come by now
            sends = second.sends_since(mark, ALICE)

    assert stopped_in < 2.0
    assert left[answer.update_id] == "pending" and confirmed
    assert "p99" in text_of(feedback) or "100%" in text_of(feedback)
    assert len(sends) == 1
    assert len(second.attempts()) == 1
    assert inbox_rows(second)[answer.update_id] == "done"


async def test_a_crash_before_the_handled_mark_is_written_replays_the_answer_once(
    tmp_path: Path,
) -> None:
    """Handled marks wait to ride along with the next updates received, so a crash can
    find an answered update still pending: the next start handles it again, which records
    nothing twice and sends its feedback again. The crash is the database as it was on
    disk the moment the feedback arrived (committed transactions only)."""
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    async with api_server() as server:
        async with polling_bot(server, tmp_path, OpsSettings(), scheduler=False) as first:
            await first.command(ALICE, "quiz", "latency")
            await first.idle()
            mark = server.mark()
            answer = server.inject_message(ALICE, GOOD_ANSWER)
            await first.call("sendMessage", ALICE, since=mark, timeout=5.0)
            with (
                closing(sqlite3.connect(first.db_path)) as live,
                closing(sqlite3.connect(crashed / "quiz.db")) as copy,
            ):
                live.backup(copy)
            await first.idle()
        left = {
            int(update_id): str(status)
            for update_id, status in sqlite3.connect(crashed / "quiz.db").execute(
                "SELECT update_id, status FROM inbox"
            )
        }

        mark = server.mark()
        async with polling_bot(server, crashed, OpsSettings(), scheduler=False) as second:
            feedback = await second.call("sendMessage", ALICE, since=mark, timeout=5.0)
            await second.idle()
            await asyncio.sleep(0.3)  # a third feedback would have come by now
            sends = second.sends_since(mark, ALICE)

    assert left[answer.update_id] == "pending"  # handled, not yet marked
    assert inbox_rows(first)[answer.update_id] == "done"  # the stop wrote the mark
    assert "p99" in text_of(feedback) or "100%" in text_of(feedback)
    assert len(sends) == 1
    assert len(second.attempts()) == 1  # recorded once, before the crash
    assert inbox_rows(second)[answer.update_id] == "done"


async def test_a_repeat_of_a_stored_update_is_ignored(tmp_path: Path) -> None:
    async with (
        api_server() as server,
        polling_bot(server, tmp_path, OpsSettings(), scheduler=False) as bot,
    ):
        mark = server.mark()
        update = server.inject_command(ALICE, "help")
        await bot.call("sendMessage", ALICE, since=mark)
        await bot.idle()
        inbox = bot.app.bot_data.inbox
        assert inbox is not None
        await inbox.accept([update.payload])  # Telegram sends it again
        await bot.idle()

    assert len(bot.sends_since(mark, ALICE)) == 1


async def test_polling_removes_a_webhook_left_from_webhook_mode(tmp_path: Path) -> None:
    async with api_server() as server:
        async with webhook_harness(server, tmp_path, SECRET):
            pass
        async with polling_bot(server, tmp_path, OpsSettings(), scheduler=False) as bot:
            reply = await bot.command(ALICE, "help")

    assert server.calls("deleteWebhook")
    assert "/quiz" in text_of(reply)
