"""Daily questions posted as prepared JSON (`TelegramSender.send_question`'s lean path):
the same calls as through PTB's `Bot`, the same outcomes, one rendering per question."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.decks.catalog import Catalog
from bot.engine.results import Asked
from bot.i18n import Translator, translator_for
from bot.ops.metrics import Metrics
from bot.telegram import prepared, render
from bot.telegram.keyboards import AnswerByDmButton, parse_button
from bot.telegram.outbox import send_question
from bot.telegram.ratelimit import PRE_PACED
from bot.telegram.sender import TelegramSender
from scheduler.sending import (
    ChatTarget,
    ChatUnreachable,
    OutcomeUnknown,
    RetryLater,
    SendRejected,
    SentMessage,
)
from tests.botapi import Fault, RecordedCall
from tests.telegram.conftest import ALICE, BOB, LONG_DECK, MINI_DECK, SPEEDUP, TOKEN, Harness


def asked(
    question_id: str, *, is_group: bool, delivery_id: int = 7, deck: Any = MINI_DECK
) -> Asked:
    catalog = Catalog.load([deck])
    return Asked(
        delivery_id=delivery_id,
        question=catalog.by_id[question_id],
        language="en",
        kind="daily",
        local_day=date(2025, 3, 3),
        is_group=is_group,
        is_review=False,
    )


@pytest.fixture
def sender(bot: Harness) -> TelegramSender:
    return TelegramSender(bot.app.bot, retry_after_scale=1 / SPEEDUP)


async def paced(bot: Harness, target: ChatTarget) -> ChatTarget:
    """Take a send slot, as the scheduler does before each sender call."""
    await bot.app.bot_data.limiter.acquire(target.external_id, is_group=target.is_group)
    return target


def sent_by(bot: Harness, mark: int) -> list[RecordedCall]:
    return [call for call in bot.server.calls(since=mark) if call.method.startswith("send")]


async def both_ways(
    bot: Harness, sender: TelegramSender, targets: tuple[ChatTarget, ChatTarget], question: Asked
) -> tuple[RecordedCall, SentMessage, RecordedCall, SentMessage]:
    """The question sent through the prepared path to one chat, and through PTB's `Bot` to
    another like it (two chats: neither send waits for the other's per-chat limit)."""
    lean_to, ptb_to = targets
    mark = bot.server.mark()
    lean = await sender.send_question(await paced(bot, lean_to), question)
    await paced(bot, ptb_to)
    through_ptb = await send_question(
        bot.app.bot,
        ptb_to.external_id,
        question,
        translator_for("en"),
        thread_id=ptb_to.thread_id,
        options=PRE_PACED,
    )
    lean_call, ptb_call = sent_by(bot, mark)
    assert (lean_call.chat_id, ptb_call.chat_id) == (lean_to.external_id, ptb_to.external_id)
    return lean_call, lean, ptb_call, through_ptb


def alike(lean_call: RecordedCall, ptb_call: RecordedCall) -> tuple[dict[str, Any], ...]:
    """Both calls' parameters but the chat id."""
    return tuple(
        {name: value for name, value in call.params.items() if name != "chat_id"}
        for call in (lean_call, ptb_call)
    )


@pytest.mark.parametrize(
    ("question_id", "in_group"),
    [
        ("mini-latency", False),
        ("mini-latency", True),
        ("mini-ml-when", True),
        ("mini-parquet", True),
    ],
    ids=["private text", "group text with button", "chinese text", "quiz poll"],
)
async def test_a_prepared_question_is_the_same_call_as_through_ptb(
    bot: Harness, sender: TelegramSender, group: int, question_id: str, in_group: bool
) -> None:
    if in_group:
        other = int(bot.server.add_chat("group", title="Other", members={BOB: "member"})["id"])
        targets = (ChatTarget("telegram", group, True), ChatTarget("telegram", other, True))
    else:
        targets = (ChatTarget("telegram", ALICE, False), ChatTarget("telegram", BOB, False))

    lean_call, lean, ptb_call, through_ptb = await both_ways(
        bot, sender, targets, asked(question_id, is_group=in_group)
    )

    assert lean_call.ok and ptb_call.ok
    assert lean_call.method.lower() == ptb_call.method.lower()
    if lean.poll_id is not None:  # PTB adds its default parse mode to polls, which have none
        assert ptb_call.params.pop("parse_mode") == "HTML"
    lean_params, ptb_params = alike(lean_call, ptb_call)
    assert lean_params == ptb_params
    assert lean.message_id == lean_call.result["message_id"]
    assert (lean.poll_id is None) == (through_ptb.poll_id is None)
    if lean.poll_id is not None:
        assert lean.poll_id == lean_call.result["poll"]["id"]


async def test_a_question_in_a_forum_topic_goes_there_and_says_so(
    bot: Harness, sender: TelegramSender, forum: int
) -> None:
    other = int(
        bot.server.add_chat("supergroup", title="Other", forum=True, members={BOB: "creator"})["id"]
    )
    topics = bot.server.add_topic(forum, "Daily"), bot.server.add_topic(other, "Quiz")
    targets = (
        ChatTarget("telegram", forum, True, topics[0]),
        ChatTarget("telegram", other, True, topics[1]),
    )

    lean_call, lean, ptb_call, through_ptb = await both_ways(
        bot, sender, targets, asked("mini-latency", is_group=True)
    )

    lean_params, ptb_params = alike(lean_call, ptb_call)
    assert lean_params.pop("message_thread_id") == topics[0]
    assert ptb_params.pop("message_thread_id") == topics[1]
    assert lean_params == ptb_params
    assert (lean.thread_id, through_ptb.thread_id) == topics


async def test_each_chat_gets_its_own_answer_by_dm_button(
    bot: Harness, sender: TelegramSender, group: int, forum: int
) -> None:
    mark = bot.server.mark()
    for chat, delivery in ((group, 11), (forum, 12)):
        target = await paced(bot, ChatTarget("telegram", chat, True))
        await sender.send_question(
            target, asked("mini-latency", is_group=True, delivery_id=delivery)
        )

    buttons = [call.params["reply_markup"]["inline_keyboard"][0][0] for call in sent_by(bot, mark)]
    assert [button["callback_data"] for button in buttons] == [
        AnswerByDmButton(11).encode(),
        AnswerByDmButton(12).encode(),
    ]


async def test_each_private_chat_gets_help_buttons_for_its_own_delivery(
    bot: Harness, sender: TelegramSender
) -> None:
    mark = bot.server.mark()
    for chat, delivery in ((ALICE, 21), (BOB, 123456789012)):
        target = await paced(bot, ChatTarget("telegram", chat, False))
        await sender.send_question(
            target, asked("mini-latency", is_group=False, delivery_id=delivery)
        )

    rows = [call.params["reply_markup"]["inline_keyboard"] for call in sent_by(bot, mark)]
    pressed = [[parse_button(button["callback_data"]) for button in row[0]] for row in rows]
    assert [{button.delivery_id for button in buttons} for buttons in pressed] == [  # type: ignore[union-attr]
        {21},
        {123456789012},
    ]
    assert [[button.give_up for button in buttons] for buttons in pressed] == [  # type: ignore[union-attr]
        [False, True],
        [False, True],
    ]


async def test_one_rendering_serves_every_chat_that_gets_the_question(
    bot: Harness, sender: TelegramSender, server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    original = render.question

    def counting(question: Asked, t: Translator) -> str:
        rendered.append(question.question.id)
        return original(question, t)

    monkeypatch.setattr(prepared.render, "question", counting)
    mark = bot.server.mark()
    for chat in (ALICE, BOB):
        await sender.send_question(
            await paced(bot, ChatTarget("telegram", chat, False)),
            asked("mini-latency", is_group=False),
        )

    assert rendered == ["mini-latency"]
    assert [call.chat_id for call in sent_by(bot, mark)] == [ALICE, BOB]


async def test_a_question_longer_than_one_message_goes_out_in_parts(
    start_bot: Any,
) -> None:
    bot: Harness = await start_bot(LONG_DECK)
    sender = TelegramSender(bot.app.bot, retry_after_scale=1 / SPEEDUP)
    mark = bot.server.mark()

    sent = await sender.send_question(
        await paced(bot, ChatTarget("telegram", ALICE, False)),
        asked("long-essay", is_group=False, deck=LONG_DECK),
    )

    parts = [call for call in sent_by(bot, mark) if call.ok]  # the later parts may be retried
    assert len(parts) > 1
    assert sent.message_id == parts[-1].result["message_id"]


async def test_a_poll_with_a_note_sends_the_note_first(
    bot: Harness, sender: TelegramSender, group: int
) -> None:
    question = replace(asked("mini-parquet", is_group=True), drill=("data formats",))
    mark = bot.server.mark()

    sent = await sender.send_question(
        await paced(bot, ChatTarget("telegram", group, True)), question
    )

    note, poll = [call for call in sent_by(bot, mark) if call.ok]  # the poll may be retried
    assert (note.method, poll.method) == ("sendMessage", "sendPoll")
    assert "Weak-topic drill: data formats." in note.result["text"]
    assert sent.poll_id == poll.result["poll"]["id"]


async def test_a_blocked_chat_is_unreachable(bot: Harness, sender: TelegramSender) -> None:
    bot.server.block(ALICE)
    with pytest.raises(ChatUnreachable):
        await sender.send_question(
            ChatTarget("telegram", ALICE, False), asked("mini-latency", is_group=False)
        )


async def test_rate_limited_is_retry_later_in_real_seconds_and_not_retried(
    bot: Harness, sender: TelegramSender
) -> None:
    bot.server.add_fault(Fault.retry_after(5), method="sendMessage", times=1)
    mark = bot.server.mark()

    with pytest.raises(RetryLater) as later:
        await sender.send_question(
            ChatTarget("telegram", ALICE, False), asked("mini-latency", is_group=False)
        )

    assert later.value.retry_after == pytest.approx(5 / SPEEDUP)
    assert len(sent_by(bot, mark)) == 1  # the scheduler retries, not the sender


@pytest.mark.parametrize(
    "fault",
    [Fault.server_error(502), Fault.server_error(500, html=True), Fault.drop()],
    ids=["5xx", "5xx page", "dropped"],
)
async def test_no_answer_or_a_server_error_is_outcome_unknown_and_never_repeated(
    bot: Harness, sender: TelegramSender, fault: Fault, caplog: pytest.LogCaptureFixture
) -> None:
    bot.server.add_fault(fault, method="sendMessage", times=1)
    mark = bot.server.mark()
    caplog.set_level(logging.DEBUG)

    with pytest.raises(OutcomeUnknown) as unknown:
        await sender.send_question(
            ChatTarget("telegram", ALICE, False), asked("mini-latency", is_group=False)
        )

    assert len(bot.server.calls("sendMessage", ALICE, since=mark)) == 1
    secret = TOKEN.split(":")[1]
    assert secret not in str(unknown.value) and secret not in caplog.text


async def test_a_refused_question_is_rejected_with_telegrams_reason(
    bot: Harness, sender: TelegramSender
) -> None:
    bot.server.add_fault(
        Fault.error(400, "Bad Request: can't parse entities"), method="sendMessage", times=1
    )
    with pytest.raises(SendRejected, match="can't parse entities"):
        await sender.send_question(
            ChatTarget("telegram", ALICE, False), asked("mini-latency", is_group=False)
        )


class Counted(Metrics):
    def __init__(self) -> None:
        self.calls: list[bool] = []
        self.limited = 0

    def api_call(self, ok: bool) -> None:
        self.calls.append(ok)

    def rate_limited(self) -> None:
        self.limited += 1


async def test_prepared_sends_are_metered_like_every_other_call(
    bot: Harness, sender: TelegramSender
) -> None:
    request: Any = bot.app.bot.request
    counted = request.metrics = Counted()
    bot.server.add_fault(Fault.retry_after(1), method="sendMessage", times=1)
    target = ChatTarget("telegram", ALICE, False)

    with pytest.raises(RetryLater):
        await sender.send_question(target, asked("mini-latency", is_group=False))
    await sender.send_question(await paced(bot, target), asked("mini-latency", is_group=False))

    assert counted.limited == 1
    assert counted.calls[-2:] == [False, True]
