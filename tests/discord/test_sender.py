"""DiscordSender: discord.py's errors, raised by its real HTTP client from Discord's
status codes, become the scheduler's outcomes; a lost permission reaches the admins."""

from __future__ import annotations

import pytest

from bot.discord import render
from bot.discord.context import PLATFORM, channel_key
from bot.engine.quiz import Engine
from bot.engine.results import Asked
from bot.i18n import translator_for
from scheduler.sending import (
    ChatTarget,
    ChatUnreachable,
    OutcomeUnknown,
    ReminderStreak,
    RetryLater,
    Sender,
    SendError,
    SendRejected,
)
from scheduler.service import QuizScheduler
from tests.discord import payloads as p
from tests.discord.helpers import (
    BAD_REQUEST,
    CLOUDFLARE_429,
    FORBIDDEN,
    LONG_RATE_LIMIT,
    MISSING_ACCESS,
    SERVICE_UNAVAILABLE,
    UNKNOWN_CHANNEL,
    Clock,
    Failure,
    Harness,
)

CHANNEL = ChatTarget(PLATFORM, p.QUIZ_CHANNEL_ID, is_group=True)
DM = ChatTarget(PLATFORM, p.DM_CHANNEL_ID, is_group=False)


async def ask_in_channel(engine: Engine, clock: Clock) -> Asked:
    chat = channel_key(p.QUIZ_CHANNEL_ID)
    return await engine.asking.ask(chat, None, clock.now, is_group=True)


def test_sender_implements_the_scheduler_protocol(harness: Harness) -> None:
    assert isinstance(harness.bot.sender, Sender)
    assert harness.bot.sender.platform == "discord"


@pytest.mark.parametrize(
    ("failure", "outcome"),
    [
        (FORBIDDEN, ChatUnreachable),
        (MISSING_ACCESS, ChatUnreachable),
        (UNKNOWN_CHANNEL, ChatUnreachable),
        (LONG_RATE_LIMIT, RetryLater),
        (CLOUDFLARE_429, RetryLater),
        (SERVICE_UNAVAILABLE, OutcomeUnknown),
        (BAD_REQUEST, SendRejected),
    ],
)
async def test_send_errors_become_outcomes(
    harness: Harness, engine: Engine, clock: Clock, failure: Failure, outcome: type[SendError]
) -> None:
    harness.api.fail(p.QUIZ_CHANNEL_ID, failure)
    asked = await ask_in_channel(engine, clock)

    with pytest.raises(outcome):
        await harness.bot.sender.send_question(CHANNEL, asked)


async def test_retry_after_comes_from_discord(
    harness: Harness, engine: Engine, clock: Clock
) -> None:
    asked = await ask_in_channel(engine, clock)
    harness.api.fail(p.QUIZ_CHANNEL_ID, LONG_RATE_LIMIT)
    with pytest.raises(RetryLater) as long_wait:
        await harness.bot.sender.send_question(CHANNEL, asked)
    harness.api.fail(p.QUIZ_CHANNEL_ID, CLOUDFLARE_429)
    with pytest.raises(RetryLater) as blocked:
        await harness.bot.sender.send_question(CHANNEL, asked)

    assert long_wait.value.retry_after == 45.0
    assert blocked.value.retry_after == 7.0


