"""The weekly recap's wording: sections, periods, and escaping through the adapter's markup."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.i18n import translator_for
from bot.presentation.markup import PLAIN, Markup
from bot.presentation.recap import period_text, recap_text
from bot.progress.recap import HardQuestion, Recap, RecapMember, RecapStreak

EN = translator_for("en")
SHOUTY = Markup(escape=lambda t: t.replace("<", "&lt;"), bold=lambda t: f"[{t}]")


def a_recap(**changes: object) -> Recap:
    fields: dict[str, object] = {
        "chat_id": 1,
        "platform": "telegram",
        "chat_external_id": -1,
        "thread_id": None,
        "chat_title": "",
        "week_start": date(2025, 3, 31),
        "answers": 1,
        "players": 1,
        "top": (),
        "streaks": (),
        "hardest": (),
        "covered": 1,
        "deck_total": 4,
        "new_last_week": 0,
    }
    fields.update(changes)
    return Recap(**fields)  # type: ignore[arg-type]


def test_an_empty_recap_section_is_left_out() -> None:
    recap = a_recap()
    text = recap_text(recap, PLAIN, EN)
    assert "31 Mar – 6 Apr 2025" in text
    assert "1 answer from 1 member." in text
    assert "Top of the week" not in text and "Hardest" not in text
    assert text.endswith("📚 Covered 1 of 4 questions.")


def test_names_and_deck_text_go_through_the_markups_escape_and_headings_are_bold() -> None:
    recap = a_recap(
        answers=3,
        players=2,
        top=(RecapMember("Bob <b>", 7),),
        streaks=(RecapStreak("Eve <i>", 1),),
        hardest=(HardQuestion("q1", "Why <x>?", "t", 0.25, 2, "Because <y>"),),
        new_last_week=1,
    )

    text = recap_text(recap, SHOUTY, EN)

    assert text.splitlines()[0] == "[📅 Weekly recap · 31 Mar – 6 Apr 2025]"
    assert "3 answers from 2 members." in text
    assert "[🏆 Top of the week]\n1. Bob &lt;b> · 7 pts" in text
    assert "[🔥 Longest streaks]\nEve &lt;i> · 1 day" in text
    assert "1. Why &lt;x>? (average 25%)\n   ↳ Because &lt;y>" in text
    assert text.endswith("📚 Covered 1 of 4 questions (+1 new last week).")


@pytest.mark.parametrize(
    ("start", "text"),
    [
        (date(2025, 3, 3), "3–9 Mar 2025"),
        (date(2025, 3, 31), "31 Mar – 6 Apr 2025"),
        (date(2024, 12, 30), "30 Dec 2024 – 5 Jan 2025"),
    ],
)
def test_the_period_names_each_month_and_year_once_when_it_can(start: date, text: str) -> None:
    assert period_text(start, start + timedelta(days=6), EN) == text


def test_a_chinese_groups_recap_is_worded_in_chinese() -> None:
    recap = a_recap(
        answers=3,
        players=2,
        top=(RecapMember("小美", 7),),
        streaks=(RecapStreak("小雷", 4),),
        hardest=(HardQuestion("q1", "为什么？", "t", 0.25, 2, "因为"),),
        new_last_week=1,
    )

    text = recap_text(recap, PLAIN, translator_for("zh"))

    assert text.splitlines()[:2] == [
        "📅 每周回顾 · 2025年3月31日–4月6日",
        "2 位成员参与，共 3 条回答。",
    ]
    assert "🏆 本周前几名\n1. 小美 · 7 分" in text
    assert "🔥 连续打卡最久\n小雷 · 4 天" in text
    assert "1. 为什么？（平均 25%）\n   ↳ 因为" in text
    assert text.endswith("📚 已覆盖 4 道题中的 1 道（上周新增 1 道）。")
