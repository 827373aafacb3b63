"""Question languages on Discord: `/quiz language:zh` (or `topic:zh …`), and
`/lang quiz languages:…` for a channel (Manage Server) or a DM, which the channel's daily
question follows. The mini deck: three English questions and one Chinese."""

from __future__ import annotations

from scheduler.service import QuizScheduler
from tests.discord import payloads as p
from tests.discord.helpers import Clock, Harness
from tests.discord.test_daily_channel import subscribe

CHINESE_QUESTION = "什么时候应该使用机器学习？"


def lang_quiz(choice: str | None = None) -> dict[str, object]:
    options = [p.string_option("languages", choice)] if choice else []
    return p.subcommand("quiz", options)


async def test_quiz_with_a_language_asks_a_question_in_it(harness: Harness) -> None:
    chinese = await harness.command("quiz", p.string_option("language", "zh"))
    by_topic = await harness.command("quiz", p.string_option("topic", "zh 机器学习"))
    english = await harness.command(
        "quiz", p.string_option("topic", "latency"), p.string_option("language", "en")
    )
    none = await harness.command("quiz", p.string_option("topic", "zh latency"))

    assert chinese.reply["embeds"][0]["description"] == CHINESE_QUESTION
    assert by_topic.reply["embeds"][0]["description"] == CHINESE_QUESTION
    assert english.reply["embeds"][0]["description"].startswith("Why do production teams")
    assert none.ephemeral
    assert none.reply["content"] == "The decks here have no Chinese question about **latency**."


async def test_only_managers_set_a_channels_languages_and_its_daily_question_follows(
    harness: Harness, clock: Clock, scheduler: QuizScheduler
) -> None:
    refused = await harness.command("lang", lang_quiz("zh"))
    done = await harness.command("lang", lang_quiz("zh"), permissions=p.ADMIN)
    shown = await harness.command("lang", lang_quiz())
    plain = await harness.command("quiz")
    english = await harness.command("quiz", p.string_option("language", "en"))

    assert refused.ephemeral
    assert refused.reply["content"] == "Only members with the Manage Server permission can do that."
    assert done.reply["content"].startswith("📚 Done: daily questions and /quiz here now come in")
    assert shown.reply["content"] == (
        "📚 Questions here come in Chinese only. Admins change it with `/lang quiz zh|en|all`."
    )
    assert plain.reply["embeds"][0]["description"] == CHINESE_QUESTION
    assert english.reply["embeds"][0]["description"].startswith("Why do production teams")

    clock.now = clock.now.replace(hour=7)
    await subscribe(harness)
    await scheduler.resync()
    for day in range(2):
        clock.now = clock.now.replace(hour=8, day=3 + day)  # 09:00 in Berlin
        await scheduler.run_due(clock.now)
    pushed = [
        message
        for message in harness.api.channel_messages(p.QUIZ_CHANNEL_ID)
        if message.get("embeds") and message["embeds"][0]["title"].startswith("📅")
    ]
    assert [m["embeds"][0]["description"] for m in pushed] == [CHINESE_QUESTION] * 2


async def test_a_dm_sets_its_own_languages_and_all_resets_them(harness: Harness) -> None:
    shown = await harness.dm_command("lang", lang_quiz())
    done = await harness.dm_command("lang", lang_quiz("zh"))
    asked = await harness.dm_command("quiz")
    reset = await harness.dm_command("lang", lang_quiz("all"))

    assert shown.reply["content"] == (
        "📚 Questions here come in every language. Change it with `/lang quiz zh|en|all`."
    )
    assert not done.ephemeral
    assert asked.reply["embeds"][0]["description"] == CHINESE_QUESTION
    assert reset.reply["content"] == "📚 Done: questions here now come in every language."


async def test_the_commands_are_published_with_their_options(harness: Harness) -> None:
    tree = harness.bot.tree
    quiz = tree.get_command("quiz")
    lang = tree.get_command("lang")

    assert quiz is not None and [o.name for o in quiz.parameters] == ["topic", "language"]
    assert lang is not None and [c.name for c in lang.commands] == ["quiz"]  # type: ignore[union-attr]
