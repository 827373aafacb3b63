"""A forum supergroup: everything happens inside the topic it started in."""

from __future__ import annotations

from tests.telegram.conftest import (
    ADMIN,
    ALICE,
    BOB,
    START,
    Harness,
    StartBot,
    message_id_of,
    text_of,
)

GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."


async def test_question_answers_and_reveal_stay_in_the_topic(bot: Harness, forum: int) -> None:
    topic = bot.server.add_topic(forum, "Interview prep")

    question = await bot.command(forum, "quiz", "latency", from_user=ALICE, thread_id=topic)
    assert question.params["message_thread_id"] == topic
    assert question.result["message_thread_id"] == topic
    assert bot.one("SELECT thread_id FROM deliveries")["thread_id"] == topic

    mark = bot.server.mark()
    bot.server.inject_reply(
        forum, message_id_of(question), GOOD_ANSWER, from_user=BOB, thread_id=topic
    )
    reaction = await bot.call("setMessageReaction", forum, since=mark)
    assert reaction.params["reaction"][0]["emoji"] == "💯"

    revealed = await bot.command(forum, "reveal", from_user=ADMIN, thread_id=topic)
    assert revealed.params["message_thread_id"] == topic
    assert revealed.params["reply_parameters"]["message_id"] == message_id_of(question)
    assert "🥇 Bob: 100%" in text_of(revealed)


async def test_replies_to_commands_and_hints_stay_in_the_topic(bot: Harness, forum: int) -> None:
    topic = bot.server.add_topic(forum, "Prep")

    help_reply = await bot.command(forum, "help", from_user=ALICE, thread_id=topic)
    refused = await bot.command(forum, "time", "07:00", from_user=ALICE, thread_id=topic)
    poll = await bot.command(
        forum, "quiz", "formats", method="sendPoll", from_user=ALICE, thread_id=topic
    )
    mark = bot.server.mark()
    bot.server.inject_voice(forum, from_user=BOB, thread_id=topic, reply_to=message_id_of(poll))
    hint = await bot.call("sendMessage", forum, since=mark)

    for call in (help_reply, refused, poll, hint):
        assert call.params["message_thread_id"] == topic
    assert "Answers are text" in text_of(hint)


async def test_general_topic_messages_have_no_thread(bot: Harness, forum: int) -> None:
    reply = await bot.command(forum, "help", from_user=ALICE)
    assert "message_thread_id" not in reply.params


async def test_daily_question_goes_to_the_subscribed_topic(start_bot: StartBot, forum: int) -> None:
    bot = await start_bot(with_scheduler=True)
    topic = bot.server.add_topic(forum, "Daily")

    subscribed = await bot.command(forum, "subscribe", from_user=ADMIN, thread_id=topic)
    assert subscribed.params["message_thread_id"] == topic
    assert bot.chat_row(forum)["thread_id"] == topic
    scheduler = bot.app.bot_data.scheduler
    assert scheduler is not None
    await scheduler.resync()

    mark = bot.server.mark()
    await scheduler.run_due(START.replace(hour=9, minute=1))
    pushed = await bot.call("sendMessage", forum, since=mark)
    await bot.idle()

    assert pushed.params["message_thread_id"] == topic
    delivery = bot.one("SELECT * FROM deliveries")
    assert (delivery["thread_id"], delivery["message_id"]) == (topic, message_id_of(pushed))

    await scheduler.tick(bot.clock.advance(hours=6))
    revealed = await bot.call("sendMessage", forum, since=mark, count=2)
    assert revealed.params["message_thread_id"] == topic
    assert "Nobody answered" in text_of(revealed)
