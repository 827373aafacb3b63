"""Replies to a group question whose send has not settled: still waiting for Telegram's
answer, or timed out although the message arrived. The reply is matched to the question
(by what it replies to) and counts; later replies find it by its message id."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.engine.unconfirmed import shows_question
from tests.botapi import Fault
from tests.telegram.conftest import ADMIN, BOB, CAROL, Harness

GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."


async def the_question_posted(bot: Harness, group: int) -> dict[str, Any]:
    """The bot's question as the group sees it, as soon as it is there."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5.0
    while loop.time() < deadline:
        for message in reversed(bot.server.chat_history(group)):
            if message.get("from", {}).get("is_bot") and "Question" in message.get("text", ""):
                return message
        await asyncio.sleep(0.01)
    raise TimeoutError("no question in the group")


async def test_a_reply_while_the_send_is_still_in_flight_counts(bot: Harness, group: int) -> None:
    bot.server.add_fault(Fault.slow(1.5, after_action=True), method="sendMessage", times=1)
    mark = bot.server.mark()
    bot.server.inject_command(group, "quiz", "latency", from_user=ADMIN)
    question = await the_question_posted(bot, group)  # posted; the bot still waits
    reply = bot.server.inject_reply(group, question["message_id"], GOOD_ANSWER, from_user=BOB)

    reaction = await bot.call("setMessageReaction", group, since=mark, timeout=5.0)
    in_flight = not bot.server.calls("sendMessage", group, since=mark)
    await bot.idle()
    rows = bot.rows("SELECT status, message_id FROM deliveries")

    assert in_flight  # acknowledged before the send returned
    assert reaction.params["message_id"] == reply.payload["message"]["message_id"]
    assert [row["user_external_id"] for row in bot.attempts()] == [BOB]
    assert bot.attempts()[0]["score"] == 1.0
    assert [(r["status"], r["message_id"]) for r in rows] == [("sent", question["message_id"])]


async def test_a_reply_to_a_question_whose_send_timed_out_counts(bot: Harness, group: int) -> None:
    bot.server.add_fault(Fault.drop(), method="sendMessage", times=1)  # delivered, unanswered
    mark = bot.server.mark()
    bot.server.inject_command(group, "quiz", "latency", from_user=ADMIN)
    question = await the_question_posted(bot, group)
    await bot.idle()
    before = bot.one("SELECT status, message_id FROM deliveries")

    for member in (BOB, CAROL):
        bot.server.inject_reply(group, question["message_id"], GOOD_ANSWER, from_user=member)
    await bot.call("setMessageReaction", group, since=mark, count=2, timeout=5.0)
    await bot.idle()
    after = bot.one("SELECT status, message_id FROM deliveries")

    assert (before["status"], before["message_id"]) == ("unknown", None)
    assert sorted(row["user_external_id"] for row in bot.attempts()) == [BOB, CAROL]
    assert (after["status"], after["message_id"]) == ("sent", question["message_id"])


async def test_a_reply_to_another_bot_message_is_not_taken_for_a_question(
    bot: Harness, group: int
) -> None:
    bot.server.add_fault(Fault.drop(), method="sendMessage", times=1)
    bot.server.inject_command(group, "quiz", "latency", from_user=ADMIN)
    await the_question_posted(bot, group)
    await bot.idle()
    help_reply = await bot.command(group, "help", from_user=ADMIN)
    mark = bot.server.mark()
    bot.server.inject_reply(group, int(help_reply.result["message_id"]), GOOD_ANSWER, from_user=BOB)
    await bot.idle()

    assert bot.attempts() == []
    assert bot.server.calls("setMessageReaction", group, since=mark) == []


def test_a_question_is_recognised_in_its_rendered_text_only_with_all_its_words() -> None:
    question = "Why report **p99** latency, not the `mean`?"
    shown = "❓ Question · ML in production\n\nWhy report p99 latency, not the mean?\n\nReply…"

    assert shows_question(question, shown)
    assert not shows_question(question, "Why report p99 latency?")
    assert not shows_question("", shown)
