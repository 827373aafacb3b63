"""The catalog: every loaded question in deck order, lookups, and the /quiz filter."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.decks import Catalog, ContentError
from bot.decks.loader import load_decks
from bot.decks.model import Question
from bot.errors import UnknownFilter

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"

ALL_IDS = [
    "basics-latency-percentiles",
    "basics-parquet",
    "basics.batch_vs_online",
    "minimal-q1",
    "zh-when-to-use-ml",
    "zh-data-formats",
    "zh-english-override",
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load([GOOD])


def ids(questions: list[Question]) -> list[str]:
    return [q.id for q in questions]


def test_questions_in_deck_order(catalog: Catalog) -> None:
    assert [d.deck for d in catalog.decks] == ["basics", "minimal", "zh-notes"]
    assert ids(list(catalog.questions)) == ALL_IDS
    assert catalog.position == {qid: i for i, qid in enumerate(ALL_IDS)}


def test_lookups(catalog: Catalog) -> None:
    assert set(catalog.by_id) == set(ALL_IDS)
    parquet = catalog.by_id["basics-parquet"]
    assert parquet.choices == ["CSV", "JSON", "Parquet"]
    assert catalog.deck_of["basics-parquet"].deck == "basics"
    assert catalog.deck_of["zh-data-formats"].title == "机器学习系统设计（中文笔记）"


def test_from_loaded_equals_load(catalog: Catalog) -> None:
    assert Catalog.from_loaded(load_decks([GOOD])) == catalog


def test_language_of_question_overrides_deck(catalog: Catalog) -> None:
    assert catalog.language_of(catalog.by_id["basics-parquet"]) == "en"
    assert catalog.language_of(catalog.by_id["zh-when-to-use-ml"]) == "zh"
    assert catalog.language_of(catalog.by_id["zh-english-override"]) == "en"


def test_topics_with_counts_in_first_seen_order(catalog: Catalog) -> None:
    assert catalog.topics() == [
        ("ML in production", 2),
        ("Data engineering", 1),
        ("Testing", 1),
        ("第一章 何时使用机器学习", 2),
        ("第三章 数据工程", 1),
    ]


def test_tags_once_each_in_first_seen_order(catalog: Catalog) -> None:
    assert catalog.tags() == ["latency", "metrics", "formats", "基础", "ml-basics"]


@pytest.mark.parametrize("text", [None, "", "   ", "\t\n"])
def test_select_nothing_means_everything(catalog: Catalog, text: str | None) -> None:
    assert ids(catalog.select(text)) == ALL_IDS


def test_select_by_deck_id(catalog: Catalog) -> None:
    assert ids(catalog.select("minimal")) == ["minimal-q1"]
    assert ids(catalog.select(" ZH-Notes ")) == [
        "zh-when-to-use-ml",
        "zh-data-formats",
        "zh-english-override",
    ]


def test_select_by_tag_is_exact_and_case_insensitive(catalog: Catalog) -> None:
    assert ids(catalog.select("LATENCY")) == ["basics-latency-percentiles"]
    assert ids(catalog.select("基础")) == ["zh-when-to-use-ml"]
    assert ids(catalog.select("formats")) == ["basics-parquet"]


def test_select_by_part_of_a_topic(catalog: Catalog) -> None:
    assert ids(catalog.select("production")) == [
        "basics-latency-percentiles",
        "basics.batch_vs_online",
    ]
    assert ids(catalog.select("ml   IN  production")) == [
        "basics-latency-percentiles",
        "basics.batch_vs_online",
    ]
    assert ids(catalog.select("数据工程")) == ["zh-data-formats"]
    assert ids(catalog.select("第一章")) == ["zh-when-to-use-ml", "zh-english-override"]


def test_select_prefers_deck_then_tag_then_topic(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "deck: metrics\n"
        "title: A deck named like a tag\n"
        "questions:\n"
        "  - {id: a1, topic: Other, question: Q, answer: A}\n"
        "  - {id: a2, topic: Metrics and more, tags: [x], question: Q, answer: A}\n"
        "  - {id: a3, topic: Something, tags: [topical], question: Q, answer: A}\n"
        "  - {id: a4, topic: Topical matters, question: Q, answer: A}\n",
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text(
        "deck: other\n"
        "title: Tagged\n"
        "questions:\n"
        "  - {id: b1, topic: T, tags: [metrics], question: Q, answer: A}\n",
        encoding="utf-8",
    )
    catalog = Catalog.load([tmp_path])
    assert ids(catalog.select("metrics")) == ["a1", "a2", "a3", "a4"]  # the deck wins
    assert ids(catalog.select("topical")) == ["a3"]  # the tag wins over the topic


def test_select_unknown_lists_what_exists(catalog: Catalog) -> None:
    with pytest.raises(UnknownFilter) as caught:
        catalog.select("quantum")
    error = caught.value
    assert error.text == "quantum"
    assert error.decks == ["basics", "minimal", "zh-notes"]
    assert error.tags == catalog.tags()
    assert error.topics == [topic for topic, _ in catalog.topics()]
    assert "quantum" in str(error)


def test_load_refuses_broken_decks_listing_every_problem() -> None:
    with pytest.raises(ContentError) as caught:
        Catalog.load([GOOD, BROKEN / "three_problems.yaml"])
    assert len(caught.value.issues) == 3
