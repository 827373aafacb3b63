"""Nothing the bot says on Telegram bypasses the catalogs, found without a list of
wording functions: the real Application runs against the test Bot API server with every
language's catalog swapped for a pseudo-locale (`tests.i18n.pseudo`: the letters of
every translated message become full-width ones), through a long conversation in a
private chat and a group, and every text, caption, button label, callback alert and
command menu entry the server received is read back.

The deck, the people's names and their answers have no ASCII word in them (the deck is
Chinese), so an ASCII word in anything the bot sent is either one of the few values
named in `DATA_WORDS` (deck ids, zone names, a language's own name) or English that did
not come through `t._`/`t.n_`. The lines of a rejected deck file that point at its
mistakes (`FILE:LINE:COL: …`, worded by `bot.decks`) are left out on purpose: they
quote the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bot import i18n
from tests.botapi import RecordedCall
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
from tests.telegram.conftest import (
    START,
    Harness,
    StartBot,
    buttons_of,
    message_id_of,
    text_of,
)

MEI, LEI, WEI = 100_000_301, 100_000_302, 100_000_303
"""Mei plays alone and in the group; Lei is the group's admin; Wei a member."""
DATA_WORDS = {
    # the deck's id and tags, the uploaded files' names (typed by people as shown)
    *ZH_ONLY_WORDS,
    *("mine", "broken", "yaml"),
    # timezone names (IANA) and the language menu's own names
    *("UTC", "Asia", "Shanghai", "Europe", "Berlin", "English"),
    # usage examples the bot fills into a translated sentence, typed as shown
    *("week", "all", "image", "en", "zh"),
}


@pytest.fixture(autouse=True)
def pseudo_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every language's translator is the pseudo-locale, for the whole run."""
    monkeypatch.setattr(i18n, "_compiled", pseudo_translator)


def shown_texts(call: RecordedCall) -> Iterator[str]:
    """What a reader sees from one call: text, caption, buttons, alert, menu, poll."""
    params: dict[str, Any] = call.params
    for key in ("text", "caption", "question", "explanation"):
        if isinstance(params.get(key), str):
            yield params[key]
    for label, _data in buttons_of(call):
        yield label
    for command in params.get("commands") or []:
        yield command["description"]
    for option in params.get("options") or []:
        yield option["text"] if isinstance(option, dict) else str(option)


def bypasses(calls: list[RecordedCall]) -> list[tuple[str, str, list[str]]]:
    found = []
    for call in calls:
        if not call.ok:
            continue
        for text in shown_texts(call):
            words = untranslated_words(ISSUE_LINE.sub(" ", text), DATA_WORDS)
            if words:
                found.append((call.method, text, words))
    return found


async def press(bot: Harness, chat_id: int, message: RecordedCall, data: str, **kw: Any) -> None:
    mark = bot.server.mark()
    bot.server.inject_callback_query(chat_id, message_id_of(message), data, **kw)
    await bot.call("answerCallbackQuery", since=mark)
    await bot.idle(timeout=30)


def button(message: RecordedCall, action: str) -> str:
    """The callback data of the button of `message` whose data has `:action:`."""
    found = [data for _label, data in buttons_of(message) if f":{action}:" in data]
    assert found, buttons_of(message)
    return found[0]


async def run(bot: Harness, chat_id: int, command: str, args: str = "", **kw: Any) -> None:
    """A command, and everything the bot does about it (whatever it sends)."""
    bot.server.inject_command(chat_id, command, args, **kw)
    await bot.idle(timeout=60)


async def upload(bot: Harness, user: int, data: bytes, filename: str) -> None:
    mark = bot.server.mark()
    bot.server.inject_document(user, data, filename, from_user=user)
    await bot.call("sendMessage", user, since=mark, timeout=10)
    await bot.idle()


