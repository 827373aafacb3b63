"""One deck-id rule: what the loader accepts in a YAML deck is what the importer and
uploads accept for the decks they build (`bot.decks.model.deck_id_problem`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.decks.importer import import_notes
from bot.decks.loader import ContentError, load_deck_text
from bot.decks.model import DECK_ID_MAX, deck_id_problem

NOTES = "## ch1\n### ❓ Q1: What is a model?\n✅ Answer: a function learned from data\n"


def _yaml_deck(deck_id: str) -> bytes:
    return (
        f"deck: '{deck_id}'\ntitle: T\nquestions:\n"
        "  - id: q1\n    topic: t\n    question: Why?\n    answer: Because.\n"
    ).encode()


def _loader_accepts(deck_id: str) -> bool:
    try:
        load_deck_text(_yaml_deck(deck_id), "deck.yaml")
    except ContentError:
        return False
    return True


def _importer_accepts(deck_id: str) -> bool:
    try:
        import_notes(NOTES, deck_id)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    "deck_id",
    [
        "ml",
        "ml-notes",
        "9lives",
        "ml-",
        "a" * DECK_ID_MAX,
        "a" * (DECK_ID_MAX + 1),
        "-ml",
        "ML",
        "ml_notes",
        "ml notes",
        "",
        "数据",
    ],
)
def test_the_loader_the_importer_and_the_rule_agree_on_every_deck_id(deck_id: str) -> None:
    valid = deck_id_problem(deck_id) is None
    assert _loader_accepts(deck_id) is valid
    assert _importer_accepts(deck_id) is valid


def test_a_deck_id_may_not_start_with_a_dash_so_question_ids_made_from_it_are_valid() -> None:
    problem = deck_id_problem("-ml")
    assert problem is not None and "starting with a letter or digit" in problem
    with pytest.raises(ContentError) as caught:
        load_deck_text(_yaml_deck("-ml"), "d.yaml")
    issues = str(caught.value)
    assert "d.yaml:1:7: deck: '-ml' is not valid here" in issues
    assert "starting with a letter or digit" in issues


def test_the_bundled_decks_follow_the_rule() -> None:
    content = Path(__file__).resolve().parents[2] / "content"
    for path in sorted(content.glob("*.yaml")):
        assert deck_id_problem(load_deck_text(path.read_bytes(), str(path)).deck.deck) is None
