"""A person and the bot in a private chat."""

from __future__ import annotations

from tests.botapi import utf16_len
from tests.telegram.conftest import (
    ALICE,
    BOT_USERNAME,
    LONG_DECK,
    MINI_DECK,
    Harness,
    StartBot,
    buttons_of,
    message_id_of,
    text_of,
)

GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."


async def test_start_subscribes_and_welcomes(bot: Harness) -> None:
    reply = await bot.command(ALICE, "start")

    assert "Welcome" in text_of(reply)
    assert "09:00" in text_of(reply)
    chat = bot.chat_row(ALICE)
    assert (chat["kind"], chat["subscribed"], chat["active"]) == ("private", 1, 1)
    owner = bot.one("SELECT external_id, display_name FROM users WHERE id = ?", chat["owner_id"])
    assert (owner["external_id"], owner["display_name"]) == (ALICE, "Alice")


async def test_commands_are_published_at_start(bot: Harness) -> None:
    call = await bot.call("setMyCommands", since=0)
    names = [command["command"] for command in call.params["commands"]]
    assert {"start", "help", "quiz", "reveal", "skip", "streak", "stats", "leaderboard"} <= set(
        names
    )
    assert {"topics", "time", "timezone", "subscribe", "unsubscribe", "remind"} <= set(names)


async def test_question_answer_feedback_and_rating(bot: Harness) -> None:
    question = await bot.command(ALICE, "quiz", "latency")
    assert "Why do production teams report latency as percentiles?" in text_of(question)
    assert "DMLS ch1.2 latency" in text_of(question)
    delivery = bot.one("SELECT * FROM deliveries")
    assert (delivery["question_id"], delivery["status"]) == ("mini-latency", "sent")
    assert delivery["message_id"] == message_id_of(question)

    feedback = await bot.say(ALICE, GOOD_ANSWER)

    text = text_of(feedback)
    assert "2/2 key points" in text
    assert "✓ The mean hides slow outliers" in text
    assert "✓ High percentiles show the tail" in text
    assert "p95 and p99 show the tail users feel" in text  # the model answer
    assert "Streak: 1 day" in text
    assert buttons_of(feedback) == [
        ("Again", "v1:rate:1:1"),
        ("Hard", "v1:rate:1:2"),
        ("✓ Good", "v1:rate:1:3"),  # the proposed rating, marked
        ("Easy", "v1:rate:1:4"),
    ]
    attempt = bot.one("SELECT * FROM attempts")
    assert (attempt["question_id"], attempt["score"]) == ("mini-latency", 1.0)

    mark = bot.server.mark()
    bot.server.inject_callback_query(ALICE, message_id_of(feedback), "v1:rate:1:4")
    answered = await bot.call("answerCallbackQuery", since=mark)
    edited = await bot.call("editMessageText", ALICE, since=mark)

    assert answered.params.get("text") == "Saved: Easy"
    assert "Rated Easy" in text_of(edited)
    assert "Recall rated" not in text_of(edited)
    assert "2/2 key points" in text_of(edited)  # the feedback stays
    assert ("✓ Easy", "v1:rate:1:4") in buttons_of(edited)
    review = bot.one("SELECT * FROM reviews")
    assert (review["proposed_rating"], review["rating"], review["rated_by_user"]) == (3, 4, 1)


async def test_missed_points_and_reply_to_the_question(bot: Harness) -> None:
    question = await bot.command(ALICE, "quiz", "batching")

    feedback = await bot.say(ALICE, "It gives more throughput.", reply_to=message_id_of(question))

    assert "1/2 key points" in text_of(feedback)
    assert "✓ Higher throughput" in text_of(feedback)
    assert "✗ Waiting adds latency" in text_of(feedback)
    assert ("✓ Hard", "v1:rate:1:2") in buttons_of(feedback)


async def test_a_covered_point_quotes_the_words_that_covered_it_as_escaped_html(
    bot: Harness,
) -> None:
    await bot.command(ALICE, "quiz", "latency")

    feedback = await bot.say(
        ALICE, "the <b>average</b> & friends hide outliers; p99 shows the tail"
    )

    assert "✓ The mean hides slow outliers (“the <b>average</b> & friends hide outliers”)" in (
        text_of(feedback)
    )
    assert "&lt;b&gt;average&lt;/b&gt; &amp; friends" in feedback.params["text"]


