"""Every deck the bot knows: the bundled ones and people's own, and each chat's view.

Own decks live in the database. Their question ids are namespaced by the stored deck's
row (`o12/ml-notes-3f2a9c1d`), so they never clash with a bundled deck's ids or with
another person's, and stay the same when the owner sends the deck again (progress is
keyed on them). What people see is unchanged: the deck's own id and its questions.

A chat's choice is a list of deck keys: a bundled deck's id, `own:<row>` for an own
deck, or `*` for every bundled deck. No choice means the default: every bundled deck
and, in a private chat, every own deck of the person it belongs to. Pure and immutable: a change
makes a new library.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.decks.catalog import Catalog
from bot.decks.model import Deck

ALL_BUNDLED = "*"
OWN_PREFIX = "o"
"""Starts an own deck's question ids (`o12/...`); '/' is never in a bundled id."""
OWN_KEY = "own:"
"""Starts an own deck's key in a chat's choice (`own:12`); ':' is never in a deck id."""


def own_key(row_id: int) -> str:
    return f"{OWN_KEY}{row_id}"


def own_row_of(key: str) -> int | None:
    """The row id in an own deck's key (None for any other key)."""
    head, colon, tail = key.partition(":")
    return int(tail) if colon and f"{head}:" == OWN_KEY and tail.isdigit() else None


def own_question_id(row_id: int, question_id: str) -> str:
    return f"{OWN_PREFIX}{row_id}/{question_id}"


def own_prefix(row_id: int) -> str:
    """What every question id of an own deck starts with."""
    return f"{OWN_PREFIX}{row_id}/"


@dataclass(frozen=True, slots=True)
class OwnDeck:
    row_id: int
    owner_id: int
    """The owner's user row id."""
    owner_name: str
    deck: Deck
    """As sent: the author's question ids."""
    stored: Deck = field(init=False, repr=False)
    """With namespaced question ids: what the engine asks and records progress on."""

    def __post_init__(self) -> None:
        questions = [
            q.model_copy(update={"id": own_question_id(self.row_id, q.id)})
            for q in self.deck.questions
        ]
        object.__setattr__(self, "stored", self.deck.model_copy(update={"questions": questions}))

    @property
    def key(self) -> str:
        return own_key(self.row_id)


def parse_choice(raw: str | None) -> tuple[str, ...] | None:
    """A chat's stored choice; None for the default (also for anything unreadable)."""
    if not raw:
        return None
    try:
        keys = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        return None
    return tuple(keys)


def dump_choice(keys: Sequence[str] | None) -> str | None:
    return None if keys is None else json.dumps(list(dict.fromkeys(keys)))


class DeckLibrary:
    """The bundled catalog plus own decks; `combined` holds every question (for lookups
    by id), `view` only what one chat uses."""

    def __init__(self, bundled: Catalog, own: Iterable[OwnDeck] = ()) -> None:
        self.bundled = bundled
        self.own: dict[int, OwnDeck] = {deck.row_id: deck for deck in own}
        self.combined = Catalog((*bundled.decks, *(deck.stored for deck in self.own.values())))
        self._bundled_ids = {deck.deck for deck in bundled.decks}
        self._by_owner: dict[int, list[OwnDeck]] = {}
        for deck in sorted(self.own.values(), key=lambda d: (d.deck.deck, d.row_id)):
            self._by_owner.setdefault(deck.owner_id, []).append(deck)
        self._views: dict[tuple[str, ...], Catalog] = {}

    def with_deck(self, deck: OwnDeck) -> DeckLibrary:
        return DeckLibrary(
            self.bundled, [*(d for d in self.own.values() if d.row_id != deck.row_id), deck]
        )

    def without(self, row_ids: Iterable[int]) -> DeckLibrary:
        gone = set(row_ids)
        return DeckLibrary(self.bundled, [d for d in self.own.values() if d.row_id not in gone])

    def is_bundled(self, deck_id: str) -> bool:
        return deck_id in self._bundled_ids

    def owned_by(self, owner_ids: Iterable[int]) -> list[OwnDeck]:
        found = [
            deck for owner in dict.fromkeys(owner_ids) for deck in self._by_owner.get(owner, [])
        ]
        return sorted(found, key=lambda d: (d.deck.deck, d.row_id))

    def chosen_keys(self, choice: Sequence[str] | None, owner_id: int | None) -> tuple[str, ...]:
        """The keys a chat uses, known ones only: the default when there is no choice or
        nothing chosen is left (a removed own deck)."""
        if choice is not None:
            keys = tuple(
                key
                for key in dict.fromkeys(choice)
                if key == ALL_BUNDLED or key in self._bundled_ids or own_row_of(key) in self.own
            )
            if keys:
                return keys
        owned = [d.key for d in self.owned_by([owner_id])] if owner_id is not None else []
        return (ALL_BUNDLED, *owned)

    def view(self, choice: Sequence[str] | None, owner_id: int | None = None) -> Catalog:
        """The catalog of what a chat uses (cached per set of keys)."""
        keys = self.chosen_keys(choice, owner_id)
        cached = self._views.get(keys)
        if cached is not None:
            return cached
        decks: dict[str, Deck] = {}
        for key in keys:
            if key == ALL_BUNDLED:
                for deck in self.bundled.decks:
                    decks.setdefault(deck.deck, deck)
            elif key in self._bundled_ids:
                for deck in self.bundled.decks:
                    if deck.deck == key:
                        decks.setdefault(key, deck)
            else:
                row_id = own_row_of(key)
                assert row_id is not None
                decks.setdefault(key, self.own[row_id].stored)
        view = Catalog(tuple(decks.values()))
        self._views[keys] = view
        return view
