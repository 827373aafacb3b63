"""Interaction payloads in the shapes Discord documents, replayed through the real
discord.py dispatch into the bot (tests/discord/helpers.py fakes Discord's REST side).

Each payload goes in twice: as captured (another server, commands and buttons the bot
never made), and moved into the bot's own server and channel, pointing at the bot's
commands and at buttons of its own that no longer exist. Either way nothing may escape
as an unhandled exception or an error log, and the bot keeps answering afterwards.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.corpus.discord_interactions import KINDS, corpus
from tests.discord import payloads as p
from tests.discord.helpers import Harness

CORPUS = corpus()
OWN_IDS = {
    2: "streak",  # a command of ours
    3: "quizbot:answer:987654",  # our Answer button, for a question that is gone
    5: "quizbot:form:987654:0",  # our answer form, for a question that is gone
}


def trouble(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{record.levelname} {record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.exc_info
    ]


ALWAYS_SENT = {"version": 1, "attachment_size_limit": 10485760, "entitlements": []}
"""Fields Discord sends with every interaction today, missing from older documented
examples; discord.py cannot read an interaction without them."""


def as_captured(payload: dict[str, Any]) -> dict[str, Any]:
    """Addressed to this bot (another app's interactions never come), a fresh id, and
    today's always-present fields where an older example lacks them."""
    interaction_id = p.snowflake()
    payload["application_id"] = str(p.APP_ID)
    payload["id"] = str(interaction_id)
    payload["token"] = f"Y29ycHVz{interaction_id}"  # the examples' placeholders are not URL-safe
    for key, value in ALWAYS_SENT.items():
        payload.setdefault(key, value)
    if not payload.get("user") and "member" not in payload:
        payload["user"] = p.CAROL  # the example elides the user ("user": {})
    resolved = (payload.get("data") or {}).get("resolved") or {}
    for member in [payload.get("member"), *(resolved.get("members") or {}).values()]:
        if isinstance(member, dict):
            member.setdefault("flags", 0)  # member flags, sent since 2023
    return payload


def at_home(payload: dict[str, Any]) -> dict[str, Any]:
    """The same shape in the bot's server and channel, naming the bot's own things."""
    payload = as_captured(payload)
    kind = int(payload["type"])
    data = payload.setdefault("data", {})
    if kind == 2:
        data["name"] = OWN_IDS[2]
        data.pop("options", None)
        data["type"] = 1
    elif kind in OWN_IDS:
        data["custom_id"] = OWN_IDS[kind]
    channel = p.text_channel(p.QUIZ_CHANNEL_ID, "quiz")
    payload |= {"channel_id": str(p.QUIZ_CHANNEL_ID), "channel": channel}
    if "guild_id" in payload:
        payload |= {
            "guild_id": str(p.GUILD_ID),
            "guild": {"id": str(p.GUILD_ID), "locale": "en-US", "features": []},
        }
    if isinstance(payload.get("message"), dict):
        payload["message"]["channel_id"] = str(p.QUIZ_CHANNEL_ID)
    return payload


def test_the_corpus_has_every_kind_of_interaction_the_bot_handles() -> None:
    kinds = {item.kind for item in CORPUS}
    assert {KINDS[2], KINDS[3], KINDS[5]} <= kinds
    assert any("guild_id" not in item.payload for item in CORPUS), "a DM interaction"
    assert len(CORPUS) >= 7


@pytest.mark.parametrize("item", CORPUS, ids=[item.name for item in CORPUS])
@pytest.mark.parametrize("placed", [as_captured, at_home], ids=["captured", "at-home"])
async def test_a_captured_interaction_is_handled_without_an_unhandled_error(
    harness: Harness, caplog: pytest.LogCaptureFixture, item: Any, placed: Any
) -> None:
    caplog.set_level(logging.INFO)

    await harness.deliver(placed(item.copy()))
    after = await harness.command("streak", who=p.BOB)

    assert trouble(caplog) == []
    assert after.reply["content"], "the bot still answers"


async def test_an_interaction_without_a_user_is_reported_not_crashed(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Discord's own example elides the user ("user": {}); the error report must still
    get written and answered, not die inside the error handler."""
    (item,) = [item for item in CORPUS if item.name.endswith(":link")]
    payload = as_captured(item.copy())
    payload["user"] = {}
    payload["data"] = {"id": "1", "name": "streak", "type": 1}

    exchange = await harness.deliver(payload)

    assert exchange.reply["content"] == "Something went wrong, try again."
    lost = [r for r in caplog.records if "never retrieved" in r.getMessage()]
    assert lost == []
    [report] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "by user None" in report.getMessage()