async def test_someone_else_cannot_rate_my_answer(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")
    feedback = await bot.say(ALICE, GOOD_ANSWER)

    mark = bot.server.mark()
    bot.server.inject_callback_query(
        ALICE, message_id_of(feedback), "v1:rate:1:1", from_user={"id": 4242, "first_name": "Eve"}
    )
    answered = await bot.call("answerCallbackQuery", since=mark)

    assert answered.params.get("show_alert") is True
    assert "not yours" in answered.params["text"]
    assert bot.one("SELECT rated_by_user FROM reviews")["rated_by_user"] == 0


async def test_streak_stats_topics_help(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")
    await bot.say(ALICE, GOOD_ANSWER)

    streak = await bot.command(ALICE, "streak")
    stats = await bot.command(ALICE, "stats")
    topics = await bot.command(ALICE, "topics")
    help_reply = await bot.command(ALICE, "help")

    assert "Streak: 1 day" in text_of(streak)
    assert "You answered today" in text_of(streak)
    assert "Answers: 1 · average 100%" in text_of(stats)
    assert "Questions seen: 1/4" in text_of(stats)
    assert "DMLS ch1.2 latency: 1/2 seen, 100%" in text_of(stats)
    assert "DMLS ch3.1 data formats (1)" in text_of(topics)
    assert "DMLS ch1.1 何时使用机器学习 (1)" in text_of(topics)
    assert "/quiz" in text_of(help_reply) and "/remind" in text_of(help_reply)


async def test_settings_commands(bot: Harness) -> None:
    await bot.command(ALICE, "start")

    shown = await bot.command(ALICE, "time")
    assert "09:00" in text_of(shown)
    moved = await bot.command(ALICE, "time", "07:30")
    zoned = await bot.command(ALICE, "timezone", "Asia/Shanghai")
    bad_time = await bot.command(ALICE, "time", "25:00")
    bad_zone = await bot.command(ALICE, "timezone", "Mars/Olympus")

    assert "07:30" in text_of(moved)
    assert "07:30" in text_of(zoned) and "Asia/Shanghai" in text_of(zoned)
    assert "HH:MM" in text_of(bad_time)
    assert "IANA" in text_of(bad_zone)
    chat = bot.chat_row(ALICE)
    assert (chat["push_time"], chat["timezone"]) == ("07:30", "Asia/Shanghai")
    user = bot.one("SELECT timezone FROM users WHERE external_id = ?", ALICE)
    assert user["timezone"] == "Asia/Shanghai"

    unsubscribed = await bot.command(ALICE, "unsubscribe")
    assert "no longer" in text_of(unsubscribed)
    assert bot.chat_row(ALICE)["subscribed"] == 0
    subscribed = await bot.command(ALICE, "subscribe")
    assert "07:30" in text_of(subscribed)
    assert bot.chat_row(ALICE)["subscribed"] == 1

    off = await bot.command(ALICE, "remind", "off")
    usage = await bot.command(ALICE, "remind", "maybe")
    assert "off" in text_of(off)
    assert "Usage" in text_of(usage)
    assert bot.one("SELECT reminders FROM users WHERE external_id = ?", ALICE)["reminders"] == 0
    await bot.command(ALICE, "remind", "on")
    assert bot.one("SELECT reminders FROM users WHERE external_id = ?", ALICE)["reminders"] == 1


async def test_skip_and_reveal_show_the_answer(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")
    skipped = await bot.command(ALICE, "skip")
    assert "Skipped" in text_of(skipped)
    assert "p95 and p99" in text_of(skipped)

    await bot.command(ALICE, "quiz", "batching")
    revealed = await bot.command(ALICE, "reveal")
    assert "Batching raises throughput" in text_of(revealed)

    nothing_open = await bot.say(ALICE, "an answer to nothing")
    assert text_of(nothing_open) == "No question is open: try /quiz."


async def test_unknown_filter_lists_what_exists(bot: Harness) -> None:
    reply = await bot.command(ALICE, "quiz", "<b>quantum</b>")

    assert "Nothing matches <b>quantum</b>." in text_of(reply)  # escaped, shown literally
    assert "Decks: mini" in text_of(reply) and "Tags" not in text_of(reply)


async def test_a_mistyped_filter_keeps_the_open_question_and_suggests_the_closest(
    bot: Harness,
) -> None:
    question = await bot.command(ALICE, "quiz", "batching")
    reply = await bot.command(ALICE, "quiz", "latncy")

    assert "Closest: DMLS ch1.2 latency, latency" in text_of(reply)
    assert "still open" in text_of(reply)
    assert len(bot.rows("SELECT * FROM deliveries WHERE closed_at IS NULL")) == 1
    feedback = await bot.say(ALICE, "more throughput, but you wait")
    assert "How does batching affect inference?" in text_of(question)
    assert "2/2 key points" in text_of(feedback)


async def test_quiz_finds_questions_by_their_text_in_any_language(bot: Harness) -> None:
    question = await bot.command(ALICE, "quiz", "应该使用")  # only in the question text

    assert "什么时候应该使用机器学习？" in text_of(question)


async def test_leaderboard_is_for_groups(bot: Harness) -> None:
    reply = await bot.command(ALICE, "leaderboard")
    assert "for groups" in text_of(reply)


async def test_multiple_choice_is_a_quiz_poll(bot: Harness) -> None:
    poll = await bot.command(ALICE, "quiz", "formats", method="sendPoll")

    assert poll.params["type"] == "quiz"
    assert poll.params["is_anonymous"] is False
    assert poll.params["correct_option_ids"] == [1]
    assert poll.params["question"] == "Row-major or column-major for analytics?"
    assert [o["text"] for o in poll.params["options"]] == [
        "Row-major (CSV)",
        "Column-major (Parquet)",
    ]
    assert poll.params["explanation"] == "Analytics read a few columns of many rows."
    poll_id = poll.result["poll"]["id"]
    assert bot.one("SELECT poll_id FROM deliveries")["poll_id"] == poll_id

    mark = bot.server.mark()
    bot.server.inject_poll_answer(poll_id, [1], from_user=ALICE)
    feedback = await bot.call("sendMessage", ALICE, since=mark)

    assert "Correct!" in text_of(feedback)
    assert ("✓ Good", "v1:rate:1:3") in buttons_of(feedback)
    attempt = bot.one("SELECT * FROM attempts")
    assert (attempt["question_id"], attempt["score"]) == ("mini-parquet", 1.0)


async def test_multiple_choice_answered_by_typing(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "formats", method="sendPoll")

    feedback = await bot.say(ALICE, "1")

    assert "Not quite" in text_of(feedback)
    assert "Correct option: Column-major (Parquet)" in text_of(feedback)
    assert bot.one("SELECT score FROM attempts")["score"] == 0.0


async def test_chinese_question_and_answer(bot: Harness) -> None:
    question = await bot.command(ALICE, "quiz", "何时")
    assert "什么时候应该使用机器学习？" in text_of(question)

    feedback = await bot.say(ALICE, "数据里有规律，而且手写规则难以覆盖")

    assert "2/2 key points" in text_of(feedback)


async def test_very_long_answer_is_graded_and_echo_truncated(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")
    answer = "The mean hides outliers. " + "blah " * 1200 + "p99 shows the tail."
    assert len(answer) > 4096

    feedback = await bot.say(ALICE, answer)

    assert "2/2 key points" in text_of(feedback)
    assert len(text_of(feedback)) < 1500
    assert "Your answer: The mean hides outliers. blah" in text_of(feedback)
    assert "…" in text_of(feedback)
    assert len(bot.one("SELECT answer FROM attempts")["answer"]) == len(answer.strip())


async def test_long_texts_are_split_on_paragraphs(start_bot: StartBot) -> None:
    bot = await start_bot(MINI_DECK, LONG_DECK)

    mark = bot.server.mark()
    bot.server.inject_command(ALICE, "quiz", "long-essay")
    parts = [await bot.call("sendMessage", ALICE, since=mark, count=count) for count in (1, 2)]
    await bot.idle()

    sent = bot.sends_since(mark, ALICE)
    assert len(sent) == 2, [(c.method, c.status, c.error, c.time) for c in sent]
    assert all(call.ok for call in sent)
    assert all(utf16_len(text_of(call)) <= 4096 for call in sent)
    assert "Question part 1:" in text_of(parts[0])
    assert "<this> & that" in text_of(parts[0])
    assert text_of(parts[0]).rstrip().endswith("matter?")  # cut between paragraphs
    assert "Send your answer as a message." in text_of(sent[-1])
    delivery = bot.one("SELECT message_id FROM deliveries")
    assert delivery["message_id"] == message_id_of(sent[-1])

    mark = bot.server.mark()
    bot.server.inject_command(ALICE, "skip")
    first = await bot.call("sendMessage", ALICE, since=mark)
    await bot.idle()
    answer_parts = bot.sends_since(mark, ALICE)
    assert len(answer_parts) >= 3
    assert first.params["reply_parameters"]["message_id"] > 0  # the first part replies
    assert "reply_parameters" not in answer_parts[1].params
    assert all(utf16_len(text_of(call)) <= 4096 for call in answer_parts)
    bold = [e for call in answer_parts for e in call.result.get("entities", [])]
    assert any(entity["type"] == "bold" for entity in bold)


async def test_start_with_an_answer_deep_link(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")
    mark = bot.server.mark()

    bot.server.inject_command(ALICE, "start", "answer-1")
    answer = await bot.call("sendMessage", ALICE, since=mark, count=2)

    assert "p95 and p99" in text_of(answer)


async def test_stickers_photos_and_voice_get_a_hint(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")
    for inject in (bot.server.inject_sticker, bot.server.inject_photo, bot.server.inject_voice):
        mark = bot.server.mark()
        inject(ALICE)
        hint = await bot.call("sendMessage", ALICE, since=mark)
        assert text_of(hint) == "✍️ Answers are text: please type your answer."
    assert bot.attempts() == []


async def test_edited_answers_are_ignored(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")
    feedback = await bot.say(ALICE, "no idea")
    answer_id = feedback.params["reply_parameters"]["message_id"]

    mark = bot.server.mark()
    bot.server.inject_edited_message(ALICE, answer_id, GOOD_ANSWER)
    await bot.idle()

    assert bot.sends_since(mark) == []
    assert [row["score"] for row in bot.attempts()] == [0.0]


async def test_messages_from_other_bots_are_ignored(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")
    mark = bot.server.mark()

    bot.server.inject_bot_message(ALICE, GOOD_ANSWER)
    await bot.idle()

    assert bot.sends_since(mark) == []
    assert bot.attempts() == []


async def test_blocking_and_unblocking(bot: Harness) -> None:
    await bot.command(ALICE, "start")

    bot.server.inject_bot_blocked(ALICE)
    await bot.idle()
    assert bot.chat_row(ALICE)["active"] == 0

    bot.server.inject_bot_unblocked(ALICE)
    await bot.idle()
    assert bot.chat_row(ALICE)["active"] == 1


async def test_commands_with_the_bot_suffix(bot: Harness) -> None:
    reply = await bot.command(ALICE, "help", mention=True)
    assert "/quiz" in text_of(reply)

    mark = bot.server.mark()
    bot.server.inject_command(ALICE, "help", mention="some_other_bot")
    await bot.idle()
    assert bot.sends_since(mark) == []
    assert BOT_USERNAME in bot.server.bot_user()["username"]


async def test_streak_freezes_earned_used_and_a_broken_streak(bot: Harness) -> None:
    async def answer_today() -> str:
        await bot.command(ALICE, "quiz", "latency")
        return text_of(await bot.say(ALICE, GOOD_ANSWER))

    for day in range(1, 8):
        feedback = await answer_today()
        assert f"Streak: {day} day" in feedback
        bot.clock.advance(days=1)
    assert "You earned a streak freeze" in feedback

    bot.clock.advance(days=1)  # a day off
    feedback = await answer_today()
    assert "Streak freeze used for 2025-03-10" in feedback
    assert "Streak: 8 days" in feedback

    bot.clock.advance(days=3)  # two days off, no freeze left
    feedback = await answer_today()
    assert "Your 8-day streak ended" in feedback
    assert "Streak: 1 day · best 8" in feedback


async def test_quick_taps_are_handled_in_order(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")
    feedback = await bot.say(ALICE, GOOD_ANSWER)

    mark = bot.server.mark()
    for rating in (1, 2, 4):
        bot.server.inject_callback_query(ALICE, message_id_of(feedback), f"v1:rate:1:{rating}")
    last_edit = await bot.call("editMessageText", ALICE, since=mark, count=3)
    await bot.idle()

    assert "Rated Easy" in text_of(last_edit)
    assert bot.one("SELECT rating FROM reviews")["rating"] == 4