async def test_lost_permission_pauses_the_channel_and_tells_an_admin_once(
    harness: Harness, engine: Engine, clock: Clock, scheduler: QuizScheduler
) -> None:
    clock.now = clock.now.replace(hour=8)
    subscribed = await harness.command("daily", p.subcommand("on"), permissions=p.ADMIN)
    assert "every day at 09:00 (UTC)" in subscribed.reply["content"]
    await scheduler.resync()
    harness.update_channel(
        p.text_channel(p.QUIZ_CHANNEL_ID, "quiz", overwrites=p.deny_bot(p.SEND_MESSAGES))
    )
    harness.api.fail(p.QUIZ_CHANNEL_ID, FORBIDDEN)
    clock.now = clock.now.replace(hour=9)

    await scheduler.run_due(clock.now)

    settings = await engine.settings.of(channel_key(p.QUIZ_CHANNEL_ID))
    assert settings is not None and settings.subscribed and not settings.active
    member = await harness.command("streak", who=p.BOB, channel_id=p.OTHER_CHANNEL_ID)
    admin = await harness.command("streak", permissions=p.ADMIN, channel_id=p.OTHER_CHANNEL_ID)
    again = await harness.command("streak", permissions=p.ADMIN, channel_id=p.OTHER_CHANNEL_ID)

    assert member.followups == []
    (notice,) = admin.followups
    assert notice["flags"] == 64
    assert notice["content"].startswith(
        f"⚠️ Daily questions in <#{p.QUIZ_CHANNEL_ID}> are paused: "
        "I am missing Send Messages, Embed Links there. Fix that, then run `/daily on`"
    )
    assert again.followups == []
    status = await harness.command("daily", p.subcommand("status"), permissions=p.ADMIN)
    assert "are **paused**" in status.reply["content"]
    retry = await harness.command("daily", p.subcommand("on"), permissions=p.ADMIN)
    assert retry.reply["content"].startswith(
        f"I can't post daily questions in <#{p.QUIZ_CHANNEL_ID}>: I am missing Send Messages"
    )

    harness.update_channel(p.text_channel(p.QUIZ_CHANNEL_ID, "quiz"))
    fixed = await harness.command("daily", p.subcommand("on"), permissions=p.ADMIN)
    assert "every day at 09:00 (UTC)" in fixed.reply["content"]
    settings = await engine.settings.of(channel_key(p.QUIZ_CHANNEL_ID))
    assert settings is not None and settings.subscribed and settings.active


async def test_forbidden_from_discord_is_told_with_its_reason(
    harness: Harness, engine: Engine, clock: Clock
) -> None:
    """The cache did not know (yet): Discord's 403 itself pauses the channel."""
    harness.api.fail(p.QUIZ_CHANNEL_ID, MISSING_ACCESS)
    asked = await ask_in_channel(engine, clock)

    with pytest.raises(ChatUnreachable):
        await harness.bot.sender.send_question(CHANNEL, asked)

    (pause,) = harness.bot.notices.pending(p.GUILD_ID)
    assert pause.reason == "I can't see that channel (View Channel)"


async def test_no_empty_question_without_embed_links(
    harness: Harness, engine: Engine, clock: Clock
) -> None:
    """Discord would drop the embed silently: the sender refuses before sending."""
    harness.update_channel(
        p.text_channel(p.QUIZ_CHANNEL_ID, "quiz", overwrites=p.deny_bot(p.EMBED_LINKS))
    )
    asked = await ask_in_channel(engine, clock)
    calls = len(harness.api.calls)

    with pytest.raises(ChatUnreachable):
        await harness.bot.sender.send_question(CHANNEL, asked)

    assert len(harness.api.calls) == calls
    (pause,) = harness.bot.notices.pending(p.GUILD_ID)
    assert (pause.reason, pause.missing) == ("I am missing {permissions} there", ("Embed Links",))
    assert render.paused("#quiz", pause, translator_for("en")).startswith(
        "⚠️ Daily questions in #quiz are paused: I am missing Embed Links there."
    )
    assert "缺少权限：嵌入链接" in render.paused("#quiz", pause, translator_for("zh"))


async def test_reveal_without_a_question_message_is_a_plain_post(
    harness: Harness, engine: Engine, clock: Clock
) -> None:
    await ask_in_channel(engine, clock)
    reveal = await engine.reveals.reveal(channel_key(p.QUIZ_CHANNEL_ID), clock.now)

    await harness.bot.sender.send_reveal(reveal)

    posted = harness.api.channel_messages(p.QUIZ_CHANNEL_ID)[-1]
    assert "message_reference" not in posted
    assert posted["embeds"][0]["fields"][0]["value"] == "Nobody answered this one."


async def test_reminder_is_a_dm(harness: Harness) -> None:
    await harness.bot.sender.send_reminder(DM, ReminderStreak(current=5, freezes=1))

    (sent,) = harness.api.channel_messages(p.DM_CHANNEL_ID)
    assert sent["content"] == (
        "⏰ Your 5-day streak ends tonight unless you answer a question: /quiz\n"
        "🧊 You have 1 streak freeze left."
    )


async def test_reminder_to_closed_dms_is_unreachable(harness: Harness) -> None:
    harness.api.fail(p.DM_CHANNEL_ID, Failure(403, 50007, "Cannot send messages to this user"))

    with pytest.raises(ChatUnreachable):
        await harness.bot.sender.send_reminder(DM, ReminderStreak(current=2, freezes=0))
