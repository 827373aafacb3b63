"""💡 Hint and 🤷 I don't know under a question in a DM, through the real client and the fakes."""

from __future__ import annotations

import copy
import sqlite3
from pathlib import Path
from typing import Any

from tests.discord import payloads as p
from tests.discord.helpers import Harness, buttons


def rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql).fetchall()


def by_label(message: dict[str, Any]) -> dict[str, str]:
    return {b["label"]: b["custom_id"] for b in buttons(message)}


def forged(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    """The message with its last button's custom_id replaced (a crafted interaction)."""
    changed = copy.deepcopy(message)
    changed["components"][-1]["components"][-1]["custom_id"] = custom_id
    return changed


async def test_a_dm_question_offers_hint_and_i_dont_know(harness: Harness) -> None:
    asked = await harness.dm_command("quiz", p.string_option("topic", "latency"), who=p.BOB)

    assert list(by_label(asked.reply)) == ["Answer", "Hint", "I don't know"]
    assert by_label(asked.reply)["Hint"] == "quizbot:hint:1"
    assert by_label(asked.reply)["I don't know"] == "quizbot:idk:1"


async def test_a_server_question_has_no_help_buttons(harness: Harness) -> None:
    asked = await harness.command("quiz", p.string_option("topic", "latency"))

    assert list(by_label(asked.reply)) == ["Answer"]


async def test_a_hint_is_stored_then_caps_the_answer(harness: Harness, db_path: Path) -> None:
    asked = await harness.dm_command("quiz", p.string_option("topic", "latency"), who=p.BOB)

    hinted = await harness.press(asked.reply, "quizbot:hint:1", who=p.BOB)

    assert hinted.reply["content"].startswith("💡 **Hint**: The mean hides slow outliers")
    assert "at most 50% (5 points)" in hinted.reply["content"]
    assert len(rows(db_path, "SELECT * FROM peeks")) == 1
    answered = await harness.answer(asked.reply, "outliers hide in the mean; p99", who=p.BOB)
    assert answered.reply["embeds"][0]["title"] == "🎯 2/2 key points covered."
    assert rows(db_path, "SELECT score, points FROM attempts") == [(0.5, 5)]


async def test_i_dont_know_shows_the_answer_and_rates_again(
    harness: Harness, db_path: Path
) -> None:
    asked = await harness.dm_command("quiz", p.string_option("topic", "latency"), who=p.BOB)

    given_up = await harness.press(asked.reply, "quizbot:idk:1", who=p.BOB)

    text = given_up.reply["content"]
    assert "**Model answer**\nThe mean hides slow outliers" in text
    assert "Recall rated **Again**" in text
    assert "🔥 Streak: **1** day" in text
    assert rows(db_path, "SELECT score, points, answer FROM attempts") == [(0.0, 0, "")]
    assert rows(db_path, "SELECT rating FROM reviews") == [(1,)]


async def test_a_forged_delivery_id_is_refused(harness: Harness, db_path: Path) -> None:
    asked = await harness.dm_command("quiz", p.string_option("topic", "latency"), who=p.BOB)
    crafted = forged(asked.reply, "quizbot:idk:999")

    refused = await harness.press(crafted, "quizbot:idk:999", who=p.BOB)

    assert refused.ephemeral
    assert "closed" in refused.reply["content"]
    assert rows(db_path, "SELECT * FROM attempts") == []


async def test_a_help_button_crafted_onto_a_server_question_is_refused(
    harness: Harness, db_path: Path
) -> None:
    asked = await harness.command("quiz", p.string_option("topic", "latency"))
    crafted = forged(asked.reply, "quizbot:idk:1")

    refused = await harness.press(crafted, "quizbot:idk:1", who=p.BOB)

    assert refused.ephemeral
    assert "for questions in a DM" in refused.reply["content"]
    assert rows(db_path, "SELECT * FROM attempts") == []
    assert rows(db_path, "SELECT * FROM peeks") == []
