"""Progress in Discord: the /stats chart attached (only for you in a server), /export as a
CSV file, the weekly recap through the sender, and the `/quiz weak` note."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot.discord import progress, render, replies
from bot.discord.context import PLATFORM, channel_key
from bot.engine.quiz import Engine
from bot.i18n import Translator, translator_for
from bot.progress.chart_data import StatsChartData
from bot.progress.export import COLUMNS
from bot.progress.weak import NO_HISTORY_NOTE
from scheduler.recaps import RecapSender
from scheduler.sending import ChatTarget, ChatUnreachable
from scheduler.service import QuizScheduler
from tests.discord import payloads as p
from tests.discord.helpers import FORBIDDEN, Clock, Exchange, Harness, Upload

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."
CHANNEL = ChatTarget(PLATFORM, p.QUIZ_CHANNEL_ID, is_group=True)
EVE = p.user(1400000000000000005, "eve", "**Eve** <@everyone>")


def uploads_of(harness: Harness, exchange: Exchange) -> list[Upload]:
    """The files the bot attached in answer to one interaction."""
    token = harness.api.interactions[exchange.interaction_id]["token"]
    return [
        upload
        for call in harness.api.calls
        if str(exchange.interaction_id) in call.path or token in call.path
        for upload in call.files
    ]


def reply_body(exchange: Exchange) -> dict[str, object]:
    """What the bot replied with: the callback's data, or the follow-up after a deferral."""
    return exchange.followups[-1] if exchange.followups else exchange.callbacks[-1]["data"]


async def answered_in_channel(harness: Harness, who: dict[str, object] = p.ALICE) -> None:
    asked = await harness.command("quiz", p.string_option("topic", "latency"), who=who)
    await harness.answer(asked.reply, GOOD_ANSWER, who=who)


# -- /stats ------------------------------------------------------------------------------


async def test_stats_attaches_the_chart_only_for_you_in_a_server(harness: Harness) -> None:
    await answered_in_channel(harness)

    stats = await harness.command("stats")

    assert stats.ephemeral
    (chart,) = uploads_of(harness, stats)
    assert chart.filename == "stats.png" and chart.data.startswith(PNG_MAGIC)
    embed = stats.reply["embeds"][0]
    assert embed["title"] == "📊 Your progress"
    assert embed["image"]["url"] == "attachment://stats.png"


async def test_stats_in_a_dm_is_a_normal_reply_with_the_chart(harness: Harness) -> None:
    stats = await harness.dm_command("stats", who=p.BOB)

    assert not stats.ephemeral
    (chart,) = uploads_of(harness, stats)
    assert chart.data.startswith(PNG_MAGIC)


