"""The bot speaks each person's language: a Telegram account set to Simplified Chinese
(`language_code` zh-hans) is answered in Chinese until it chooses otherwise with /lang,
groups speak the language an admin set (at first, that of whoever added the bot), and
English users see what they always saw."""

from __future__ import annotations

from tests.botapi import BotApiServer
from tests.telegram.conftest import (
    ADMIN,
    ALICE,
    BOB,
    START,
    Harness,
    StartBot,
    buttons_of,
    message_id_of,
    text_of,
)

MEI = 100_000_201
"""A person whose Telegram is set to Simplified Chinese."""
GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."


def chinese_user(server: BotApiServer) -> None:
    server.add_user(MEI, "小美", language_code="zh-hans")


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


async def test_a_zh_hans_user_gets_start_help_question_feedback_and_progress_in_chinese(
    bot: Harness,
) -> None:
    chinese_user(bot.server)

    welcome = await bot.command(MEI, "start")
    help_text = await bot.command(MEI, "help")
    question = await bot.command(MEI, "quiz", "latency")
    feedback = await bot.say(MEI, GOOD_ANSWER)

    assert "欢迎来到每日面试刷题！" in text_of(welcome)
    assert "每天 09:00（UTC）我会发你一道题" in text_of(welcome)
    assert "命令" in text_of(help_text) and "/streak: 连续打卡" in text_of(help_text)
    assert "/lang: 切换语言" in text_of(help_text)
    assert text_of(question).startswith("❓ 题目 · DMLS ch1.2 latency")
    assert "Why do production teams report latency as percentiles?" in text_of(question)
    assert text_of(question).endswith("直接发消息作答。")
    text = text_of(feedback)
    assert "🎯 答到 2/2 个要点。" in text
    assert "参考答案" in text and "p95 and p99 show the tail users feel" in text
    assert "🔥 连续打卡：1 天 · 最长 1 天" in text
    assert "根据你的回答，记忆评为「良好」；点按钮可以修改。" in text
    assert [label for label, _ in buttons_of(feedback)] == ["重来", "困难", "✓ 良好", "简单"]

    mark = bot.server.mark()
    bot.server.inject_callback_query(MEI, message_id_of(feedback), "v1:rate:1:4")
    answered = await bot.call("answerCallbackQuery", since=mark)
    edited = await bot.call("editMessageText", MEI, since=mark)
    await bot.idle()

    assert answered.params.get("text") == "已保存：简单"
    assert "✅ 已评为「简单」：" in text_of(edited) and "天后复习。" in text_of(edited)
    assert "记忆评为「良好」" not in text_of(edited)

    streak = await bot.command(MEI, "streak")
    mark = bot.server.mark()
    bot.server.inject_command(MEI, "stats")
    chart = await bot.call("sendPhoto", MEI, since=mark, timeout=60)  # drawn first
    stats = await bot.call("sendMessage", MEI, since=mark, timeout=30)
    await bot.idle()
    board = await bot.command(MEI, "leaderboard")

    assert text_of(streak) == "🔥 连续打卡：1 天 · 最长 1 天\n✅ 今天已打卡。"
    assert chart.params["caption"].startswith("小美 · 连续打卡 1 天\n1 条回答 · 做过 1/4 题")
    assert text_of(stats).startswith("📊 学习进度\n回答：1 次 · 平均 100%")
    assert "待复习：0 道" in text_of(stats)
    assert text_of(board) == "排行榜只在群里有。私聊可以看 /streak 和 /stats。"


async def test_skip_reveals_the_answer_in_chinese(bot: Harness) -> None:
    chinese_user(bot.server)
    await bot.command(MEI, "quiz", "latency")

    skipped = await bot.command(MEI, "skip")

    assert text_of(skipped).startswith("⏭ 已跳过。这道题的答案：")
    assert "参考答案" in text_of(skipped) and "发 /quiz 再来一题。" in text_of(skipped)


