"""The bot in a group: questions answered by replies, reactions, reveals, admins."""

from __future__ import annotations

from tests.botapi import RecordedCall
from tests.telegram.conftest import (
    ADMIN,
    ALICE,
    BOB,
    CAROL,
    START,
    Harness,
    StartBot,
    buttons_of,
    message_id_of,
    text_of,
)

ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
    "is_bot": True,
}
GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."
HALF_ANSWER = "The average hides outliers."


def reaction_of(call: RecordedCall) -> str:
    return str(call.params["reaction"][0]["emoji"])


async def ask(bot: Harness, chat_id: int, topic: str = "latency", **kwargs: object) -> int:
    question = await bot.command(chat_id, "quiz", topic, from_user=ALICE, **kwargs)
    return message_id_of(question)


async def answer(bot: Harness, chat_id: int, question_id: int, text: str, user: int) -> str:
    """Reply to the question; returns the reaction the bot put on the reply."""
    mark = bot.server.mark()
    reply = bot.server.inject_reply(chat_id, question_id, text, from_user=user)
    reaction = await bot.call(
        "setMessageReaction",
        chat_id,
        since=mark,
        predicate=lambda call: call.params["message_id"] == reply.body["message_id"],
    )
    await bot.idle()
    return reaction_of(reaction)


async def test_added_to_a_group_says_hello(bot: Harness, group: int) -> None:
    mark = bot.server.mark()
    bot.server.inject_bot_added(group, from_user=ADMIN)
    hello = await bot.call("sendMessage", group, since=mark)
    await bot.idle()

    assert "Thanks for adding me" in text_of(hello)
    assert "replying to it" in text_of(hello)
    chat = bot.chat_row(group)
    assert (chat["kind"], chat["active"], chat["title"]) == ("group", 1, "ML <Study> & Co")


async def test_start_in_a_group_explains_how_to_play(bot: Harness, group: int) -> None:
    reply = await bot.command(group, "start", mention=True, from_user=ALICE)
    assert "replying to it" in text_of(reply)
    assert "t.me/quiz_test_bot" in text_of(reply)


async def test_removed_or_kicked_makes_the_chat_inactive(bot: Harness, group: int) -> None:
    bot.server.inject_bot_added(group)
    await bot.idle()
    bot.server.inject_bot_removed(group, kicked=True)
    await bot.idle()
    assert bot.chat_row(group)["active"] == 0


async def test_replies_are_graded_with_reactions_not_messages(bot: Harness, group: int) -> None:
    question = await bot.command(group, "quiz", "latency", from_user=ALICE)
    assert "Reply to this message" in text_of(question)
    assert buttons_of(question) == [("🤫 Answer by DM", "v1:dm:1")]
    question_id = message_id_of(question)
    mark = bot.server.mark()

    assert await answer(bot, group, question_id, GOOD_ANSWER, ALICE) == "💯"
    assert await answer(bot, group, question_id, HALF_ANSWER, BOB) == "👍"
    assert await answer(bot, group, question_id, "no clue", CAROL) == "✍"
    assert await answer(bot, group, question_id, "again, better", ALICE) == "👀"

    assert bot.sends_since(mark) == []
    rows = [(row["user_external_id"], row["score"], row["points"]) for row in bot.attempts()]
    assert rows == [(ALICE, 1.0, 10), (BOB, 0.5, 5), (CAROL, 0.0, 0)]


async def test_admin_reveal_shows_answer_and_scores(bot: Harness, group: int) -> None:
    question_id = await ask(bot, group)
    await answer(bot, group, question_id, GOOD_ANSWER, ALICE)
    await answer(bot, group, question_id, HALF_ANSWER, BOB)

    refused = await bot.command(group, "reveal", from_user=BOB)
    assert text_of(refused) == "Only group admins can do that."
    assert bot.one("SELECT revealed_at FROM deliveries")["revealed_at"] is None

    revealed = await bot.command(group, "reveal", from_user=ADMIN)

    text = text_of(revealed)
    assert revealed.params["reply_parameters"]["message_id"] == question_id
    assert "p95 and p99 show the tail users feel" in text
    assert text.index("🥇 Alice: 100% · +10 pts") < text.index("🥈 Bob: 50% · +5 pts")
    assert bot.one("SELECT revealed_at FROM deliveries")["revealed_at"] is not None

    again = await bot.command(group, "reveal", from_user=ADMIN)
    assert "no question waiting" in text_of(again)


async def test_reveal_of_the_question_replied_to(bot: Harness, group: int) -> None:
    first = await ask(bot, group, "latency")
    await ask(bot, group, "batching")

    revealed = await bot.command(group, "reveal", from_user=ADMIN, reply_to=first)

    assert "p95 and p99" in text_of(revealed)
    assert revealed.params["reply_parameters"]["message_id"] == first