async def test_stats_without_the_chart_when_it_cannot_be_drawn(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(data: object, t: object) -> bytes:
        raise RuntimeError("no fonts today")

    monkeypatch.setattr(progress, "render_stats", broken)
    stats = await harness.command("stats")

    assert stats.ephemeral and uploads_of(harness, stats) == []
    assert stats.reply["embeds"][0]["title"] == "📊 Your progress"
    assert "image" not in stats.reply["embeds"][0]


async def test_slow_drawing_defers_and_the_chart_follows(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    draw = progress.render_stats

    async def slow(data: StatsChartData, t: Translator) -> bytes:
        await asyncio.sleep(0.05)
        return await draw(data, t)

    monkeypatch.setattr(replies, "DEFER_AFTER", 0.01)
    monkeypatch.setattr(progress, "render_stats", slow)
    stats = await harness.command("stats")

    assert [c["type"] for c in stats.callbacks] == [5]  # "thinking…" (only for you) first
    assert stats.ephemeral and len(stats.followups) == 1
    (chart,) = uploads_of(harness, stats)
    assert chart.data.startswith(PNG_MAGIC)
    assert stats.reply["embeds"][0]["image"]["url"] == "attachment://stats.png"


# -- /export -----------------------------------------------------------------------------


async def test_export_sends_your_history_only_to_you(harness: Harness, db_path: Path) -> None:
    await answered_in_channel(harness)
    await answered_in_channel(harness, who=p.BOB)

    exported = await harness.command("export")

    assert exported.ephemeral
    assert reply_body(exported)["content"] == render.export_caption(1, translator_for("en"))
    (document,) = uploads_of(harness, exported)
    assert document.filename == "quizbot-history-2025-03-03.csv"
    header, *rows = csv.reader(io.StringIO(document.data.decode("utf-8-sig"), newline=""))
    assert tuple(header) == COLUMNS
    with sqlite3.connect(db_path) as db:
        expected = db.execute(
            "SELECT a.answered_at, a.local_day, a.question_id, a.answer, a.score, a.points,"
            " c.title FROM attempts a JOIN users u ON u.id = a.user_id"
            " JOIN chats c ON c.id = a.chat_id"
            " WHERE u.platform = 'discord' AND u.external_id = ?",
            (p.ALICE_ID,),
        ).fetchall()
    assert [(r[0], r[1], r[4], r[6], float(r[7]), int(r[8]), r[10]) for r in rows] == [
        (at, day, question, answer, round(score, 2), points, title)
        for at, day, question, answer, score, points, title in expected
    ]
    assert rows[0][2:4] == ["mini", "DMLS ch1.2 latency"]


async def test_export_with_no_answers(harness: Harness) -> None:
    exported = await harness.dm_command("export", who=p.BOB)

    assert exported.reply["content"] == render.export_empty(translator_for("en"))
    assert uploads_of(harness, exported) == []


# -- the weekly recap --------------------------------------------------------------------


async def test_weekly_recap_through_the_scheduler(
    harness: Harness, clock: Clock, scheduler: QuizScheduler
) -> None:
    await harness.command("daily", p.subcommand("on"), permissions=p.ADMIN)
    await answered_in_channel(harness)
    await answered_in_channel(harness, who=EVE)
    assert isinstance(harness.bot.sender, RecapSender)

    clock.advance(days=7, minutes=1)  # next Monday, past the 09:00 push time
    await scheduler.tick(clock.now)

    recaps = [
        m
        for m in harness.api.channel_messages(p.QUIZ_CHANNEL_ID)
        if m["embeds"] and m["embeds"][0]["title"].startswith("📅 Weekly recap")
    ]
    (recap,) = recaps
    embed = recap["embeds"][0]
    assert embed["title"] == "📅 Weekly recap · 3–9 Mar 2025"
    assert "1. Alice · 10 pts" in embed["description"]
    assert r"\*\*Eve\*\* <@everyone> · 10 pts" in embed["description"]
    assert recap["content"] == ""

    await scheduler.tick(clock.now + timedelta(hours=1))
    assert recaps_in(harness) == [recap]  # once a week


def recaps_in(harness: Harness) -> list[dict[str, object]]:
    return [
        message
        for message in harness.api.channel_messages(p.QUIZ_CHANNEL_ID)
        if message["embeds"] and message["embeds"][0]["title"].startswith("📅 Weekly recap")
    ]


async def test_a_recap_to_a_channel_that_refuses_is_unreachable(
    harness: Harness, engine: Engine, clock: Clock, db_path: Path
) -> None:
    await answered_in_channel(harness)
    with sqlite3.connect(db_path) as db:
        (chat_id,) = db.execute(
            "SELECT id FROM chats WHERE platform = 'discord' AND external_id = ?",
            (p.QUIZ_CHANNEL_ID,),
        ).fetchone()
    recap = await engine.recaps.weekly(chat_id, clock.now + timedelta(days=7))
    assert recap is not None
    harness.api.fail(p.QUIZ_CHANNEL_ID, FORBIDDEN)

    with pytest.raises(ChatUnreachable):
        await harness.bot.sender.send_recap(CHANNEL, recap)


# -- /quiz weak --------------------------------------------------------------------------


async def test_quiz_weak_shows_its_note_above_the_question(harness: Harness) -> None:
    first = await harness.dm_command("quiz", p.string_option("topic", "weak"), who=p.BOB)
    assert first.reply["content"] == f"🎯 {NO_HISTORY_NOTE}"
    await harness.answer(first.reply, "no idea", who=p.BOB)

    drill = await harness.command("quiz", p.string_option("topic", "weak"), who=p.BOB)

    question = drill.reply
    assert question["content"].startswith("🎯 Weak-topic drill: ")
    topic = question["content"].removeprefix("🎯 Weak-topic drill: ").rstrip(".")
    assert question["embeds"][0]["title"].endswith(topic)
    assert "drill" not in question["embeds"][0]["description"]  # the form shows only this


async def test_the_sender_puts_the_note_above_a_pushed_question(
    harness: Harness, engine: Engine, clock: Clock
) -> None:
    asked = await engine.asking.ask(
        channel_key(p.QUIZ_CHANNEL_ID), None, clock.now, is_group=True, filter_text="weak"
    )

    sent = await harness.bot.sender.send_question(CHANNEL, asked)

    message = harness.api.messages[sent.message_id]
    assert message["content"] == f"🎯 {NO_HISTORY_NOTE}"


# -- /leaderboard image and /skip -------------------------------------------------------


async def test_leaderboard_image_attaches_the_picture_for_everyone(harness: Harness) -> None:
    await answered_in_channel(harness)

    board = await harness.command(
        "leaderboard", {"name": "image", "type": 5, "value": True}, who=p.BOB
    )

    assert not board.ephemeral
    (picture,) = uploads_of(harness, board)
    assert picture.filename == "leaderboard.png" and picture.data.startswith(PNG_MAGIC)
    embed = board.reply["embeds"][0]
    assert embed["image"]["url"] == "attachment://leaderboard.png"
    assert "Alice" in embed["description"]


async def test_skip_in_a_dm_shows_the_answer_and_in_a_server_points_to_the_reveal(
    harness: Harness,
) -> None:
    await harness.dm_command("quiz", p.string_option("topic", "latency"))
    skipped = await harness.dm_command("skip")
    assert "Skipped" in skipped.texts and "p95 and p99" in skipped.texts

    again = await harness.dm_command("skip")
    assert "No question" in again.texts or "no question" in again.texts.lower()

    in_server = await harness.command("skip")
    assert in_server.ephemeral and "reveal" in in_server.texts