async def test_lang_en_switches_that_person_to_english_and_lang_zh_back(bot: Harness) -> None:
    chinese_user(bot.server)
    await bot.command(MEI, "start")

    switched = await bot.command(MEI, "lang", "en")
    streak = await bot.command(MEI, "streak")

    assert text_of(switched) == "🌐 Done: I'll speak English with you."
    assert "Answer a question today to start one: /quiz" in text_of(streak)
    assert bot.one("SELECT language FROM users WHERE external_id = ?", MEI)["language"] == "en"
    assert bot.chat_row(MEI)["language"] == "en"  # what the scheduler sends there follows

    back = await bot.command(MEI, "lang", "zh")
    shown = await bot.command(MEI, "lang")

    assert text_of(back) == "🌐 好的，以后我用简体中文和你交流。"
    assert text_of(shown).startswith("🌐 当前语言：简体中文。")


async def test_an_english_user_can_choose_chinese_and_a_bad_choice_gets_usage(
    bot: Harness,
) -> None:
    usage = await bot.command(ALICE, "lang", "klingon")
    chosen = await bot.command(ALICE, "lang", "zh")
    topics = await bot.command(ALICE, "topics")

    assert text_of(usage) == "Usage: /lang en (English) · /lang zh (简体中文)"
    assert text_of(chosen) == "🌐 好的，以后我用简体中文和你交流。"
    assert text_of(topics).startswith("📚 主题")


async def test_an_english_user_is_unaffected_by_a_chinese_one(bot: Harness) -> None:
    chinese_user(bot.server)
    await bot.command(MEI, "start")
    await bot.command(MEI, "lang", "zh")

    welcome = await bot.command(ALICE, "start")
    question = await bot.command(ALICE, "quiz", "latency")
    feedback = await bot.say(ALICE, GOOD_ANSWER)

    for call in (welcome, question, feedback):
        assert not has_chinese(text_of(call).replace("何时使用机器学习", ""))
    assert "Welcome to your daily interview-prep quiz!" in text_of(welcome)
    assert "2/2 key points" in text_of(feedback)
    assert [label for label, _ in buttons_of(feedback)] == ["Again", "Hard", "✓ Good", "Easy"]


async def test_the_command_menu_is_published_in_english_and_in_chinese(bot: Harness) -> None:
    default = await bot.call(
        "setMyCommands", since=0, predicate=lambda c: not c.params.get("language_code")
    )
    chinese = await bot.call(
        "setMyCommands", since=0, predicate=lambda c: c.params.get("language_code") == "zh"
    )

    english_menu = {c["command"]: c["description"] for c in default.params["commands"]}
    chinese_menu = {c["command"]: c["description"] for c in chinese.params["commands"]}
    assert set(english_menu) == set(chinese_menu)
    assert english_menu["streak"] == "Your streak"
    assert chinese_menu["streak"] == "连续打卡"
    assert (
        chinese_menu["lang"]
        == "切换语言：/lang en|zh；题目语言：/lang quiz zh|en|all（群里限管理员）"
    )
    assert all(has_chinese(description) for description in chinese_menu.values())


async def test_a_group_speaks_the_language_of_whoever_added_the_bot(
    bot: Harness, group: int
) -> None:
    bot.server.add_user(ADMIN, "Ada", language_code="zh-hans")
    mark = bot.server.mark()
    bot.server.inject_bot_added(group, from_user=ADMIN)
    hello = await bot.call("sendMessage", group, since=mark)
    await bot.idle()

    assert text_of(hello).startswith("感谢把我拉进群！\n\n👋 面试刷题小助手")
    assert bot.chat_row(group)["language"] == "zh"

    question = await bot.command(group, "quiz", "latency", from_user=ALICE)
    assert text_of(question).startswith("❓ 题目 · ")
    assert text_of(question).endswith("回复这条消息来作答。")
    assert buttons_of(question) == [("🤫 私信看答案", "v1:dm:1")]

    mark = bot.server.mark()
    reply = bot.server.inject_reply(group, message_id_of(question), GOOD_ANSWER, from_user=BOB)
    await bot.call("setMessageReaction", group, since=mark)
    await bot.idle()
    del reply
    revealed = await bot.command(group, "reveal", from_user=ADMIN)
    board = await bot.command(group, "leaderboard", from_user=ALICE)

    assert text_of(revealed).startswith("💡 答案揭晓 · ")
    assert "答题情况\n🥇 Bob: 100% · +10 分" in text_of(revealed)
    assert text_of(board).startswith("🏆 本周排行\n🥇 Bob: 10 分")
    assert text_of(board).endswith("共 1 人参与")