async def test_anonymous_admins_count_as_admins(bot: Harness, group: int) -> None:
    as_the_group = {"id": group, "type": "group", "title": "ML <Study> & Co"}
    reply = await bot.command(
        group, "time", "10:15", from_user=ANONYMOUS_ADMIN, content={"sender_chat": as_the_group}
    )

    assert "10:15" in text_of(reply)
    assert bot.chat_row(group)["push_time"] == "10:15"


async def test_group_settings_are_for_admins(bot: Harness, group: int) -> None:
    for command, args in (("time", "10:00"), ("timezone", "Europe/Berlin"), ("subscribe", "")):
        refused = await bot.command(group, command, args, from_user=ALICE)
        assert text_of(refused) == "Only group admins can do that."
    shown = await bot.command(group, "time", from_user=ALICE)
    assert "09:00" in text_of(shown)  # looking is fine

    await bot.command(group, "time", "18:30", from_user=ADMIN)
    await bot.command(group, "timezone", "Europe/Berlin", from_user=ADMIN)
    subscribed = await bot.command(group, "subscribe", from_user=ADMIN)

    assert "18:30" in text_of(subscribed) and "Europe/Berlin" in text_of(subscribed)
    chat = bot.chat_row(group)
    assert (chat["push_time"], chat["timezone"], chat["subscribed"]) == (
        "18:30",
        "Europe/Berlin",
        1,
    )
    refused = await bot.command(group, "unsubscribe", from_user=ALICE)
    assert "admins" in text_of(refused)
    await bot.command(group, "unsubscribe", from_user=ADMIN)
    assert bot.chat_row(group)["subscribed"] == 0


async def test_answer_by_dm(bot: Harness, group: int) -> None:
    question_id = await ask(bot, group)

    mark = bot.server.mark()
    bot.server.inject_callback_query(group, question_id, "v1:dm:1", from_user=BOB)
    private = await bot.call("sendMessage", BOB, since=mark)
    confirmed = await bot.call("answerCallbackQuery", since=mark)

    assert "p95 and p99 show the tail users feel" in text_of(private)
    assert confirmed.params["text"] == "I sent you the answer privately."

    bot.server.block(CAROL, reason="bot can't initiate conversation with a user")
    mark = bot.server.mark()
    bot.server.inject_callback_query(group, question_id, "v1:dm:1", from_user=CAROL)
    alert = await bot.call("answerCallbackQuery", since=mark)

    assert alert.params["show_alert"] is True
    assert "t.me/quiz_test_bot?start=answer-1" in alert.params["text"]
    assert len(alert.params["text"]) <= 200
    assert bot.sends_since(mark, group) == []


async def test_an_answer_after_answer_by_dm_scores_no_points(bot: Harness, group: int) -> None:
    question_id = await ask(bot, group)
    mark = bot.server.mark()
    bot.server.inject_callback_query(group, question_id, "v1:dm:1", from_user=BOB)
    await bot.call("sendMessage", BOB, since=mark)
    await bot.idle()

    await answer(bot, group, question_id, "mean hides outliers; watch p95 and p99 tail", BOB)

    [attempt] = bot.attempts()
    assert attempt["score"] == 1.0
    assert attempt["points"] == 0


async def test_unknown_buttons_are_answered(bot: Harness, group: int) -> None:
    question_id = await ask(bot, group)
    for data in ("v0:dm:1", "v1:dm:1 ", "v1:dm:abc", "v1:rate:1:9", "v1:dm:-1"):
        mark = bot.server.mark()
        bot.server.inject_callback_query(group, question_id, data, from_user=BOB)
        answered = await bot.call("answerCallbackQuery", since=mark)
        assert answered.params["text"] == "This button no longer works."


async def test_group_poll_votes_count_without_messages(bot: Harness, group: int) -> None:
    poll = await bot.command(group, "quiz", "formats", method="sendPoll", from_user=ALICE)
    assert poll.params["is_anonymous"] is False
    poll_id = poll.result["poll"]["id"]
    bot.server.set_member(group, BOB, "member")
    mark = bot.server.mark()

    bot.server.inject_poll_answer(poll_id, [1], from_user=ALICE)
    bot.server.inject_poll_answer(poll_id, [0], from_user=BOB)
    bot.server.inject_poll_answer(poll_id, [], from_user=BOB)  # retracted: ignored
    await bot.idle()

    assert bot.sends_since(mark) == []
    assert sorted((r["user_external_id"], r["score"]) for r in bot.attempts()) == [
        (ALICE, 1.0),
        (BOB, 0.0),
    ]
    revealed = await bot.command(group, "reveal", from_user=ADMIN)
    assert "Correct option: Column-major (Parquet)" in text_of(revealed)
    assert "Alice: 100%" in text_of(revealed) and "Bob: 0%" in text_of(revealed)


async def test_leaderboard(bot: Harness, group: int) -> None:
    question_id = await ask(bot, group)
    await answer(bot, group, question_id, GOOD_ANSWER, ALICE)
    await answer(bot, group, question_id, HALF_ANSWER, BOB)

    week = await bot.command(group, "leaderboard", from_user=BOB)
    all_time = await bot.command(group, "leaderboard", "all", from_user=BOB)
    wrong = await bot.command(group, "leaderboard", "year", from_user=BOB)

    assert "This week" in text_of(week)
    assert text_of(week).index("🥇 Alice: 10 pts") < text_of(week).index("🥈 Bob: 5 pts")
    assert "All-time" in text_of(all_time)
    assert "Usage" in text_of(wrong)


