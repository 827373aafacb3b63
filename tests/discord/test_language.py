"""Discord in Chinese: command descriptions localized for Discord's Chinese locales, and
replies following the locale of whoever used the command (`interaction.locale`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.discord.app import QuizBot
from tests.discord import payloads as p
from tests.discord.conftest import settings_for
from tests.discord.helpers import FakeDiscord, Harness, embed_text


async def test_command_descriptions_are_published_in_chinese(tmp_path: Path) -> None:
    api = FakeDiscord()
    bot = QuizBot(settings_for(tmp_path), with_scheduler=False)
    await Harness(bot, api).connect()
    try:
        commands = {command["name"]: command for command in api.commands}
    finally:
        await bot.close()

    streak = commands["streak"]
    assert streak["description"] == "Your answer streak."
    assert streak["description_localizations"]["zh-CN"] == "连续打卡"
    assert streak["description_localizations"]["zh-TW"] == "连续打卡"
    assert "en-GB" not in streak["description_localizations"]
    assert streak["name_localizations"] == {}  # what people type stays the same
    quiz_topic = commands["quiz"]["options"][0]
    assert quiz_topic["description_localizations"]["zh-CN"].startswith("主题、标签或题库")
    for command in commands.values():
        assert command["description_localizations"].get("zh-CN"), command["name"]


def _in_chinese(payload: dict[str, Any]) -> dict[str, Any]:
    return payload | {"locale": "zh-CN"}


async def test_replies_follow_the_locale_of_whoever_asked(harness: Harness) -> None:
    english = await harness.command("streak")
    chinese = await harness.deliver(
        _in_chinese(
            harness._payload(
                2, p.command_data("streak", []), p.ALICE, p.QUIZ_CHANNEL_ID, p.EVERYONE
            )
        )
    )

    assert "Answer a question today to start one: /quiz" in english.reply["content"]
    assert (
        chinese.reply["content"]
        == "🔥 连续打卡：**0** 天 · 最长 0 天\n今天答一道题，开始连续打卡：/quiz"
    )


async def test_a_chinese_question_topics_and_leaderboard(harness: Harness) -> None:
    def zh(name: str, *options: dict[str, Any]) -> dict[str, Any]:
        return _in_chinese(
            harness._payload(
                2, p.command_data(name, list(options)), p.ALICE, p.QUIZ_CHANNEL_ID, p.EVERYONE
            )
        )

    asked = await harness.deliver(zh("quiz", p.string_option("topic", "latency")))
    question = asked.reply["embeds"][0]
    assert question["title"].startswith("❓ 题目 · ")
    assert question["footer"]["text"].startswith("点「回答」作答。")

    topics = await harness.deliver(zh("topics"))
    board = await harness.deliver(zh("leaderboard"))
    assert topics.reply["embeds"][0]["title"] == "📚 主题"
    assert "在 /quiz 后面加上主题的一部分" in embed_text(topics.reply)
    assert board.reply["embeds"][0]["title"] == "🏆 本周排行"
    assert "还没有人得分：答题就能上榜。" in embed_text(board.reply)
