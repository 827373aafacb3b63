"""A question's language is what its deck declares (its own `language`, else the deck's):
`/quiz zh` and a chat's question languages rely on it. This keeps the bundled decks and
the test decks honest: each question is declared in the language its text is written in
(mostly Chinese counts as Chinese, as the notes importer and uploads detect it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.decks.catalog import Catalog
from bot.decks.importer import detect_language
from bot.engine.question_languages import base_language

ROOT = Path(__file__).resolve().parents[2]
DECKS = [
    *sorted((ROOT / "content").glob("*.yaml")),
    ROOT / "tests" / "fixtures" / "mini.yaml",
    ROOT / "tests" / "fixtures" / "bilingual.yaml",
]


@pytest.mark.parametrize("deck", DECKS, ids=lambda path: path.name)
def test_every_question_is_declared_in_the_language_it_is_written_in(deck: Path) -> None:
    catalog = Catalog.load([deck])
    mislabelled = [
        (question.id, catalog.language_of(question), written)
        for question in catalog.questions
        if base_language(catalog.language_of(question))
        != (written := detect_language(question.question))
    ]

    assert mislabelled == []


def test_the_bundled_decks_have_questions_in_both_languages() -> None:
    catalog = Catalog.load(sorted((ROOT / "content").glob("*.yaml")))
    languages = {base_language(catalog.language_of(question)) for question in catalog.questions}

    assert languages == {"en", "zh"}
