"""The scheduler's sender: Telegram's answers mapped to the scheduler's outcomes."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot.decks.catalog import Catalog
from bot.engine.results import Asked, Reveal, RevealEntry
from bot.telegram.sender import TelegramSender
from scheduler.sending import (
    ChatMoved,
    ChatTarget,
    ChatUnreachable,
    OutcomeUnknown,
    ReminderStreak,
    RetryLater,
    Sender,
    SendRejected,
)
from tests.botapi import Fault
from tests.telegram.conftest import ALICE, MINI_DECK, SPEEDUP, Harness, text_of


def asked(question_id: str, *, is_group: bool, delivery_id: int = 7) -> Asked:
    catalog = Catalog.load([MINI_DECK])
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


def target(chat_id: int, *, is_group: bool = False, thread_id: int | None = None) -> ChatTarget:
    return ChatTarget("telegram", chat_id, is_group, thread_id)


async def test_it_is_a_scheduler_sender(sender: TelegramSender) -> None:
    assert isinstance(sender, Sender)
    assert sender.platform == "telegram"


async def test_text_question_in_a_forum_topic(
    bot: Harness, sender: TelegramSender, forum: int
) -> None:
    topic = bot.server.add_topic(forum, "Daily")

    sent = await sender.send_question(
        target(forum, is_group=True, thread_id=topic), asked("mini-latency", is_group=True)
    )

    call = bot.server.calls("sendMessage", forum)[-1]
    assert call.params["message_thread_id"] == topic
    assert "Daily question" in text_of(call)
    assert (sent.message_id, sent.thread_id, sent.poll_id) == (
        call.result["message_id"],
        topic,
        None,
    )


async def test_multiple_choice_question_is_a_poll(
    bot: Harness, sender: TelegramSender, group: int
) -> None:
    sent = await sender.send_question(
        target(group, is_group=True), asked("mini-parquet", is_group=True)
    )

    call = bot.server.calls("sendPoll", group)[-1]
    assert sent.poll_id == call.result["poll"]["id"]
    assert sent.message_id == call.result["message_id"]


async def paced(bot: Harness, chat: ChatTarget) -> ChatTarget:
    """Take a send slot, as the scheduler does before each sender call."""
    await bot.app.bot_data.limiter.acquire(chat.external_id, is_group=chat.is_group)
    return chat


async def test_reveal_and_reminder(bot: Harness, sender: TelegramSender, group: int) -> None:
    question = await sender.send_question(
        await paced(bot, target(group, is_group=True)), asked("mini-latency", is_group=True)
    )
    catalog = Catalog.load([MINI_DECK])
    reveal = Reveal(
        delivery_id=7,
        chat_external_id=group,
        platform="telegram",
        question=catalog.by_id["mini-latency"],
        entries=(RevealEntry("<Bob>", 0.5, 5),),
        message_id=question.message_id,
        thread_id=None,
    )

    # The limiter spaces sends from when a slot is taken, the server from when a request
    # arrives; on a loaded machine the question can arrive late and crowd the reveal into
    # the server's per-chat window. One window of slack keeps this test about the reveal.
    await asyncio.sleep(1 / SPEEDUP)
    await paced(bot, target(group, is_group=True))
    await sender.send_reveal(reveal)
    await sender.send_reminder(await paced(bot, target(ALICE)), ReminderStreak(4, 1))

    revealed = bot.server.calls("sendMessage", group)[-1]
    assert revealed.params["reply_parameters"]["message_id"] == question.message_id
    assert "🥇 <Bob>: 50% · +5 pts" in text_of(revealed)
    reminder = bot.server.calls("sendMessage", ALICE)[-1]
    assert "4-day streak ends tonight" in text_of(reminder)
    assert "1 streak freeze left" in text_of(reminder)


async def test_blocked_chat_is_unreachable(bot: Harness, sender: TelegramSender) -> None:
    bot.server.block(ALICE)
    with pytest.raises(ChatUnreachable):
        await sender.send_reminder(target(ALICE), ReminderStreak(3, 0))


async def test_removed_from_group_is_unreachable(
    bot: Harness, sender: TelegramSender, group: int
) -> None:
    bot.server.set_bot_status(group, "kicked")
    with pytest.raises(ChatUnreachable):
        await sender.send_question(
            target(group, is_group=True), asked("mini-latency", is_group=True)
        )


async def test_migrated_group_moves(bot: Harness, sender: TelegramSender, group: int) -> None:
    new_id = bot.server.migrate_chat(group, notify=False)
    with pytest.raises(ChatMoved) as moved:
        await sender.send_question(
            target(group, is_group=True), asked("mini-latency", is_group=True)
        )
    assert moved.value.new_external_id == new_id


async def test_unknown_chat_is_rejected(sender: TelegramSender) -> None:
    with pytest.raises(SendRejected):
        await sender.send_question(
            target(-4_199_999_999, is_group=True), asked("mini-latency", is_group=True)
        )


async def test_rate_limited_is_retry_later_and_not_retried(
    bot: Harness, sender: TelegramSender
) -> None:
    bot.server.add_fault(Fault.retry_after(5), method="sendMessage", times=1)
    mark = bot.server.mark()

    with pytest.raises(RetryLater) as later:
        await sender.send_reminder(target(ALICE), ReminderStreak(3, 0))

    assert later.value.retry_after == pytest.approx(5 / SPEEDUP)
    assert len(bot.server.calls("sendMessage", ALICE, since=mark)) == 1  # the scheduler retries


@pytest.mark.parametrize("fault", [Fault.server_error(502), Fault.drop()], ids=["5xx", "drop"])
async def test_unknown_outcomes(bot: Harness, sender: TelegramSender, fault: Fault) -> None:
    bot.server.add_fault(fault, method="sendMessage", times=1)
    with pytest.raises(OutcomeUnknown):
        await sender.send_reminder(target(ALICE), ReminderStreak(3, 0))