async def test_in_a_group_admins_set_its_language_and_members_keep_their_own(
    bot: Harness, group: int
) -> None:
    refused = await bot.command(group, "lang", "zh", from_user=ALICE)
    assert text_of(refused) == "Only group admins can do that."

    switched = await bot.command(group, "lang", "zh", from_user=ADMIN)
    topics = await bot.command(group, "topics", from_user=ALICE)
    streak = await bot.command(group, "streak", from_user=ALICE)

    assert text_of(switched) == "🌐 好的，本群以后使用简体中文。"
    assert bot.chat_row(group)["language"] == "zh"
    assert text_of(topics).startswith("📚 主题")  # the group's
    assert "Answer a question today" in text_of(streak)  # Alice's own, in her language

    back = await bot.command(group, "lang", "en", from_user=ADMIN)
    assert text_of(back) == "🌐 Done: this group now speaks English."


async def test_the_daily_question_and_the_scheduled_reveal_speak_the_groups_language(
    start_bot: StartBot, group: int
) -> None:
    bot = await start_bot(with_scheduler=True)
    await bot.command(group, "lang", "zh", from_user=ADMIN)
    await bot.command(group, "subscribe", from_user=ADMIN)
    scheduler = bot.app.bot_data.scheduler
    assert scheduler is not None
    await scheduler.resync()

    mark = bot.server.mark()
    await scheduler.run_due(START.replace(hour=9, minute=1))
    pushed = await bot.call("sendMessage", group, since=mark)
    await bot.idle()

    assert text_of(pushed).startswith("📅 每日一题 · ")
    assert buttons_of(pushed) == [("🤫 私信看答案", "v1:dm:1")]

    mark = bot.server.mark()
    await scheduler.tick(bot.clock.advance(hours=6))
    revealed = await bot.call("sendMessage", group, since=mark)
    assert text_of(revealed).startswith("💡 答案揭晓 · ")
    assert "这题没有人作答。" in text_of(revealed)


async def test_the_timezone_prompt_hint_and_i_dont_know_speak_chinese(bot: Harness) -> None:
    chinese_user(bot.server)

    mark = bot.server.mark()
    bot.server.inject_command(MEI, "start")
    asked = await bot.call("sendMessage", MEI, since=mark, count=2)
    await bot.idle()
    assert text_of(asked).startswith("🌍 你在哪个时区？")
    assert [label for label, _ in buttons_of(asked)][:2] == ["上海 · 16:00", "加尔各答 · 13:30"]
    mark = bot.server.mark()
    bot.server.inject_callback_query(MEI, message_id_of(asked), "v1:tz:Asia/Shanghai")
    alert = await bot.call("answerCallbackQuery", since=mark)
    chosen = await bot.call("sendMessage", MEI, since=mark)
    await bot.idle()
    assert alert.params.get("text") == "时区：Asia/Shanghai"
    assert text_of(chosen).startswith("🗓 时区已设为 Asia/Shanghai（那里现在是 16:00）。")

    question = await bot.command(MEI, "quiz", "latency")
    assert [label for label, _ in buttons_of(question)] == ["💡 提示", "🤷 不会"]
    offer = await bot.say(MEI, "？")
    assert text_of(offer).startswith("🤔 这条回复没有内容，我就不评分了。")
    mark = bot.server.mark()
    bot.server.inject_callback_query(MEI, message_id_of(question), buttons_of(question)[0][1])
    hint_alert = await bot.call("answerCallbackQuery", since=mark)
    hint = await bot.call("sendMessage", MEI, since=mark)
    await bot.idle()
    assert hint_alert.params.get("text") == "💡 已给出提示"
    assert text_of(hint).startswith("💡 提示：The mean hides slow outliers")
    assert "看过提示后，回答最多得 50%（5 分）。" in text_of(hint)
    mark = bot.server.mark()
    bot.server.inject_callback_query(MEI, message_id_of(question), buttons_of(question)[1][1])
    given_up = await bot.call("sendMessage", MEI, since=mark)
    await bot.idle()
    assert text_of(given_up).startswith("🤷 没关系。答案在这里，这道题很快会再来复习。")
    assert "记忆评为「重来」。" in text_of(given_up)
