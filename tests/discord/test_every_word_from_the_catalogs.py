"""Nothing the bot sends on Discord bypasses the catalogs, found without a list of
functions: the real client and the fake Discord (`tests.discord.helpers`), every
catalog swapped for the pseudo-locale (`tests.i18n.pseudo`), a long session in a server
channel and a DM over a deck with no ASCII word in it, and every content, embed, button,
form and error the bot sent read back. Any ASCII word left (outside commands, mentions
and the few data words named here) was not worded through `t._`/`t.n_`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bot import i18n
from bot.decks.catalog import Catalog
from bot.engine.quiz import Engine
from scheduler.sending import ChatTarget
from tests.discord import payloads as p
from tests.discord.helpers import Clock, Exchange, Harness, buttons
from tests.i18n.pseudo import (
    BROKEN_DECK,
    ISSUE_LINE,
    ZH_GOOD_ANSWER,
    ZH_ONLY_DECK,
    ZH_ONLY_WORDS,
    ZH_OWN_DECK,
    pseudo_translator,
    untranslated_words,
)

MEI = p.user(1400000000000000011, "xiaomei", "小美")
LEI = p.user(1400000000000000012, "xiaolei", "小雷")
DATA_WORDS = {
    *ZH_ONLY_WORDS,
    *("mine", "broken", "yaml"),  # the uploaded files' names, the own deck's id
    *("UTC", "Asia", "Shanghai"),  # zone names
}
MENTION = re.compile(r"<[#@][!&]?\d+>")
TEXT_KEYS = ("content", "title", "description", "text", "label", "placeholder")


@pytest.fixture
def catalog() -> Catalog:
    return Catalog.load([ZH_ONLY_DECK])


@pytest.fixture(autouse=True)
def pseudo_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_compiled", pseudo_translator)


def shown(value: Any) -> Iterator[str]:
    """Every text a reader sees in a request body: contents, embeds (fields too),
    buttons, forms."""
    if isinstance(value, list):
        for item in value:
            yield from shown(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if (
                isinstance(item, str) and (key in TEXT_KEYS or (key == "name" and "value" in value))
            ) or (key == "value" and "name" in value and isinstance(item, str)):
                yield item
            elif isinstance(item, dict | list):
                yield from shown(item)


def by_label(message: dict[str, Any]) -> dict[str, str]:
    return {b["label"]: b["custom_id"] for b in buttons(message)}


def dm(who: dict[str, Any]) -> dict[str, Any]:
    return p.dm_channel(who)


async def dm_command(
    harness: Harness, name: str, *options: Any, who: dict[str, Any] = MEI, resolved: Any = None
) -> Exchange:
    data = p.command_data(name, list(options), resolved)
    return await harness.deliver(p.interaction(2, data, channel=dm(who), who=who, in_guild=False))


async def upload(harness: Harness, data: bytes, filename: str) -> Exchange:
    option, resolved = p.attachment_option("file", filename, data, harness.api.cdn)
    return await dm_command(harness, "deck", p.subcommand("upload", [option]), resolved=resolved)


def first_button(message: dict[str, Any], action: str) -> str:
    found = [b["custom_id"] for b in buttons(message) if f":{action}:" in b["custom_id"]]
    assert found, buttons(message)
    return found[0]


async def test_nothing_the_bot_sends_on_discord_bypasses_the_catalogs(
    harness: Harness, engine: Engine, clock: Clock
) -> None:
    # a server channel: a question, the form, feedback and its rating, progress
    asked = await harness.command("quiz", p.string_option("topic", "缓存"), who=MEI)
    opened = await harness.press(asked.reply, first_button(asked.reply, "answer"), who=MEI)
    feedback = await harness.submit(opened, ZH_GOOD_ANSWER, who=MEI)
    await harness.press(feedback.reply, first_button(feedback.reply, "rate"), who=MEI)
    await harness.command("quiz", p.string_option("topic", "量子力学"), who=LEI)
    for name in ("streak", "stats", "topics", "decks", "export", "skip", "reveal"):
        await harness.command(name, who=LEI)
    await harness.command("leaderboard", who=LEI)
    await harness.command("leaderboard", p.string_option("period", "all"), who=LEI)
    await harness.command("remind", p.string_option("switch", "on"), who=LEI)
    await harness.command("daily", p.subcommand("on"), who=LEI)  # not an admin
    await harness.command("deck", p.subcommand("use", [p.string_option("ids", "zh-only")]), who=LEI)
    for sub in ("on", "status", "off"):
        await harness.command("daily", p.subcommand(sub), who=LEI, permissions=p.ADMIN)
    await harness.command(
        "daily",
        p.subcommand("on", [p.string_option("time", "25:00")]),
        who=LEI,
        permissions=p.ADMIN,
    )
    await harness.command("reveal", who=LEI, permissions=p.ADMIN)
    forget = await harness.command("forgetme", who=LEI)
    await harness.press(forget.reply, first_button(forget.reply, "forget"), who=MEI)  # not hers
    await harness.press(forget.reply, forget_choice(forget.reply, "no"), who=LEI)

    # a DM: help with a question, the daily question by DM, own decks
    asked = await dm_command(harness, "quiz", p.string_option("topic", "缓存"))
    await harness.press(asked.reply, first_button(asked.reply, "hint"), who=MEI)
    await harness.press(asked.reply, first_button(asked.reply, "idk"), who=MEI)
    await dm_command(harness, "quiz", p.string_option("topic", "存储格式"))
    for name in ("skip", "leaderboard", "subscribe", "streak", "stats"):
        await dm_command(harness, name)
    await dm_command(harness, "time", p.string_option("time", "25:00"))
    await dm_command(harness, "time", p.string_option("time", "07:30"))
    await dm_command(harness, "timezone", p.string_option("timezone", "亚特兰蒂斯"))
    await dm_command(harness, "timezone", p.string_option("timezone", "上海"))
    await dm_command(harness, "unsubscribe")
    await harness.command("subscribe", who=MEI)  # a DM command in a server
    await upload(harness, BROKEN_DECK, "broken.yaml")
    await upload(harness, ZH_OWN_DECK, "mine.yaml")
    await upload(harness, b"\x00\x01", "notes.exe")
    removing = await dm_command(
        harness, "deck", p.subcommand("remove", [p.string_option("id", "mine")])
    )
    await harness.press(removing.reply, first_button(removing.reply, "deckrm"), who=MEI)

    # the weekly recap of the channel, as the scheduler's sender posts it
    async with engine.store.read() as tx:
        chat = await tx.chats.find("discord", p.QUIZ_CHANNEL_ID)
    assert chat is not None
    recap = await engine.recaps.weekly(chat.id, clock() + timedelta(days=7))
    assert recap is not None
    target = ChatTarget("discord", p.QUIZ_CHANNEL_ID, True)
    await harness.bot.sender.send_recap(target, recap)

    sent = [
        call
        for call in harness.api.calls
        if call.method in ("POST", "PATCH") and not call.path.endswith("/commands")
    ]
    assert len(sent) > 40
    leaks = [
        (call.path, text, words)
        for call in sent
        for text in shown(call.body)
        if (words := untranslated_words(MENTION.sub(" ", ISSUE_LINE.sub(" ", text)), DATA_WORDS))
    ]
    assert leaks == [], "\n\n".join(f"{words}\n{text}" for _path, text, words in leaks)


def forget_choice(message: dict[str, Any], choice: str) -> str:
    found = [b["custom_id"] for b in buttons(message) if b["custom_id"].endswith(f":{choice}")]
    assert found, buttons(message)
    return found[0]
