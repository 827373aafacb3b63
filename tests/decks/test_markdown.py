"""The deck's Markdown subset rendered for Telegram and Discord: always well-formed.

The Telegram side is checked with the test Bot API server's own HTML parser (the one
that refuses what Telegram refuses), and with `telegram_html_problems`; Discord's with
`discord_markdown_problems`. Hypothesis throws arbitrary mixes of markers at both.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.decks.markdown import (
    balance_discord,
    discord_markdown,
    discord_markdown_problems,
    question_problems,
    telegram_html,
    telegram_html_problems,
)
from bot.decks.model import Question
from tests.botapi import parse_html

ALLOWED = {"b", "i", "code"}
TAG = re.compile(r"</?([a-z-]+)>")

NASTY = (
    "**a *b** c*",
    "*d **e* f**",
    "***x***",
    "****",
    "** **",
    "*a*b*c*",
    "`a **b` c**",
    "**`code`**",
    "# **h *i** j*",
    "- *x **y* z**",
    "a < b > c & d &amp; <b>e</b>",
    "\\*not\\* **es*caped**",
    "` `",
    "** **",
)

markdownish = st.lists(
    st.sampled_from([*"ab *`_#-<>&\n1.\\~|", "**", "***", "é", "中", "&amp;", "<b>"]),
    max_size=40,
).map("".join)


def assert_sendable_on_telegram(text: str) -> None:
    rendered = telegram_html(text)
    assert telegram_html_problems(rendered) == []
    if text.strip():
        parse_html(rendered)  # raises, as Telegram refuses, on crossing or unknown tags
    assert set(TAG.findall(rendered)) <= ALLOWED


def assert_well_formed_for_discord(text: str) -> None:
    rendered = discord_markdown(text)
    assert discord_markdown_problems(rendered) == []


def test_crossing_emphasis_becomes_nested_or_literal() -> None:
    assert telegram_html("**a *b** c*") == "<b>a *b</b> c*"
    assert telegram_html("*d **e** f*") == "<i>d <b>e</b> f</i>"
    assert discord_markdown("**a *b** c*") == "**a \\*b** c\\*"
    assert discord_markdown("*d **e** f*") == "_d **e** f_"


def test_nested_same_emphasis_is_written_once() -> None:
    assert telegram_html("# **bold** title") == "<b>bold title</b>"
    assert discord_markdown("# **bold** title") == "**bold title**"


def test_code_spans_keep_their_markers_as_text() -> None:
    assert telegram_html("`a **b` c**") == "<code>a **b</code> c**"
    assert discord_markdown("`a **b` c**") == "`a **b` c\\*\\*"


def test_discord_text_is_escaped() -> None:
    rendered = discord_markdown("_u_ ~~s~~ ||sp|| <@123> -# sub [l](x)\n-# subtext\n> quote")
    assert rendered == (
        "\\_u\\_ \\~\\~s\\~\\~ \\|\\|sp\\|\\| \\<@123> -# sub \\[l\\](x)\n\\-# subtext\n\\> quote"
    )


def test_every_nasty_example_is_sendable_on_both_platforms() -> None:
    for text in NASTY:
        assert_sendable_on_telegram(text)
        assert_well_formed_for_discord(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_any_markdown_renders_to_balanced_telegram_html(text: str) -> None:
    assert_sendable_on_telegram(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_any_markdown_renders_to_paired_discord_markers(text: str) -> None:
    assert_well_formed_for_discord(text)


@settings(max_examples=200, deadline=None)
@given(markdownish, st.integers(min_value=1, max_value=60))
def test_discord_markdown_cut_anywhere_is_rebalanced(text: str, cut: int) -> None:
    rendered = discord_markdown(text)
    assert discord_markdown_problems(balance_discord(rendered[:cut])) == []


def test_the_checkers_catch_what_the_platforms_refuse() -> None:
    assert telegram_html_problems("<b>a <i>b</b> c</i>") == ["</b> crosses <i> (tags must nest)"]
    assert telegram_html_problems("<b>open") == ["<b> is never closed"]
    assert telegram_html_problems("<blink>x</blink>") == [
        "tag <blink> is not supported by Telegram"
    ]
    assert telegram_html_problems("a < b") == [
        "a '<' that is not part of a tag must be written &lt;"
    ]
    assert telegram_html_problems("&nbsp;x") == ["&nbsp; is not one of Telegram's entities"]
    assert discord_markdown_problems("**a _b** c_") == ["line 1: ** crosses _"]
    assert discord_markdown_problems("**open") == ["line 1: ** is never closed"]


def test_a_clean_question_has_no_problems() -> None:
    item = Question(id="q-2", topic="T", question="**a *b** c*", answer="# x\n- *y **z* w**")
    assert question_problems(item) == []