async def test_nothing_the_bot_sends_on_telegram_bypasses_the_catalogs(
    start_bot: StartBot,
) -> None:
    bot = await start_bot(ZH_ONLY_DECK, with_scheduler=True)
    server = bot.server
    server.add_user(MEI, "小美", language_code="zh-hans")
    server.add_user(LEI, "小雷", language_code="en")
    server.add_user(WEI, "小伟")
    group = int(
        server.add_chat(
            "group", title="面试小组", members={LEI: "administrator", MEI: "member", WEI: "member"}
        )["id"]
    )

    # alone: the welcome, the timezone, help, a question with help, feedback, rating
    await bot.command(MEI, "start")
    asked_zone = server.calls(method="sendMessage", chat_id=MEI)[-1]
    await press(bot, MEI, asked_zone, button(asked_zone, "tz"))
    await bot.command(MEI, "timezone", "北京")
    await bot.command(MEI, "timezone", "亚特兰蒂斯")
    await bot.command(MEI, "time", "25:00")
    await bot.command(MEI, "help")
    question = await bot.command(MEI, "quiz", "缓存")
    await press(bot, MEI, question, button(question, "hint"))
    await bot.say(MEI, "？")
    feedback = await bot.say(MEI, ZH_GOOD_ANSWER)
    await press(bot, MEI, feedback, button(feedback, "rate"))
    question = await bot.command(MEI, "quiz", "缓存")
    await press(bot, MEI, question, button(question, "idk"))
    await run(bot, MEI, "quiz", "存储格式")  # a poll
    await run(bot, MEI, "quiz", "量子力学")
    await run(bot, MEI, "skip")
    for command in ("streak", "stats", "export", "leaderboard", "topics", "lang", "decks"):
        await run(bot, MEI, command)
    for command in ("remind", "schedule", "time", "timezone", "subscribe", "unsubscribe"):
        await run(bot, MEI, command)
    await run(bot, MEI, "lang", "xx")
    await run(bot, MEI, "remind", "on")
    await upload(bot, MEI, BROKEN_DECK, "broken.yaml")
    await upload(bot, MEI, ZH_OWN_DECK, "mine.yaml")
    await upload(bot, MEI, b"\x00\x01", "notes.exe")
    await run(bot, MEI, "deck", "remove mine")
    confirm = server.calls(method="sendMessage", chat_id=MEI)[-1]
    await press(bot, MEI, confirm, button(confirm, "deckrm"))
    await run(bot, MEI, "forgetme")
    confirm = server.calls(method="sendMessage", chat_id=MEI)[-1]
    await press(bot, MEI, confirm, confirm_data(confirm, "no"))

    # a group: the question frame, answers, the reveal, the board, a recap on Monday
    await run(bot, group, "help", from_user=LEI)
    await run(bot, group, "subscribe", from_user=LEI)
    await run(bot, group, "lang", from_user=WEI)
    question = await bot.command(group, "quiz", "缓存", from_user=WEI)
    await press(bot, group, question, button(question, "dm"), from_user=MEI)
    for user in (MEI, WEI):
        mark = server.mark()
        server.inject_reply(group, message_id_of(question), ZH_GOOD_ANSWER, from_user=user)
        await bot.call("setMessageReaction", group, since=mark)
        await bot.idle()
    await run(bot, group, "reveal", from_user=WEI)
    await run(bot, group, "reveal", from_user=LEI)
    for command in ("leaderboard", "stats", "streak", "forgetme", "decks", "export"):
        await run(bot, group, command, from_user=WEI)
    await run(bot, group, "leaderboard", "all image", from_user=WEI)
    await run(bot, group, "time", "07:30", from_user=LEI)
    scheduler = bot.app.bot_data.scheduler
    assert scheduler is not None
    mark = server.mark()
    await scheduler.tick(bot.clock.advance(days=7, hours=1, minutes=1))
    assert bot.clock() == START + timedelta(days=7, hours=1, minutes=1)  # Monday, 09:01
    await bot.idle(timeout=30)

    calls = server.calls()
    sent = [call for call in calls if call.ok and call.method != "getUpdates"]
    methods = {call.method for call in sent}
    assert {"setMyCommands", "answerCallbackQuery", "sendPhoto", "sendDocument"} <= methods
    assert any(
        "📅" in text_of(call) for call in bot.sends_since(mark, group) if "text" in call.result
    )
    found = bypasses(sent)
    assert not found, "\n\n".join(f"{method}: {words}\n{text}" for method, text, words in found)


def confirm_data(message: RecordedCall, choice: str) -> str:
    found = [data for _label, data in buttons_of(message) if data.endswith(f":{choice}")]
    assert found, buttons_of(message)
    return found[0]
