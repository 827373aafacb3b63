"""The shortcuts that keep loading decks fast give exactly what the full path gives.

Loading checks every question's Markdown for both platforms. `question_problems` finds
nothing in a text with no `*` and no backtick without rendering it; `parse` keeps its
last text's lines, so each text is parsed once for both; `parse_inline` takes a line with
no `*` and no backtick as plain text; `telegram_html_problems` finds nothing in markup
with no '<' and no '&' without running its parser, and checks the nesting of the only
tags and entities `telegram_html` writes without it; `discord_markdown_problems` reads
only the tokens that can mark something.
Each is compared here with the full path: on every text of the bundled decks and the test
fixtures, and on random texts and markup, including markup the checkers refuse.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.decks.markdown import (
    _DISCORD_TOKEN,
    discord_markdown,
    discord_markdown_problems,
    parse,
    parse_inline,
    parse_inline_full,
    question_problems,
    telegram_html,
    telegram_html_problems,
    telegram_html_problems_full,
)
from bot.decks.model import Question

ROOT = Path(__file__).parents[2]
DECK_FOLDERS = (ROOT / "content", Path(__file__).parent / "fixtures")


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("question", "answer") and isinstance(item, str):
                yield item
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def deck_texts() -> list[str]:
    """Every question and answer text in the bundled decks and the fixtures, broken or not
    (read with PyYAML, independently of the loader)."""
    texts = []
    for folder in DECK_FOLDERS:
        for path in sorted(folder.rglob("*.y*ml")):
            try:
                texts += _texts(yaml.safe_load(path.read_bytes()))
            except yaml.YAMLError:
                continue
    return texts


TEXTS = deck_texts()
MORE = [
    "What does question 7 of deck 3 ask about latency?",
    "Percentiles show the tail; the mean hides slow outliers.\n- p95 and p99",
    "a < b > c & d &amp; <b>e</b>",
    "\\*not\\* **es*caped**",
    "_u_ ~~s~~ ||sp|| <@123> -# sub [l](x)\n-# subtext\n> quote\n1. one\n# head",
    "**a *b** c*\n*d **e* f**\n`a **b` c**\n  - *x **y* z**\n12) twelve",
]

markdownish = st.lists(
    st.sampled_from(
        [*"ab *`_#-+<>&;\n\r1.)\\~|[] \t", "**", "***", "é", "中", "&amp;", "<b>", "\u2028"]
    ),
    max_size=40,
).map("".join)
no_markers = st.text(
    st.characters(blacklist_characters="*`", blacklist_categories=("Cs",)), max_size=40
)
markup_pieces = st.lists(
    st.sampled_from(
        [
            *"ab <>&;/#x\n",
            "<b>",
            "</b>",
            "<i>",
            "</i>",
            "<code>",
            "</code>",
            "<B>",
            "</code >",
            "<blink>",
            "<br/>",
            "&amp;",
            "&lt;",
            "&gt;",
            "&quot;",
            "&amp",
            "&nbsp;",
            "&#65;",
            "&#x41",
            "<!-- c -->",
            "<![CDATA[x]]>",
        ]
    ),
    max_size=30,
).map("".join)
discordish = st.lists(st.sampled_from([*"ab*_`\\\n ~|•", "**", "\\*", "\\_"]), max_size=40).map(
    "".join
)


def discord_problems_reading_every_character(rendered: str) -> list[str]:
    """The Discord checker as it was first written: one token per character at least."""
    return discord_markdown_problems(rendered, tokens=_DISCORD_TOKEN)


def problems_by_the_full_path(item: Question) -> list[tuple[str, str]]:
    """Each text rendered once per platform and checked with no shortcut."""
    found = []
    for field in ("question", "answer"):
        text = getattr(item, field)
        for platform, rendered, problems in (
            ("Telegram", telegram_html(text), telegram_html_problems_full),
            ("Discord", discord_markdown(text), discord_problems_reading_every_character),
        ):
            found += [(field, f"as {platform} markup: {problem}") for problem in problems(rendered)]
    return found


def test_the_decks_and_fixtures_hold_texts_to_compare() -> None:
    assert len(TEXTS) > 100
    assert any("**" in text for text in TEXTS) and any("`" in text for text in TEXTS)
    assert any("*" not in text and "`" not in text for text in TEXTS)


def test_every_line_of_the_deck_texts_parses_as_the_full_parser_parses_it() -> None:
    for text in [*TEXTS, *MORE]:
        for line in text.strip().splitlines():
            body = (line.split(None, 1) or [""])[-1]  # after a heading's or an item's marker
            for inline in (line, body):
                assert parse_inline(inline) == parse_inline_full(inline), inline


def test_every_deck_text_has_the_problems_the_full_path_finds() -> None:
    for text in [*TEXTS, *MORE]:
        item = Question(id="q", topic="t", question=text, answer=text)
        assert question_problems(item) == problems_by_the_full_path(item), text


@settings(max_examples=400, deadline=None)
@given(no_markers)
def test_a_line_without_markers_is_the_text_the_full_parser_finds(line: str) -> None:
    assert parse_inline(line) == parse_inline_full(line)


@settings(max_examples=300, deadline=None)
@given(markdownish.filter(str.strip), markdownish.filter(str.strip))
def test_any_question_has_the_problems_the_full_path_finds(question: str, answer: str) -> None:
    item = Question(id="q", topic="t", question=question, answer=answer)
    assert question_problems(item) == problems_by_the_full_path(item)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(markdownish, no_markers).filter(lambda text: "*" not in text and "`" not in text),
    st.one_of(markdownish, no_markers).filter(lambda text: "*" not in text and "`" not in text),
)
def test_a_question_without_emphasis_or_code_has_nothing_the_full_path_refuses(
    question: str, answer: str
) -> None:
    try:
        item = Question(id="q", topic="t", question=question, answer=answer)
    except ValidationError:
        assume(False)
        return
    assert problems_by_the_full_path(item) == []
    assert question_problems(item) == []


@settings(max_examples=400, deadline=None)
@given(st.one_of(markup_pieces, st.text(max_size=40)))
def test_telegram_markup_gets_the_problems_the_full_check_finds(rendered: str) -> None:
    assert telegram_html_problems(rendered) == telegram_html_problems_full(rendered)


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(blacklist_characters="<&"), max_size=60))
def test_markup_without_tags_or_entities_is_sendable_by_the_full_check(rendered: str) -> None:
    assert telegram_html_problems_full(rendered) == []


@settings(max_examples=400, deadline=None)
@given(st.one_of(discordish, st.text(max_size=40)))
def test_discord_markup_gets_the_problems_a_check_of_every_character_finds(
    rendered: str,
) -> None:
    assert discord_markdown_problems(rendered) == discord_problems_reading_every_character(rendered)


def test_the_checkers_still_name_what_the_platforms_refuse() -> None:
    assert telegram_html_problems("<b>x &nbsp; <i>y</b>") == [
        "&nbsp; is not one of Telegram's entities",
        "</b> crosses <i> (tags must nest)",
        "<i> is never closed",
    ]
    assert discord_markdown_problems("a ` b\n**x _y** z_\n_open") == [
        "line 1: a ` that starts no code span",
        "line 2: ** crosses _",
        "line 3: _ is never closed",
    ]


def test_a_kept_parse_is_a_fresh_list_each_time() -> None:
    lines = parse("# a\n- b")
    lines.append(lines[0])
    assert len(parse("# a\n- b")) == 2
    assert [line.kind for line in parse("# a\n- b")] == ["heading", "bullet"]
