"""A server channel's daily question, end to end: subscribe, push, two members answer
through the form, rate, reveal, leaderboard; checked in what Discord got and in SQLite."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from bot.discord.context import PLATFORM, channel_key
from bot.engine.quiz import Engine
from bot.engine.results import Asked
from scheduler.sending import ChatTarget
from scheduler.service import QuizScheduler
from tests.discord import payloads as p
from tests.discord.helpers import EPHEMERAL, Clock, Harness, buttons, embed_text

TARGET = ChatTarget(PLATFORM, p.QUIZ_CHANNEL_ID, is_group=True)


async def subscribe(harness: Harness) -> None:
    exchange = await harness.command(
        "daily",
        p.subcommand(
            "on", [p.string_option("time", "09:00"), p.string_option("timezone", "Europe/Berlin")]
        ),
        permissions=p.ADMIN,
    )
    assert exchange.ephemeral
    assert "every day at 09:00 (Europe/Berlin)" in exchange.reply["content"]


async def claim_daily(engine: Engine, clock: Clock) -> Asked:
    """What the scheduler does at the slot's time: find the chats, claim their question."""
    day = clock.now.date()
    (chat,) = await engine.daily.chats_to_push(PLATFORM, "09:00", "Europe/Berlin", day)
    asked = await engine.daily.claim(chat.id, clock.now)
    assert asked is not None
    return asked


async def test_daily_question_answered_by_two_members_then_revealed(
    harness: Harness, engine: Engine, clock: Clock, db_path: Path, scheduler: QuizScheduler
) -> None:
    clock.now = clock.now.replace(hour=7)
    await subscribe(harness)
    await scheduler.resync()  # what the engine's schedule listener triggers
    clock.now = clock.now.replace(hour=8)  # 09:00 in Berlin

    await scheduler.run_due(clock.now)

    (question,) = harness.api.channel_messages(p.QUIZ_CHANNEL_ID)[1:]  # after /daily's reply
    question_text = "Why do production teams report latency as percentiles?"
    assert question["embeds"][0]["title"] == "📅 Daily question · DMLS ch1.2 latency"
    assert question["embeds"][0]["description"] == question_text
    (answer,) = buttons(question)
    assert answer["label"] == "Answer"
    assert re.fullmatch(r"quizbot:answer:\d+", answer["custom_id"])

    opened = await harness.press(question, answer["custom_id"], who=p.ALICE)
    form = opened.modal
    assert form["title"] == "Your answer"
    assert form["components"][0] == {"type": 10, "content": question_text}
    alice = await harness.submit(opened, "The mean hides outliers, so p99 shows the tail")
    bob = await harness.answer(question, "no idea, sorry", who=p.BOB)

    assert alice.ephemeral and bob.ephemeral
    assert alice.reply["embeds"][0]["title"] == "🎯 2/2 key points covered."
    assert "✓ The mean hides slow outliers" in embed_text(alice.reply)
    assert "**Model answer**\nThe mean hides slow outliers" in embed_text(alice.reply)
    assert "+15 pts · 🔥 Streak: **1** day · best 1" in embed_text(alice.reply)  # daily bonus
    assert bob.reply["embeds"][0]["title"] == "🤏 0/2 key points covered."
    assert "✗ High percentiles show the tail" in embed_text(bob.reply)
    public = [m for m in harness.api.channel_messages(p.QUIZ_CHANNEL_ID) if not m["flags"]]
    assert public == [question], "the channel sees the question and nothing else"

    rating = {b["label"]: b for b in buttons(alice.reply)}
    assert list(rating) == ["Again", "Hard", "Good", "Easy"]
    assert rating["Good"]["style"] == 1  # the proposed rating, highlighted
    assert {rating[label]["style"] for label in ("Again", "Hard", "Easy")} == {2}
    rated = await harness.press(alice.reply, rating["Easy"]["custom_id"], who=p.ALICE)
    assert rated.callbacks[0]["type"] == 7  # the feedback message itself is updated
    assert rated.reply["content"].startswith("✅ Rated **Easy**: next review in ")
    assert rated.reply["components"] == []

    clock.advance(hours=4)
    await scheduler.tick(clock.now)
    posted = harness.api.channel_messages(p.QUIZ_CHANNEL_ID)[-1]
    assert posted["message_reference"]["message_id"] == question["id"]
    assert posted["message_reference"]["fail_if_not_exists"] is False
    shown = embed_text(posted)
    assert "The mean hides slow outliers; p95 and p99 show the tail users feel." in shown
    assert "Who answered\n🥇 Alice: 100% · +15 pts\n• Bob: 0% · +0 pts" in shown

    board = await harness.command("leaderboard", who=p.BOB)
    assert not board.ephemeral
    lines = board.reply["embeds"][0]["description"].splitlines()
    assert lines == ["🥇 Alice: 15 pts · 🔥1", "🥈 **Bob**: 0 pts · 🔥1"]  # the asker in bold
    assert board.reply["embeds"][0]["footer"]["text"] == "2 players"

    with sqlite3.connect(db_path) as db:
        chat = db.execute(
            "SELECT kind, subscribed, active, push_time, timezone, title FROM chats"
            " WHERE platform = 'discord' AND external_id = ?",
            (p.QUIZ_CHANNEL_ID,),
        ).fetchone()
        attempts = db.execute(
            "SELECT u.display_name, u.platform, u.external_id, a.score, a.source_key"
            " FROM attempts a JOIN users u ON u.id = a.user_id ORDER BY a.id"
        ).fetchall()
        ratings = db.execute("SELECT rating FROM reviews ORDER BY id").fetchall()
        delivery = db.execute("SELECT kind, message_id FROM deliveries").fetchone()
    assert chat == ("group", 1, 1, "09:00", "Europe/Berlin", "Study Group #quiz")
    assert [(name, platform, user) for name, platform, user, _, _ in attempts] == [
        ("Alice", "discord", p.ALICE_ID),
        ("Bob", "discord", p.BOB_ID),
    ]
    assert [score for *_, score, _ in attempts] == [1.0, 0.0]
    assert attempts[0][4] == f"discord:{alice.interaction_id}"
    assert ratings == [(4,), (1,)]  # Alice's own Easy; Bob's proposed Again
    assert delivery == ("daily", int(question["id"]))