async def test_reveal_at_reveal_time_by_the_scheduler(start_bot: StartBot, group: int) -> None:
    bot = await start_bot(with_scheduler=True)
    question_id = await ask(bot, group)
    await answer(bot, group, question_id, GOOD_ANSWER, ALICE)
    scheduler = bot.app.bot_data.scheduler
    assert scheduler is not None

    mark = bot.server.mark()
    await scheduler.tick(bot.clock.advance(hours=1))
    assert bot.sends_since(mark) == []  # not yet

    await scheduler.tick(bot.clock.advance(hours=4))
    revealed = await bot.call("sendMessage", group, since=mark)

    assert revealed.params["reply_parameters"]["message_id"] == question_id
    assert "🥇 Alice: 100%" in text_of(revealed)
    await scheduler.tick(bot.clock.advance(hours=1))
    assert len(bot.sends_since(mark)) == 1  # revealed once


async def test_daily_question_pushed_by_the_scheduler(start_bot: StartBot, group: int) -> None:
    bot = await start_bot(with_scheduler=True)
    await bot.command(group, "subscribe", from_user=ADMIN)
    scheduler = bot.app.bot_data.scheduler
    assert scheduler is not None
    await scheduler.resync()

    mark = bot.server.mark()
    await scheduler.run_due(START.replace(hour=9, minute=1))
    pushed = await bot.call("sendMessage", group, since=mark)
    await bot.idle()

    assert "Daily question" in text_of(pushed)
    assert buttons_of(pushed) == [("🤫 Answer by DM", "v1:dm:1")]
    delivery = bot.one("SELECT * FROM deliveries")
    assert (delivery["kind"], delivery["status"]) == ("daily", "sent")
    assert delivery["message_id"] == message_id_of(pushed)
    assert await answer(bot, group, message_id_of(pushed), GOOD_ANSWER, BOB) == "💯"
    assert bot.one("SELECT points FROM attempts")["points"] == 15  # with the daily bonus


async def test_migration_to_a_supergroup_keeps_history(bot: Harness, group: int) -> None:
    question_id = await ask(bot, group)
    await answer(bot, group, question_id, GOOD_ANSWER, ALICE)

    new_id = bot.server.migrate_chat(group, from_user=ADMIN)
    await bot.idle()

    chat = bot.one("SELECT * FROM chats WHERE kind = 'group'")
    assert chat["external_id"] == new_id
    board = await bot.command(new_id, "leaderboard", "all", from_user=BOB)
    assert "🥇 Alice: 10 pts" in text_of(board)


async def test_what_the_bot_ignores_in_groups(bot: Harness, group: int) -> None:
    bot.server.add_bot(bot.app.bot.token, privacy_mode=False)  # sees every message
    question_id = await ask(bot, group)
    mark = bot.server.mark()

    chatter = bot.server.inject_message(group, "anyone for lunch?", from_user=ALICE)
    bot.server.inject_reply(group, chatter.body["message_id"], "me!", from_user=BOB)
    bot.server.inject_bot_message(group, GOOD_ANSWER, reply_to=question_id)
    bot.server.inject_edited_message(group, chatter.body["message_id"], "p99 tail outliers")
    await bot.idle()

    assert bot.server.calls(since=mark, chat_id=group) == []
    assert bot.attempts() == []


async def test_non_text_reply_to_a_question_gets_a_hint(bot: Harness, group: int) -> None:
    question_id = await ask(bot, group)

    mark = bot.server.mark()
    sticker = bot.server.inject_sticker(group, from_user=BOB, reply_to=question_id)
    hint = await bot.call("sendMessage", group, since=mark)

    assert text_of(hint) == "✍️ Answers are text: please type your answer."
    assert hint.params["reply_parameters"]["message_id"] == sticker.body["message_id"]


async def test_channel_posts_are_ignored(bot: Harness) -> None:
    channel = int(bot.server.add_chat("channel", title="News")["id"])
    mark = bot.server.mark()

    bot.server.inject_channel_post(channel, "/quiz latency")
    await bot.idle()

    assert bot.server.calls(since=mark, chat_id=channel) == []


async def test_a_busy_group_stays_under_twenty_messages_a_minute(bot: Harness, group: int) -> None:
    question_id = await ask(bot, group)
    mark = bot.server.mark()
    players = [bot.server.add_user(first_name=f"Player{n}")["id"] for n in range(30)]

    for player in players:
        bot.server.inject_reply(group, question_id, GOOD_ANSWER, from_user=player)
    await bot.idle()

    assert len(bot.server.calls("setMessageReaction", group, since=mark)) == 30
    assert bot.sends_since(mark) == []
    assert len(bot.attempts()) == 30
    assert bot.server.violations.total == 0
