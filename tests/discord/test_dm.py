"""The quiz in a DM: questions, answers and ratings as normal messages, the user's own chat."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey
from tests.discord import payloads as p
from tests.discord.helpers import Clock, Harness, buttons, embed_text


async def test_dm_quiz_answer_and_rating(harness: Harness, db_path: Path) -> None:
    asked = await harness.dm_command("quiz", who=p.BOB)

    question = asked.reply
    assert not asked.ephemeral
    assert question["channel_id"] == str(p.DM_CHANNEL_ID)
    assert question["embeds"][0]["title"] == "❓ Question · DMLS ch1.2 latency"
    assert question["embeds"][0]["footer"]["text"] == "Press Answer to reply."

    answered = await harness.answer(question, "Batching? no: outliers hide in the mean", who=p.BOB)

    assert not answered.ephemeral  # a DM is private already
    assert answered.reply["embeds"][0]["title"] == "👍 1/2 key points covered."
    assert answered.reply["content"] == (
        "🧠 Recall rated **Hard** from your answer; press a button to change it."
    )
    rate = {b["label"]: b["custom_id"] for b in buttons(answered.reply)}
    rated = await harness.press(answered.reply, rate["Good"], who=p.BOB)
    assert rated.reply["content"].startswith("✅ Rated **Good**: next review ")
    assert rated.reply["embeds"] == answered.reply["embeds"]  # the feedback stays

    streak = await harness.dm_command("streak", who=p.BOB)
    assert streak.reply["content"] == "🔥 Streak: **1** day · best 1\n✅ You answered today."
    with sqlite3.connect(db_path) as db:
        chat = db.execute(
            "SELECT c.kind, u.external_id FROM chats c JOIN users u ON u.id = c.owner_id"
            " WHERE c.platform = 'discord'"
        ).fetchone()
        reviews = db.execute("SELECT question_id, rating FROM reviews").fetchall()
    assert chat == ("private", p.BOB_ID)
    assert reviews == [("mini-latency", 3)]


async def test_dm_multiple_choice_by_topic(harness: Harness) -> None:
    asked = await harness.dm_command("quiz", p.string_option("topic", "formats"), who=p.BOB)

    choices = buttons(asked.reply)
    assert [b["label"] for b in choices] == [
        "1. Row-major (CSV)",
        "2. Column-major (Parquet)",
        "I don't know",  # no hint: it would give the choice away
    ]
    picked = await harness.press(asked.reply, choices[1]["custom_id"], who=p.BOB)
    assert picked.reply["embeds"][0]["title"] == "✅ Correct!"
    assert not picked.ephemeral


async def test_discord_players_and_chats_are_apart_from_telegram_ones(
    harness: Harness, engine: Engine, clock: Clock
) -> None:
    asked = await harness.dm_command("quiz", who=p.BOB)
    await harness.answer(asked.reply, "outliers and p99", who=p.BOB)

    on_discord = await engine.progress.stats(PlayerKey("discord", p.BOB_ID, "Bob"), clock.now)
    on_telegram = await engine.progress.stats(PlayerKey("telegram", p.BOB_ID, "Bob"), clock.now)
    assert (on_discord.answered, on_telegram.answered) == (1, 0)
    assert await engine.settings.of(ChatKey("discord", p.DM_CHANNEL_ID)) is not None
    assert await engine.settings.of(ChatKey("telegram", p.DM_CHANNEL_ID)) is None


async def test_leaderboard_in_a_dm_points_to_server_channels(harness: Harness) -> None:
    board = await harness.dm_command("leaderboard", who=p.BOB)

    assert "Leaderboards belong to server channels" in board.reply["content"]


async def test_stats_and_topics_in_a_dm(harness: Harness) -> None:
    stats = await harness.dm_command("stats", who=p.BOB)
    topics = await harness.dm_command("topics", who=p.BOB)

    assert stats.reply["embeds"][0]["title"] == "📊 Your progress"
    assert "Questions seen: 0/4" in embed_text(stats.reply)
    assert "• DMLS ch3.1 data formats (1)" in embed_text(topics.reply)


async def test_reminders_can_be_turned_off(
    harness: Harness, engine: Engine, clock: Clock, db_path: Path
) -> None:
    off = await harness.dm_command("remind", p.string_option("switch", "off"), who=p.BOB)

    assert off.reply["content"] == "🔕 Reminders off."
    with sqlite3.connect(db_path) as db:
        (reminders,) = db.execute(
            "SELECT reminders FROM users WHERE platform = 'discord' AND external_id = ?",
            (p.BOB_ID,),
        ).fetchone()
    assert reminders == 0
