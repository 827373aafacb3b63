"""The weekly recap of a group, played through the engine with a fake clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.decks.catalog import Catalog
from bot.engine.quiz import Engine
from bot.engine.results import ChatKey, PlayerKey
from bot.i18n import translator_for
from bot.presentation.markup import PLAIN
from bot.presentation.recap import recap_text
from bot.progress.recap import (
    HardQuestion,
    answer_reminder,
    hardest_questions,
    longest_streaks,
    shorten,
)
from bot.telegram import render as telegram
from tests.helpers import at_local, group_round, practise, reply

EN = translator_for("en")
TZ = "Europe/Berlin"
GROUP = ChatKey("telegram", -100555)
ALICE = PlayerKey("telegram", 1, "Alice")
BOB = PlayerKey("telegram", 2, "Bob <script>")
CAROL = PlayerKey("telegram", 3, "Carol")
LAST_MONDAY = date(2025, 2, 24)
RECAP_AT = at_local("2025-03-03 09:00", TZ)
"""Monday morning in Berlin: the recap covers 24 Feb – 2 Mar."""

# Who answers well (True) or badly (False) on each day of last week, Monday first.
WEEK: list[dict[PlayerKey, bool]] = [
    {ALICE: True, BOB: False, CAROL: False},  # 1/3
    {ALICE: False, BOB: False, CAROL: False},  # 0
    {ALICE: True, BOB: True, CAROL: True},  # 1
    {ALICE: True, BOB: True, CAROL: False},  # 2/3
    {ALICE: False, BOB: True},  # 1/2
    {ALICE: True, CAROL: True},  # 1
    {ALICE: True},  # 1
]


async def open_group(engine: Engine, when_text: str) -> None:
    when = at_local(when_text, TZ)
    await engine.settings.ensure_chat(GROUP, when, is_group=True, title="Study <group>")
    await engine.settings.set_timezone(GROUP, TZ, when, is_group=True)
    await engine.settings.set_subscribed(GROUP, True, when, is_group=True)


async def play_last_week(engine: Engine) -> list[str]:
    """The week of rounds above, one each evening (Sunday's at 23:30 local); returns the
    question ids asked, in order."""
    await open_group(engine, "2025-02-20 12:00")
    asked_ids = []
    for offset, answers in enumerate(WEEK):
        day = LAST_MONDAY + timedelta(days=offset)
        clock = "23:30" if offset == 6 else "19:00"
        asked, _ = await group_round(engine, GROUP, at_local(f"{day} {clock}", TZ), answers)
        asked_ids.append(asked.question.id)
    return asked_ids


async def test_a_quiet_group_gets_no_recap(progress_engine: Engine) -> None:
    await open_group(progress_engine, "2025-02-20 12:00")
    row = await progress_engine.settings.of(GROUP)
    assert row is not None
    due = await progress_engine.recaps.due("telegram", RECAP_AT)
    async with progress_engine.store.read() as tx:
        groups = [await tx.chats.find_by_id(d.chat_id) for d in due]
    assert [g.external_id for g in groups if g] == [GROUP.external_id]
    assert await progress_engine.recaps.weekly(due[0].chat_id, RECAP_AT) is None


async def test_a_private_chat_gets_no_recap(progress_engine: Engine) -> None:
    await practise(progress_engine, ALICE, RECAP_AT - timedelta(days=2))
    assert await progress_engine.recaps.due("telegram", RECAP_AT) == []
    assert await progress_engine.recaps.weekly(1, RECAP_AT) is None


async def test_the_recap_covers_the_groups_last_local_week(
    progress_engine: Engine, progress_catalog: Catalog
) -> None:
    asked_ids = await play_last_week(progress_engine)
    # Outside the week: the Sunday before it, and this Monday just after local midnight.
    before, _ = await group_round(
        progress_engine, GROUP, at_local("2025-02-23 23:30", TZ), {ALICE: True, BOB: True}
    )
    after, _ = await group_round(
        progress_engine, GROUP, at_local("2025-03-03 00:30", TZ), {CAROL: False}
    )
    (group,) = await progress_engine.recaps.due("telegram", RECAP_AT)
    recap = await progress_engine.recaps.weekly(group.chat_id, RECAP_AT)
    assert recap is not None
    assert (recap.week_start, recap.week_end) == (LAST_MONDAY, date(2025, 3, 2))
    assert recap.chat_external_id == GROUP.external_id and recap.platform == "telegram"
    assert recap.answers == sum(len(day) for day in WEEK) == 17
    assert recap.players == 3
    # Alice answered well five times: the most points; Bob and Carol follow.
    assert [m.display_name for m in recap.top] == ["Alice", "Bob <script>", "Carol"]
    assert recap.top[0].points > recap.top[1].points
    # Alice answered every day of the week (through this Monday morning her streak lives).
    assert recap.streaks[0].display_name == "Alice"
    assert recap.streaks[0].days >= 7
    # Hardest: Tuesday's (everyone wrong), Monday's (1 of 3), Friday's (1 of 2).
    assert [h.question_id for h in recap.hardest] == [asked_ids[1], asked_ids[0], asked_ids[4]]
    assert [round(h.average_score, 2) for h in recap.hardest] == [0.0, 0.33, 0.5]
    by_id = progress_catalog.by_id
    assert recap.hardest[0].reminder == answer_reminder(by_id[asked_ids[1]])
    # Questions asked so far: the Sunday before, the week's seven, and this Monday's (the
    # group missed Monday's last week, so it came back).
    asked_ever = {before.question.id, *asked_ids, after.question.id}
    assert after.question.id == asked_ids[0]
    assert (recap.covered, recap.deck_total, recap.new_last_week) == (len(asked_ever), 11, 7)
    assert recap.covered == 8


async def test_the_recap_renders_as_text_and_escaped_html(progress_engine: Engine) -> None:
    await play_last_week(progress_engine)
    (group,) = await progress_engine.recaps.due("telegram", RECAP_AT)
    recap = await progress_engine.recaps.weekly(group.chat_id, RECAP_AT)
    assert recap is not None
    text = recap_text(recap, PLAIN, EN)
    assert text.startswith("📅 Weekly recap · 24 Feb – 2 Mar 2025")
    assert "17 answers from 3 members." in text
    assert "1. Alice · " in text and "Bob <script>" in text
    assert "🧠 Hardest questions" in text and "   ↳ " in text
    assert "📚 Covered 7 of 11 questions (+7 new last week)." in text
    markup = telegram.recap(recap, EN)
    assert "<script>" not in markup and "Bob &lt;script&gt;" in markup
    assert markup.startswith("<b>📅 Weekly recap")
    assert len(markup) < 4096  # one Telegram message


async def test_answers_that_cannot_be_graded_are_never_the_hardest(
    progress_engine: Engine, progress_catalog: Catalog
) -> None:
    await open_group(progress_engine, "2025-02-20 12:00")
    asked, _ = await group_round(
        progress_engine, GROUP, at_local("2025-02-25 19:00", TZ), {ALICE: True}
    )
    free = await progress_engine.asking.ask(
        GROUP, ALICE, at_local("2025-02-26 19:00", TZ), is_group=True, filter_text="open questions"
    )
    await progress_engine.asking.question_sent(free.delivery_id, RECAP_AT, message_id=777)
    await reply(progress_engine, GROUP, ALICE, "whatever", at_local("2025-02-26 19:05", TZ), to=777)
    (group,) = await progress_engine.recaps.due("telegram", RECAP_AT)
    recap = await progress_engine.recaps.weekly(group.chat_id, RECAP_AT)
    assert recap is not None and recap.answers == 2
    assert [h.question_id for h in recap.hardest] == [asked.question.id]


def test_reminders_are_one_plain_line(progress_catalog: Catalog) -> None:
    by_id = progress_catalog.by_id
    assert answer_reminder(by_id["drill-queue-order"]) == "No, only within a partition"
    assert answer_reminder(by_id["mini-latency"]) == (
        "The mean hides slow outliers; High percentiles show the tail"
    )
    assert answer_reminder(by_id["drill-notes-free"]) == (
        "Anything you like; there is nothing to grade here."
    )
    long = answer_reminder(by_id["drill-cache-hit"], limit=20)
    assert len(long) <= 20 and long.endswith("…")
    assert "\n" not in answer_reminder(by_id["drill-cache-hit"])


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("one two three four", 100) == "one two three four"
    assert shorten("one two three four", 12) == "one two…"


def test_hardest_and_streak_ordering(progress_catalog: Catalog) -> None:
    rows = [("mini-latency", 4, 0.5), ("mini-batching", 2, 0.5), ("gone", 9, 0.0)]
    hard = hardest_questions(rows, progress_catalog.by_id, progress_catalog.position, limit=3)
    # Ties: more answers first; a question no longer in the decks is left out.
    assert [h.question_id for h in hard] == ["mini-latency", "mini-batching"]
    assert isinstance(hard[0], HardQuestion)
    streaks = longest_streaks([("b", 3), ("A", 3), ("c", 0), ("d", 9)], limit=3)
    assert [(s.display_name, s.days) for s in streaks] == [("d", 9), ("A", 3), ("b", 3)]


@pytest.mark.parametrize("monday_offset_hours", [-1, 0])
async def test_the_recap_at_any_time_this_week_covers_last_week(
    progress_engine: Engine, monday_offset_hours: int
) -> None:
    await play_last_week(progress_engine)
    (group,) = await progress_engine.recaps.due("telegram", RECAP_AT)
    # Sunday 23:00 local is still last week: the recap then covers the week before it.
    moment = at_local("2025-03-03 00:00", TZ) + timedelta(hours=monday_offset_hours)
    recap = await progress_engine.recaps.weekly(group.chat_id, moment)
    if monday_offset_hours < 0:
        assert recap is None  # the week of 17 Feb was quiet
    else:
        assert recap is not None and recap.week_start == LAST_MONDAY
