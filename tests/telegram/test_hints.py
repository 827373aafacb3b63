"""💡 Hint and 🤷 I don't know in a private chat, through the real Application."""

from __future__ import annotations

from tests.telegram.conftest import (
    ALICE,
    BOB,
    Harness,
    buttons_of,
    message_id_of,
    text_of,
)

GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."


async def press(bot: Harness, chat_id: int, message_id: int, data: str, **kwargs: object) -> str:
    """Press a button; the text of the bot's answer to the press."""
    mark = bot.server.mark()
    bot.server.inject_callback_query(chat_id, message_id, data, **kwargs)  # type: ignore[arg-type]
    answered = await bot.call("answerCallbackQuery", since=mark)
    await bot.idle()
    return str(answered.params.get("text", ""))


async def test_a_private_question_carries_hint_and_i_dont_know_buttons(bot: Harness) -> None:
    question = await bot.command(ALICE, "quiz", "latency")

    assert buttons_of(question) == [("💡 Hint", "v1:hint:1"), ("🤷 I don't know", "v1:idk:1")]


async def test_a_multiple_choice_poll_has_no_help_buttons(
    bot: Harness,
) -> None:
    poll = await bot.command(ALICE, "quiz", "formats", method="sendPoll")

    assert "reply_markup" not in poll.params


async def test_an_empty_answer_is_not_graded_and_offers_help(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")

    offer = await bot.say(ALICE, "?")

    assert "no words" in text_of(offer)
    assert buttons_of(offer) == [("💡 Hint", "v1:hint:1"), ("🤷 I don't know", "v1:idk:1")]
    assert bot.attempts() == []


async def test_an_empty_answer_with_no_question_open_says_so(bot: Harness) -> None:
    reply = await bot.say(ALICE, "...")

    assert "No question is open" in text_of(reply)


async def test_a_hint_is_stored_shown_and_caps_the_answer(bot: Harness) -> None:
    question = await bot.command(ALICE, "quiz", "latency")
    mark = bot.server.mark()

    alert = await press(bot, ALICE, message_id_of(question), "v1:hint:1")

    hint = await bot.call("sendMessage", ALICE, since=mark)
    assert alert == "💡 Hint shown"
    assert "Hint: The mean hides slow outliers" in text_of(hint)
    assert "at most 50% (5 points)" in text_of(hint)
    assert len(bot.rows("SELECT * FROM peeks")) == 1

    feedback = await bot.say(ALICE, GOOD_ANSWER)

    assert "2/2 key points" in text_of(feedback)
    attempt = bot.one("SELECT * FROM attempts")
    assert (attempt["score"], attempt["points"]) == (0.5, 5)
    assert ("✓ Hard", "v1:rate:1:2") in buttons_of(feedback)  # capped: Hard, not Good


async def test_i_dont_know_shows_the_answer_rates_again_and_keeps_the_streak(
    bot: Harness,
) -> None:
    question = await bot.command(ALICE, "quiz", "latency")
    mark = bot.server.mark()

    await press(bot, ALICE, message_id_of(question), "v1:idk:1")

    shown = await bot.call("sendMessage", ALICE, since=mark)
    assert "p95 and p99 show the tail users feel" in text_of(shown)  # the model answer
    assert "Recall rated Again" in text_of(shown)
    assert "Streak: 1 day" in text_of(shown)
    attempt = bot.one("SELECT * FROM attempts")
    assert (attempt["score"], attempt["points"], attempt["answer"]) == (0.0, 0, "")
    review = bot.one("SELECT * FROM reviews")
    assert review["rating"] == 1
    user = bot.one("SELECT current_streak FROM users WHERE external_id = ?", ALICE)
    assert user["current_streak"] == 1
    assert bot.one("SELECT closed_at FROM deliveries")["closed_at"] is not None


async def test_pressing_i_dont_know_twice_records_and_shows_it_once(bot: Harness) -> None:
    question = await bot.command(ALICE, "quiz", "latency")
    await press(bot, ALICE, message_id_of(question), "v1:idk:1")
    mark = bot.server.mark()

    await press(bot, ALICE, message_id_of(question), "v1:idk:1")

    assert bot.sends_since(mark, ALICE) == []
    assert len(bot.attempts()) == 1


async def test_a_hint_after_answering_is_refused_and_stores_nothing(bot: Harness) -> None:
    question = await bot.command(ALICE, "quiz", "latency")
    await bot.say(ALICE, GOOD_ANSWER)

    alert = await press(bot, ALICE, message_id_of(question), "v1:hint:1")

    assert "closed" in alert
    assert bot.rows("SELECT * FROM peeks") == []


async def test_a_forged_delivery_id_is_refused(bot: Harness) -> None:
    question = await bot.command(ALICE, "quiz", "latency")

    alert = await press(bot, ALICE, message_id_of(question), "v1:idk:999")

    assert "closed" in alert
    assert bot.attempts() == []


async def test_another_chats_question_cannot_be_given_up_from_here(bot: Harness) -> None:
    await bot.command(ALICE, "quiz", "latency")  # delivery 1, in Alice's chat
    bobs = await bot.command(BOB, "quiz", "batching")  # delivery 2, in Bob's chat

    alert = await press(bot, BOB, message_id_of(bobs), "v1:idk:1", from_user=BOB)

    assert "closed" in alert
    assert bot.attempts() == []
    assert bot.rows("SELECT * FROM deliveries WHERE closed_at IS NOT NULL") == []


async def test_malformed_help_data_is_not_ours(bot: Harness) -> None:
    question = await bot.command(ALICE, "quiz", "latency")

    for data in ("v1:hint:0", "v1:hint:01", "v1:idk:-1", "v1:idk:1:x", "v2:hint:1"):
        alert = await press(bot, ALICE, message_id_of(question), data)
        assert "expired" in alert.lower() or "no longer" in alert.lower(), data

    assert bot.attempts() == []
    assert bot.rows("SELECT * FROM peeks") == []
