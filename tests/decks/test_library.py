"""The deck library: own decks namespaced by their row, and each chat's view."""

from __future__ import annotations

from pathlib import Path

from bot.decks.catalog import Catalog
from bot.decks.library import DeckLibrary, OwnDeck, own_key, parse_choice
from bot.decks.upload import parse_upload

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CSV = b"question,answer\nWhat is a quorum?,A majority\nWhat is a lease?,A timed lock\n"


def library() -> DeckLibrary:
    bundled = Catalog.load([FIXTURES / "mini.yaml", FIXTURES / "open.yaml"])
    deck = parse_upload(CSV, "mini.csv").deck  # the same deck id as a bundled one's...
    other = parse_upload(CSV, "mini.csv").deck  # ...and as another person's
    return DeckLibrary(bundled, [OwnDeck(7, 1, "Ann", deck), OwnDeck(8, 2, "Ben", other)])


def test_own_questions_never_clash_and_show_their_own_ids() -> None:
    lib = library()

    ids = [q.id for q in lib.combined.questions]
    assert len(ids) == len(set(ids)) == 4 + 1 + 2 + 2
    own = [q.id for q in lib.own[7].stored.questions]
    assert all(i.startswith("o7/mini-") for i in own)
    assert [i.removeprefix("o7/") for i in own] == [q.id for q in lib.own[7].deck.questions]


def test_a_private_chat_uses_bundled_and_its_owners_decks_by_default() -> None:
    lib = library()

    mine = {q.id for q in lib.view(None, owner_id=1).questions}
    assert {q.id for q in lib.own[7].stored.questions} <= mine
    assert not {q.id for q in lib.own[8].stored.questions} & mine
    assert len(lib.view(None).questions) == 5  # a group: bundled only


def test_a_choice_keeps_known_decks_and_falls_back_when_none_is_left() -> None:
    lib = library()

    assert [d.deck for d in lib.view(["open", own_key(8)]).decks] == ["open", "mini"]
    assert lib.view([own_key(8)]).questions[0].id.startswith("o8/")
    gone = lib.without([8])
    assert [d.deck for d in gone.view([own_key(8)]).decks] == ["mini", "open"]
    assert parse_choice("not json") is None and parse_choice('{"a": 1}') is None
