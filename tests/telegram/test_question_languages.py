"""Question languages through the test Bot API server: `/lang quiz zh` makes a chat's
daily question and plain /quiz Chinese (kept across a restart), `/quiz en` still asks an
English one, groups leave the choice to admins, and a language the decks lack gets a
clear reply. The decks: mini.yaml (three English questions, one Chinese) and
bilingual.yaml (Chinese by default, one question marked English)."""

from __future__ import annotations

from datetime import timedelta

from tests.telegram.conftest import (
    ADMIN,
    ALICE,
    FIXTURES,
    MINI_DECK,
    START,
    Harness,
    StartBot,
    text_of,
)

BILINGUAL = FIXTURES / "bilingual.yaml"
ENGLISH_ONLY = FIXTURES / "progress.yaml"
CHINESE = {"mini-ml-when", "bi-overfitting", "bi-dropout"}
ENGLISH = {"mini-latency", "mini-batching", "mini-parquet", "bi-embedding"}
MEI = 100_000_201


def asked_in(bot: Harness, chat: int, kind: str) -> list[str]:
    """The question ids of a chat's deliveries of one kind ('daily', 'asked'), in order."""
    rows = bot.rows(
        "SELECT d.question_id FROM deliveries d JOIN chats c ON c.id = d.chat_id"
        " WHERE c.external_id = ? AND d.kind = ? ORDER BY d.id",
        chat,
        kind,
    )
    return [row["question_id"] for row in rows]


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


async def test_a_zh_only_chat_gets_chinese_daily_questions_and_quiz_even_after_a_restart(
    start_bot: StartBot,
) -> None:
    first = await start_bot(MINI_DECK, BILINGUAL)
    shown = await first.command(ALICE, "lang", "quiz")
    done = await first.command(ALICE, "lang", "quiz zh")
    await first.command(ALICE, "subscribe")
    plain = await first.command(ALICE, "quiz")
    english = await first.command(ALICE, "quiz", "en")

    assert text_of(shown) == (
        "📚 Questions here come in every language. Change it with /lang quiz zh|en|all."
    )
    assert text_of(done).startswith("📚 Done: daily questions and /quiz here now come in Chinese")
    assert has_chinese(text_of(plain))
    assert asked_in(first, ALICE, "asked")[0] in CHINESE
    assert asked_in(first, ALICE, "asked")[1] in ENGLISH  # /quiz en still works here
    assert "Why do production teams report latency" in text_of(english)
    assert first.chat_row(ALICE)["question_languages"] == "zh"
    assert first.chat_row(ALICE)["language"] in (None, "en")  # the interface is untouched
    await first.stop()

    second = await start_bot(MINI_DECK, BILINGUAL, with_scheduler=True)
    still = await second.command(ALICE, "lang", "quiz")
    scheduler = second.app.bot_data.scheduler
    assert scheduler is not None
    await scheduler.resync()
    pushed = []
    for day in range(4):
        moment = START.replace(hour=9, minute=1) + timedelta(days=day)
        second.clock.now = moment
        mark = second.server.mark()
        await scheduler.run_due(moment)
        pushed.append(await second.call("sendMessage", ALICE, since=mark))
        await second.idle()

    assert text_of(still).startswith("📚 Questions here come in Chinese only.")
    daily = asked_in(second, ALICE, "daily")
    assert len(daily) == 4 and set(daily) <= CHINESE
    assert all(has_chinese(text_of(call)) for call in pushed)


async def test_in_a_group_admins_choose_and_everyone_gets_that_language(
    start_bot: StartBot, group: int
) -> None:
    bot = await start_bot(MINI_DECK, BILINGUAL)

    refused = await bot.command(group, "lang", "quiz zh", from_user=ALICE)
    done = await bot.command(group, "lang", "quiz zh", from_user=ADMIN)
    shown = await bot.command(group, "lang", "quiz", from_user=ALICE)
    for _ in range(3):
        await bot.command(group, "quiz", from_user=ALICE)
    english = await bot.command(group, "quiz", "en embeddings", from_user=ALICE)
    none = await bot.command(group, "quiz", "zh latency", from_user=ALICE)
    usage = await bot.command(group, "lang", "quiz fr", from_user=ADMIN)

    assert text_of(refused) == "Only group admins can do that."
    assert text_of(done).startswith("📚 Done:")
    assert text_of(shown) == (
        "📚 Questions here come in Chinese only. Admins change it with /lang quiz zh|en|all."
    )
    asked = asked_in(bot, group, "asked")
    assert set(asked[:3]) == CHINESE and asked[3] == "bi-embedding"
    assert "What is an embedding?" in text_of(english)
    assert text_of(none) == "The decks here have no Chinese question about latency."
    assert text_of(usage).startswith("Usage: /lang quiz zh|en|all:")
    assert bot.chat_row(group)["question_languages"] == "zh"


async def test_a_language_the_decks_lack_gets_a_clear_reply_and_changes_nothing(
    start_bot: StartBot,
) -> None:
    bot = await start_bot(ENGLISH_ONLY)
    bot.server.add_user(MEI, "小美", language_code="zh-hans")

    asked = await bot.command(ALICE, "quiz", "zh")
    refused = await bot.command(ALICE, "lang", "quiz zh")
    in_chinese = await bot.command(MEI, "quiz", "zh")
    english = await bot.command(ALICE, "quiz", "en")

    assert text_of(asked) == "The decks here have no Chinese questions."
    assert text_of(refused) == (
        "The decks here have no Chinese questions, so nothing was changed. "
        "Choose other decks with /decks first."
    )
    assert text_of(in_chinese) == "这里的题库没有中文题目。"
    assert bot.chat_row(ALICE)["question_languages"] is None
    assert asked_in(bot, ALICE, "asked") == ["drill-cache-hit"]
    assert "cache" in text_of(english).casefold()
