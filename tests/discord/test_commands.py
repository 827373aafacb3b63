"""Slash commands through discord.py's real command tree: who may run them, what they say."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import pytest

from bot.discord import replies
from bot.discord.answering import ANSWER_TEMPLATE, CHOICE_TEMPLATE, RATE_TEMPLATE
from bot.discord.context import channel_key
from bot.engine.quiz import Engine
from tests.discord import payloads as p
from tests.discord.helpers import EPHEMERAL, Harness, buttons, embed_text

NEEDS_MANAGE_SERVER = "Only members with the Manage Server permission can do that."


async def test_daily_needs_manage_server(harness: Harness, engine: Engine) -> None:
    refused = await harness.command("daily", p.subcommand("on"), who=p.BOB)

    assert refused.callbacks[0]["data"] == {
        "tts": False,
        "content": NEEDS_MANAGE_SERVER,
        "flags": EPHEMERAL,
        "allowed_mentions": {"parse": []},
    }
    assert await engine.settings.of(channel_key(p.QUIZ_CHANNEL_ID)) is None


async def test_daily_on_another_channel_with_time_and_timezone(
    harness: Harness, engine: Engine
) -> None:
    option, resolved = p.channel_option("channel", harness.channels[p.OTHER_CHANNEL_ID])
    done = await harness.command(
        "daily",
        p.subcommand(
            "on",
            [option, p.string_option("time", "7:30"), p.string_option("timezone", "Asia/Tokyo")],
        ),
        permissions=p.ADMIN,
        resolved=resolved,
    )

    assert done.ephemeral
    assert done.reply["content"].startswith(
        f"Daily questions will be posted in <#{p.OTHER_CHANNEL_ID}> every day at 07:30 (Asia/Tokyo)."
    )
    settings = await engine.settings.of(channel_key(p.OTHER_CHANNEL_ID))
    assert settings is not None
    assert (settings.subscribed, settings.push_time, settings.timezone) == (
        True,
        "07:30",
        "Asia/Tokyo",
    )


async def test_daily_on_with_a_bad_timezone_changes_nothing(
    harness: Harness, engine: Engine
) -> None:
    refused = await harness.command(
        "daily",
        p.subcommand("on", [p.string_option("time", "08:00"), p.string_option("timezone", "Mars")]),
        permissions=p.ADMIN,
    )

    assert refused.callbacks[0]["data"]["content"] == (
        "'Mars' is not an IANA timezone name (e.g. Europe/Berlin)."
    )
    assert await engine.settings.of(channel_key(p.QUIZ_CHANNEL_ID)) is None


async def test_daily_off_and_status(harness: Harness, engine: Engine) -> None:
    await harness.command("daily", p.subcommand("on"), permissions=p.ADMIN)
    off = await harness.command("daily", p.subcommand("off"), permissions=p.ADMIN)
    status = await harness.command("daily", p.subcommand("status"), permissions=p.ADMIN)

    assert off.reply["content"] == (
        f"Daily questions in <#{p.QUIZ_CHANNEL_ID}> are off. `/daily on` starts them again."
    )
    assert status.reply["content"].startswith("Daily questions are off in")
    settings = await engine.settings.of(channel_key(p.QUIZ_CHANNEL_ID))
    assert settings is not None and not settings.subscribed


async def test_timezone_autocomplete(harness: Harness) -> None:
    done = await harness.command(
        "daily",
        p.subcommand("on", [p.string_option("timezone", "berl", focused=True)]),
        permissions=p.ADMIN,
        kind=4,
    )

    (callback,) = done.callbacks
    assert callback["type"] == 8
    assert callback["data"]["choices"] == [{"name": "Europe/Berlin", "value": "Europe/Berlin"}]


async def test_reveal_shows_the_answer_to_the_channel(harness: Harness) -> None:
    asked = await harness.command("quiz", who=p.BOB)
    await harness.answer(asked.reply, "outliers and p99", who=p.CAROL)

    refused = await harness.command("reveal", who=p.BOB)
    shown = await harness.command("reveal", permissions=p.ADMIN)
    again = await harness.command("reveal", permissions=p.ADMIN)

    assert refused.callbacks[0]["data"]["content"] == NEEDS_MANAGE_SERVER
    assert not shown.ephemeral
    assert "🥇 Carol: 100% · +10 pts" in embed_text(shown.reply)
    assert again.callbacks[0]["data"]["content"] == (
        "There is no question waiting for its answer here."
    )


async def test_progress_is_private_in_a_server(harness: Harness) -> None:
    for name in ("streak", "stats", "topics"):
        exchange = await harness.command(name, who=p.BOB)
        assert exchange.ephemeral, name


async def test_unknown_topic_lists_topics(harness: Harness) -> None:
    refused = await harness.command("quiz", p.string_option("topic", "quantum"))

    assert refused.callbacks[0]["data"]["content"] == (
        "Nothing matches **quantum**.\nDecks: `mini`\n"
        "See /topics for topics; any open question is still open."
    )


async def test_a_huge_unknown_topic_is_echoed_short_and_keeps_its_bold_closed(
    harness: Harness,
) -> None:
    refused = await harness.command("quiz", p.string_option("topic", "*q" * 3000))

    first = refused.callbacks[0]["data"]["content"].splitlines()[0]
    assert first.startswith("Nothing matches **\\*q\\*q") and first.endswith("…**.")
    assert len(first) < 300


async def test_a_fault_is_logged_with_context_and_answered_politely(
    harness: Harness, engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine.progress, "streak", broken)
    with caplog.at_level(logging.ERROR, logger="bot.discord"):
        failed = await harness.command("streak", who=p.BOB)

    assert failed.callbacks[0]["data"]["content"] == "Something went wrong, try again."
    assert failed.callbacks[0]["data"]["flags"] == EPHEMERAL
    (record,) = caplog.records
    assert f"interaction {failed.interaction_id} streak by user {p.BOB_ID}" in record.message
    assert f"channel {p.QUIZ_CHANNEL_ID}" in record.message
    assert "disk on fire" in str(record.exc_info[1])


async def test_slow_engine_defers_then_follows_up(
    harness: Harness, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask = engine.asking.ask

    async def slow_ask(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.05)
        return await ask(*args, **kwargs)

    monkeypatch.setattr(replies, "DEFER_AFTER", 0.01)
    monkeypatch.setattr(engine.asking, "ask", slow_ask)
    asked = await harness.command("quiz", who=p.BOB)

    assert [c["type"] for c in asked.callbacks] == [5]  # "thinking…" first
    assert len(asked.followups) == 1
    question = asked.reply  # the thinking message, filled in with the question
    assert question["embeds"][0]["title"] == "❓ Question · DMLS ch1.2 latency"
    answered = await harness.answer(question, "outliers", who=p.CAROL)
    assert answered.reply["embeds"][0]["title"] == "👍 1/2 key points covered."


async def test_slow_rating_defers_then_edits(
    harness: Harness, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = await harness.dm_command("quiz", who=p.BOB)
    answered = await harness.answer(asked.reply, "outliers", who=p.BOB)
    rate = engine.rating.rate

    async def slow_rate(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.05)
        return await rate(*args, **kwargs)

    monkeypatch.setattr(replies, "DEFER_AFTER", 0.01)
    monkeypatch.setattr(engine.rating, "rate", slow_rate)
    easy = next(b for b in buttons(answered.reply) if b["label"] == "Easy")
    rated = await harness.press(answered.reply, easy["custom_id"], who=p.BOB)

    assert [c["type"] for c in rated.callbacks] == [6]  # a deferred update
    assert rated.reply["id"] == answered.reply["id"]
    assert rated.reply["content"].startswith("✅ Rated **Easy**")
    assert rated.reply["components"] == []


@pytest.mark.parametrize(
    ("template", "custom_id", "valid"),
    [
        (ANSWER_TEMPLATE, "quizbot:answer:42", True),
        (ANSWER_TEMPLATE, "quizbot:answer:042", False),
        (ANSWER_TEMPLATE, "quizbot:answer:-1", False),
        (ANSWER_TEMPLATE, "quizbot:answer:42:1", False),
        (ANSWER_TEMPLATE, "quizbot:answer:" + "9" * 19, False),
        (CHOICE_TEMPLATE, "quizbot:choice:42:10", True),
        (CHOICE_TEMPLATE, "quizbot:choice:42:11", False),
        (CHOICE_TEMPLATE, "quizbot:choice:42:0", False),
        (RATE_TEMPLATE, "quizbot:rate:7:4", True),
        (RATE_TEMPLATE, "quizbot:rate:7:5", False),
        (RATE_TEMPLATE, "quizbot:rate:7:4 ", False),
    ],
)
def test_custom_ids_are_parsed_strictly(template: str, custom_id: str, valid: bool) -> None:
    import re

    assert (re.fullmatch(template, custom_id) is not None) is valid
    assert len(custom_id) <= 100


async def test_a_forged_custom_id_gets_no_answer(harness: Harness) -> None:
    asked = await harness.command("quiz", who=p.BOB)
    forged = {
        **asked.reply,
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 1, "label": "Answer", "custom_id": "quizbot:answer:01"}
                ],
            }
        ],
    }

    pressed = await harness.press(forged, "quizbot:answer:01", who=p.CAROL)

    assert pressed.callbacks == []


async def test_only_the_answerer_may_rate(harness: Harness, now: datetime) -> None:
    asked = await harness.command("quiz", who=p.BOB)
    answered = await harness.answer(asked.reply, "outliers", who=p.BOB)
    good = next(b for b in buttons(answered.reply) if b["label"] == "Good")

    stolen = await harness.press(answered.reply, good["custom_id"], who=p.CAROL)

    assert stolen.callbacks[0]["data"]["content"] == "That answer is not yours to rate."
