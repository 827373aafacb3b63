"""Repeated updates, flaky networks, crashing handlers, shutdown, and the token in logs."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.botapi import Fault
from tests.telegram.conftest import (
    ADMIN,
    ALICE,
    BOB,
    CAROL,
    TOKEN,
    Harness,
    StartBot,
    message_id_of,
    text_of,
)

GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."


async def test_the_same_update_twice_gives_one_attempt(bot: Harness, group: int) -> None:
    await bot.command(ALICE, "quiz", "latency")
    mark = bot.server.mark()
    answer = bot.server.inject_message(ALICE, GOOD_ANSWER)
    bot.server.inject_update("message", answer.body)  # Telegram delivers it again
    await bot.call("sendMessage", ALICE, since=mark)
    await bot.idle()

    assert len(bot.attempts()) == 1
    assert len(bot.sends_since(mark, ALICE)) == 1

    question = await bot.command(group, "quiz", "latency", from_user=ALICE)
    mark = bot.server.mark()
    reply = bot.server.inject_reply(group, message_id_of(question), GOOD_ANSWER, from_user=BOB)
    bot.server.inject_update("message", reply.body)
    await bot.call("setMessageReaction", group, since=mark)
    await bot.idle()

    assert len(bot.attempts()) == 2
    assert len(bot.server.calls("setMessageReaction", group, since=mark)) == 1


async def test_a_repeat_after_a_restart_is_recorded_once(start_bot: StartBot) -> None:
    first = await start_bot()
    await first.command(ALICE, "quiz", "latency")
    mark = first.server.mark()
    answer = first.server.inject_message(ALICE, GOOD_ANSWER)
    await first.call("sendMessage", ALICE, since=mark)
    await first.idle()
    await first.stop()

    second = await start_bot()
    mark = second.server.mark()
    second.server.inject_update("message", answer.body)
    await second.idle()

    assert len(second.attempts()) == 1
    assert second.sends_since(mark) == []  # already answered: nothing new to say


async def test_a_crashing_handler_gets_a_friendly_reply(
    bot: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(bot.app.bot_data.engine.progress, "streak", broken)

    reply = await bot.command(ALICE, "streak")

    assert text_of(reply) == "Something went wrong, try again."
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("update" in r.getMessage() and "chat 100000102" in r.getMessage() for r in failures)
    assert "database on fire" in caplog.text
    still_alive = await bot.command(ALICE, "help")
    assert "/quiz" in text_of(still_alive)


async def test_shutdown_confirms_updates_and_closes_the_database(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")
    mark = bot.server.mark()
    bot.server.add_fault(Fault.slow(0.3), method="sendMessage", times=1)
    bot.server.inject_message(ALICE, GOOD_ANSWER)
    while not bot.attempts():  # recorded: the feedback is on its way, slowly
        await asyncio.sleep(0.01)

    await bot.stop()

    assert bot.server.pending_updates(TOKEN) == []
    assert bot.app.bot_data.store is None
    assert len(bot.attempts()) == 1
    assert [call.ok for call in bot.server.calls("sendMessage", ALICE, since=mark)] == [True]


async def session(bot: Harness, group: int) -> None:
    """A scripted morning: a private quiz with a rating, then a group round."""
    await bot.command(ALICE, "start")
    await bot.command(ALICE, "quiz", "latency")
    feedback = await bot.say(ALICE, GOOD_ANSWER)
    mark = bot.server.mark()
    bot.server.inject_callback_query(ALICE, message_id_of(feedback), "v1:rate:1:4")
    await bot.call("editMessageText", ALICE, since=mark, timeout=15)
    await bot.idle(timeout=15)
    await bot.command(ALICE, "quiz", "batching")
    await bot.say(ALICE, "Higher throughput, but waiting adds delay.")

    question = await bot.command(group, "quiz", "latency", from_user=ADMIN)
    for user, text in ((ALICE, GOOD_ANSWER), (BOB, "the average hides outliers"), (CAROL, "?")):
        mark = bot.server.mark()
        bot.server.inject_reply(group, message_id_of(question), text, from_user=user)
        await bot.call("setMessageReaction", group, since=mark, timeout=15)
    mark = bot.server.mark()
    bot.server.inject_callback_query(group, message_id_of(question), "v1:dm:3", from_user=BOB)
    await bot.call("answerCallbackQuery", since=mark, timeout=15)
    await bot.idle(timeout=15)
    revealed = await bot.command(group, "reveal", from_user=ADMIN)
    assert "🥇 Alice: 100%" in text_of(revealed)
    board = await bot.command(group, "leaderboard", from_user=BOB)
    assert "🥇 Alice: 10 pts" in text_of(board)


async def test_a_flaky_network_loses_nothing(
    start_bot: StartBot, group: int, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await start_bot()
    server = bot.server
    server.add_fault(Fault.retry_after(1), every=10)
    server.add_fault(Fault.server_error(502), every=10, skip=3)
    server.add_fault(Fault.server_error(500, html=True), every=10, skip=5)
    server.add_fault(Fault.slow(0.3), every=10, skip=7)

    await session(bot, group)

    assert sum(rule.fired for rule in server._faults.rules) >= 5
    assert [(row["user_external_id"], row["score"]) for row in bot.attempts()] == [
        (ALICE, 1.0),
        (ALICE, 1.0),
        (ALICE, 1.0),
        (BOB, 0.5),
        (CAROL, 0.0),
    ]
    assert bot.one("SELECT rating, rated_by_user FROM reviews WHERE attempt_id = 1")[0] == 4
    dm = [call for call in server.calls("sendMessage", BOB) if call.ok]
    assert len(dm) == 1 and "p95 and p99" in text_of(dm[0])
    ours = [r for r in caplog.records if r.name.startswith("bot.")]
    assert not [r for r in ours if r.levelno >= logging.ERROR]


async def test_the_token_never_reaches_the_logs(
    start_bot: StartBot, group: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = await start_bot()
    bot.server.add_fault(Fault.drop(), method="sendMessage", times=1)  # a transport error
    bot.server.add_fault(Fault.server_error(502, html=True), method="getUpdates", times=1)

    await bot.command(ALICE, "help")  # its first reply is dropped: an error with a traceback
    await session(bot, group)
    await bot.stop()

    assert caplog.records
    assert TOKEN not in caplog.text
    secret = TOKEN.split(":")[1]
    for record in caplog.records:
        assert secret not in record.getMessage()
        assert secret not in (record.exc_text or "")
    assert not [r for r in caplog.records if r.name.startswith("httpx") and r.levelno < 30]


async def test_redaction_covers_even_verbose_http_logs(
    start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await start_bot()
    caplog.set_level(logging.DEBUG)  # every logger, the HTTP client's (aiohttp) included
    caplog.set_level(logging.DEBUG, logger="httpx")

    await bot.command(ALICE, "help")
    # The bot's transport logs no URLs; a library that does (httpx logs each one) is
    # redacted all the same.
    url = f"{bot.server.base_url}{TOKEN}/sendMessage"
    logging.getLogger("httpx").debug('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)

    http_lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert any("/bot[REDACTED]/sendMessage" in line for line in http_lines)
    assert TOKEN not in caplog.text


async def test_restarting_on_the_same_database(start_bot: StartBot) -> None:
    first = await start_bot()
    await first.command(ALICE, "quiz", "latency")
    await first.say(ALICE, GOOD_ANSWER)
    await first.stop()

    second = await start_bot()
    streak = await second.command(ALICE, "streak")
    assert "Streak: 1 day" in text_of(streak)
