"""Progress in Telegram: the /stats and /leaderboard images, /export as a CSV document,
the weekly recap through the sender, and the `/quiz weak` note, against the test Bot API
server (which validates every HTML text and caption it is sent)."""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, timedelta

import pytest

from bot.engine.srs import Rating
from bot.progress.export import COLUMNS
from bot.progress.recap import HardQuestion, Recap, RecapMember, RecapStreak
from bot.progress.weak import NO_HISTORY_NOTE
from bot.telegram import commands
from bot.telegram.sender import TelegramSender
from scheduler.recaps import RecapSender
from scheduler.sending import ChatTarget, ChatUnreachable
from tests.botapi import RecordedCall
from tests.telegram.conftest import (
    ADMIN,
    ALICE,
    BOB,
    CAROL,
    SPEEDUP,
    START,
    Harness,
    StartBot,
    message_id_of,
    text_of,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."
HALF_ANSWER = "The average hides outliers."
EVE = 100_000_105
EVE_NAME = "<Eve> & Co"
DRAWING = 30.0
"""Seconds a command that draws may take (the first chart of a run loads the fonts)."""


async def run(
    bot: Harness, chat_id: int, command: str, args: str = "", **kwargs: object
) -> list[RecordedCall]:
    """Send a command and wait until the bot is done with it; returns what it sent."""
    mark = bot.server.mark()
    bot.server.inject_command(chat_id, command, args, **kwargs)
    await bot.idle(timeout=DRAWING)
    return bot.sends_since(mark)


def png_of(call: RecordedCall) -> bytes:
    assert call.method == "sendPhoto", call.method
    return call.files["photo"].data


async def private_round(bot: Harness, user: int, topic: str, answer: str) -> None:
    """/quiz TOPIC in the user's private chat, then the answer."""
    await bot.command(user, "quiz", topic)
    await bot.say(user, answer)


async def group_round(bot: Harness, group: int, answers: dict[int, str]) -> int:
    """/quiz latency in the group and each member's reply; returns the question's id."""
    question = await bot.command(group, "quiz", "latency", from_user=ALICE)
    question_id = message_id_of(question)
    for user, text in answers.items():
        mark = bot.server.mark()
        bot.server.inject_reply(group, question_id, text, from_user=user)
        await bot.call("setMessageReaction", group, since=mark)
        await bot.idle()
    return question_id


# -- /stats ------------------------------------------------------------------------------


async def test_stats_sends_the_chart_then_the_text(bot: Harness) -> None:
    await private_round(bot, ALICE, "latency", GOOD_ANSWER)

    photo, text = await run(bot, ALICE, "stats")

    assert png_of(photo).startswith(PNG_MAGIC)
    assert photo.files["photo"].filename == "stats.png"
    assert photo.result["photo"][-1]["width"] == 1080
    assert photo.result["caption"].startswith("Alice · streak 1 day")
    assert photo.params["reply_parameters"]["message_id"] > 0
    assert text.method == "sendMessage" and "Your progress" in text_of(text)


async def test_stats_keeps_the_text_when_the_chart_cannot_be_drawn(
    bot: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(data: object) -> bytes:
        raise RuntimeError("no fonts today")

    monkeypatch.setattr(commands, "render_stats", broken)
    with caplog.at_level(logging.ERROR, logger="bot.telegram.commands"):
        (text,) = await run(bot, ALICE, "stats")

    assert text.method == "sendMessage"
    assert "Your progress" in text_of(text) and "Something went wrong" not in text_of(text)
    assert "drawing the /stats image failed" in caplog.text


async def test_stats_in_a_group_go_to_the_player_privately(bot: Harness, group: int) -> None:
    await group_round(bot, group, {ALICE: GOOD_ANSWER})

    photo, text, note = await run(bot, group, "stats", from_user=ALICE)

    assert png_of(photo).startswith(PNG_MAGIC) and photo.chat_id == ALICE
    assert photo.result["caption"].startswith("Alice")
    assert text.chat_id == ALICE and "Answers: 1" in text_of(text)
    assert note.chat_id == group and text_of(note) == "📬 I sent your progress to you privately."


async def test_stats_in_a_group_link_to_a_private_chat_first(bot: Harness, group: int) -> None:
    await group_round(bot, group, {ALICE: GOOD_ANSWER})
    bot.server.block(ALICE, reason="bot can't initiate conversation with a user")

    sends = await run(bot, group, "stats", from_user=ALICE)

    (note,) = [call for call in sends if call.chat_id == group]
    assert "t.me/quiz_test_bot?start=stats" in str(note.params["text"])
    assert [call for call in sends if call.chat_id == ALICE] == []

    bot.server.unblock(ALICE)  # they follow the link and press Start
    started = await run(bot, ALICE, "start", "stats")
    assert [call.method for call in started] == ["sendMessage", "sendPhoto", "sendMessage"]
    assert "Answers: 1" in text_of(started[-1])


# -- /leaderboard image ------------------------------------------------------------------


async def test_leaderboard_image_option(bot: Harness, group: int) -> None:
    await group_round(bot, group, {ALICE: GOOD_ANSWER, BOB: HALF_ANSWER})

    (week,) = await run(bot, group, "leaderboard", "week image", from_user=BOB)
    (short,) = await run(bot, group, "leaderboard", "image", from_user=BOB)
    (all_time,) = await run(bot, group, "leaderboard", "all image", from_user=BOB)
    (text,) = await run(bot, group, "leaderboard", from_user=BOB)
    (wrong,) = await run(bot, group, "leaderboard", "week all", from_user=BOB)

    for photo in (week, short, all_time):
        assert png_of(photo).startswith(PNG_MAGIC)
        assert photo.files["photo"].filename == "leaderboard.png"
    # the group's title has HTML characters: escaped, or the server would refuse it
    assert week.result["caption"] == "🏆 This week · ML <Study> & Co"
    assert short.result["caption"] == week.result["caption"]
    assert all_time.result["caption"] == "🏆 All-time leaderboard · ML <Study> & Co"
    assert text.method == "sendMessage" and "🥇 Alice: 10 pts" in text_of(text)
    assert wrong.method == "sendMessage" and "[week|all] [image]" in text_of(wrong)


async def test_leaderboard_image_falls_back_to_text(
    bot: Harness, group: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    await group_round(bot, group, {ALICE: GOOD_ANSWER})

    async def broken(data: object) -> bytes:
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(commands, "render_leaderboard", broken)
    (text,) = await run(bot, group, "leaderboard", "image", from_user=BOB)

    assert text.method == "sendMessage" and "🥇 Alice: 10 pts" in text_of(text)


# -- /export -----------------------------------------------------------------------------


def csv_rows(call: RecordedCall) -> list[list[str]]:
    assert call.method == "sendDocument", call.method
    data = call.files["document"].data
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def expected_rows(bot: Harness, user: int) -> list[list[str]]:
    rows = bot.rows(
        "SELECT a.*, c.kind, c.title, r.rating FROM attempts a"
        " JOIN users u ON u.id = a.user_id JOIN chats c ON c.id = a.chat_id"
        " LEFT JOIN reviews r ON r.attempt_id = a.id"
        " WHERE u.external_id = ? ORDER BY a.answered_at, a.id",
        user,
    )
    questions = bot.app.bot_data.catalog.by_id
    return [
        [
            row["answered_at"],
            row["local_day"],
            "mini",
            questions[row["question_id"]].topic,
            row["question_id"],
            questions[row["question_id"]].question,
            row["answer"],
            f"{row['score']:.2f}",
            str(row["points"]),
            Rating(row["rating"]).label if row["rating"] else "",
            "private" if row["kind"] == "private" else row["title"],
        ]
        for row in rows
    ]


async def test_export_in_a_private_chat(bot: Harness, group: int) -> None:
    await private_round(bot, ALICE, "latency", GOOD_ANSWER)
    await private_round(bot, ALICE, "batching", 'It adds a wait, but, "quoted"\nlines')
    await group_round(bot, group, {ALICE: HALF_ANSWER})

    (document,) = await run(bot, ALICE, "export")

    assert document.chat_id == ALICE
    assert document.files["document"].filename == "quizbot-history-2025-03-03.csv"
    assert document.result["document"]["mime_type"] == "text/csv"
    assert "3 answers" in document.result["caption"]
    header, *rows = csv_rows(document)
    assert tuple(header) == COLUMNS
    assert rows == expected_rows(bot, ALICE)
    assert [row[-1] for row in rows] == ["private", "private", "ML <Study> & Co"]
    assert rows[1][6] == 'It adds a wait, but, "quoted"\nlines'


async def test_export_with_no_answers(bot: Harness) -> None:
    (reply,) = await run(bot, BOB, "export")
    assert "No answers to export yet" in text_of(reply)


async def test_export_from_a_group_goes_privately(bot: Harness, group: int) -> None:
    await group_round(bot, group, {ALICE: GOOD_ANSWER, CAROL: HALF_ANSWER})

    sent = await run(bot, group, "export", from_user=ALICE)

    document, note = sent
    assert document.chat_id == ALICE and note.chat_id == group
    assert csv_rows(document)[1:] == expected_rows(bot, ALICE)
    assert "sent your answer history to you privately" in text_of(note)

    bot.server.block(CAROL, reason="bot can't initiate conversation with a user")
    (hint,) = await run(bot, group, "export", from_user=CAROL)

    assert hint.chat_id == group
    link = hint.result["entities"][0]
    assert link["type"] == "text_link" and link["url"] == "https://t.me/quiz_test_bot?start=export"
    assert bot.chat_row(group)["active"] == 1  # her privacy is not the group's problem

    bot.server.unblock(CAROL)
    welcome, document = await run(bot, CAROL, "start", "export")
    assert "Welcome" in text_of(welcome)
    assert document.chat_id == CAROL
    assert csv_rows(document)[1:] == expected_rows(bot, CAROL)


# -- the weekly recap --------------------------------------------------------------------


async def test_weekly_recap_is_sent_by_the_scheduler(start_bot: StartBot, group: int) -> None:
    bot = await start_bot(with_scheduler=True)
    bot.server.add_user(EVE, EVE_NAME)
    bot.server.set_member(group, EVE, "member")
    await bot.command(group, "subscribe", from_user=ADMIN)
    await group_round(bot, group, {ALICE: GOOD_ANSWER, EVE: HALF_ANSWER})
    scheduler = bot.app.bot_data.scheduler
    assert scheduler is not None

    mark = bot.server.mark()
    monday = START.replace(hour=9, minute=1) + timedelta(days=7)
    await scheduler.tick(bot.clock.advance(days=7, hours=1, minutes=1))
    assert bot.clock() == monday
    recap = await bot.call("sendMessage", group, since=mark, predicate=is_recap)

    text = text_of(recap)
    assert text.startswith("📅 Weekly recap · 3–9 Mar 2025\n2 answers from 2 members.")
    assert "1. Alice · 10 pts" in text and f"2. {EVE_NAME} · 5 pts" in text
    assert "Why do production teams report latency as percentiles?" in text
    assert recap.result["entities"][0] == {"type": "bold", "offset": 0, "length": 30}

    await scheduler.tick(bot.clock.advance(hours=1))
    assert [call for call in bot.sends_since(mark, group) if is_recap(call)] == [recap]


def is_recap(call: RecordedCall) -> bool:
    return call.method == "sendMessage" and str(call.result["text"]).startswith("📅 Weekly recap")


def nasty_recap(chat_id: int, thread_id: int | None) -> Recap:
    return Recap(
        chat_id=1,
        platform="telegram",
        chat_external_id=chat_id,
        thread_id=thread_id,
        chat_title="<Prep> & co",
        week_start=date(2025, 2, 24),
        answers=12,
        players=3,
        top=(RecapMember("<b>Mallory</b>", 30), RecapMember("Tom & Jerry", 20)),
        streaks=(RecapStreak("<i>Ann", 9),),
        hardest=(
            HardQuestion(
                question_id="q",
                question="Is 1 < 2 & 3 > 2?",
                topic="maths",
                average_score=0.25,
                answers=4,
                reminder="Yes: <, & and > compare",
            ),
        ),
        covered=5,
        deck_total=40,
        new_last_week=2,
    )


async def test_the_sender_posts_a_recap_in_the_groups_topic(bot: Harness, forum: int) -> None:
    sender = TelegramSender(bot.app.bot, retry_after_scale=1 / SPEEDUP)
    assert isinstance(sender, RecapSender)
    topic = bot.server.add_topic(forum, "Weekly")
    mark = bot.server.mark()

    await sender.send_recap(ChatTarget("telegram", forum, True, topic), nasty_recap(forum, topic))

    (call,) = bot.sends_since(mark, forum)
    assert call.params["message_thread_id"] == topic
    text = text_of(call)
    assert "1. <b>Mallory</b> · 30 pts" in text and "2. Tom & Jerry · 20 pts" in text
    assert "<i>Ann · 9 days" in text
    assert "1. Is 1 < 2 & 3 > 2? (average 25%)" in text
    assert "↳ Yes: <, & and > compare" in text
    assert "📚 Covered 5 of 40 questions (+2 new last week)." in text


async def test_a_recap_to_a_group_that_removed_the_bot_is_unreachable(
    bot: Harness, group: int
) -> None:
    sender = TelegramSender(bot.app.bot, retry_after_scale=1 / SPEEDUP)
    bot.server.set_bot_status(group, "kicked")
    with pytest.raises(ChatUnreachable):
        await sender.send_recap(ChatTarget("telegram", group, True, None), nasty_recap(group, None))


# -- /quiz weak --------------------------------------------------------------------------


async def test_quiz_weak_shows_which_topics_it_drills(bot: Harness) -> None:
    (first,) = await run(bot, ALICE, "quiz", "weak")
    assert NO_HISTORY_NOTE.split(",")[0] in text_of(first)
    await bot.say(ALICE, "no idea")  # a weak answer on the latency topic

    (question,) = await run(bot, ALICE, "quiz", "weak")

    text = text_of(question)
    note = "🎯 Weak-topic drill: DMLS ch1.2 latency."
    assert f"\n\n{note}\n\n" in text
    delivery = bot.rows("SELECT * FROM deliveries ORDER BY id")[-1]
    asked = bot.app.bot_data.catalog.by_id[delivery["question_id"]]
    assert asked.topic == "DMLS ch1.2 latency"
    assert text.index(note) < text.index(asked.question)
    italic = [e["length"] for e in question.result["entities"] if e["type"] == "italic"]
    assert len(note.removeprefix("🎯 ")) in italic


async def test_a_quiz_poll_gets_its_note_as_a_message_first(bot: Harness) -> None:
    poll = await bot.command(ALICE, "quiz", "formats", method="sendPoll")
    mark = bot.server.mark()
    bot.server.inject_poll_answer(poll.result["poll"]["id"], [0], from_user=ALICE)  # wrong
    await bot.call("sendMessage", ALICE, since=mark)
    await bot.idle()

    note, drill = await run(bot, ALICE, "quiz", "weak")

    assert text_of(note) == "🎯 Weak-topic drill: DMLS ch3.1 data formats."
    assert drill.method == "sendPoll"
    assert drill.params["question"] == "Row-major or column-major for analytics?"
    delivery = bot.rows("SELECT * FROM deliveries ORDER BY id")[-1]
    assert delivery["poll_id"] == drill.result["poll"]["id"]


# -- the command menu --------------------------------------------------------------------


async def test_export_is_in_the_menu_and_in_help(bot: Harness) -> None:
    menu = await bot.call("setMyCommands", since=0)
    commands_listed = {c["command"]: c["description"] for c in menu.params["commands"]}
    assert commands_listed["export"] == "Your answer history as a CSV file"
    assert "[image]" in commands_listed["leaderboard"]

    (help_text,) = await run(bot, ALICE, "help")
    assert "/export: Your answer history as a CSV file" in text_of(help_text)