async def test_a_member_cannot_answer_twice(harness: Harness, engine: Engine, clock: Clock) -> None:
    await subscribe(harness)
    clock.now = clock.now.replace(hour=8)
    asked = await claim_daily(engine, clock)
    sent = await harness.bot.sender.send_question(TARGET, asked)
    await engine.asking.question_sent(asked.delivery_id, clock.now, message_id=sent.message_id)
    question = harness.api.messages[sent.message_id]

    await harness.answer(question, "outliers and p99", who=p.CAROL)
    again = await harness.answer(question, "tail latency", who=p.CAROL)

    assert again.callbacks[0]["data"]["content"] == "You already answered this question."
    assert again.callbacks[0]["data"]["flags"] == EPHEMERAL


async def test_multiple_choice_buttons_answer_privately(
    harness: Harness, engine: Engine, clock: Clock
) -> None:
    asked = await engine.asking.ask(
        channel_key(p.QUIZ_CHANNEL_ID), None, clock.now, is_group=True, filter_text="formats"
    )
    sent = await harness.bot.sender.send_question(TARGET, asked)
    await engine.asking.question_sent(asked.delivery_id, clock.now, message_id=sent.message_id)
    question = harness.api.messages[sent.message_id]

    labels = [b["label"] for b in buttons(question)]
    assert labels == ["1. Row-major (CSV)", "2. Column-major (Parquet)"]
    assert "**2.** Column-major (Parquet)" in question["embeds"][0]["description"]
    right = await harness.press(question, f"quizbot:choice:{asked.delivery_id}:2", who=p.BOB)
    wrong = await harness.press(question, f"quizbot:choice:{asked.delivery_id}:1", who=p.CAROL)

    assert right.ephemeral and wrong.ephemeral
    assert right.reply["embeds"][0]["title"] == "✅ Correct!"
    assert wrong.reply["embeds"][0]["title"] == "❌ Not quite."
    assert "Correct option: **Column-major (Parquet)**" in embed_text(wrong.reply)
    assert "Analytics read a few columns of many rows." in embed_text(wrong.reply)
    board = await engine.progress.leaderboard(channel_key(p.QUIZ_CHANNEL_ID), "week", clock.now)
    assert [(e.display_name, e.points > 0) for e in board.entries] == [
        ("Bob", True),
        ("Carol", False),
    ]
