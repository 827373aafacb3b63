"""All loaded questions, in deck order, with lookups and /quiz filters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from bot.decks.loader import LoadedDeck, load_decks
from bot.decks.model import Deck, Question
from bot.errors import UnknownFilter

CLOSEST = 3
"""How many close names an unknown /quiz filter suggests."""
LIKE_ENOUGH = 75.0
"""The least likeness (0-100) of a suggested name."""


def _likeness(wanted: str, name: str) -> float:
    """How alike a typed filter is to a name, or to one of its words (typos, plurals)."""
    folded = name.casefold()
    return max(fuzz.ratio(wanted, part) for part in (folded, *folded.split()))


@dataclass(frozen=True)
class Catalog:
    decks: tuple[Deck, ...]
    questions: tuple[Question, ...] = field(init=False)
    by_id: dict[str, Question] = field(init=False, repr=False)
    deck_of: dict[str, Deck] = field(init=False, repr=False)
    position: dict[str, int] = field(init=False, repr=False)
    """Each question's place in deck order (new questions are asked in this order)."""

    def __post_init__(self) -> None:
        questions = tuple(q for deck in self.decks for q in deck.questions)
        object.__setattr__(self, "questions", questions)
        object.__setattr__(self, "by_id", {q.id: q for q in questions})
        object.__setattr__(
            self, "deck_of", {q.id: deck for deck in self.decks for q in deck.questions}
        )
        object.__setattr__(self, "position", {q.id: i for i, q in enumerate(questions)})

    @classmethod
    def from_loaded(cls, loaded: Iterable[LoadedDeck]) -> Catalog:
        return cls(tuple(item.deck for item in loaded))

    @classmethod
    def load(cls, paths: Iterable[Path]) -> Catalog:
        """Load and validate every deck; raises ContentError listing all problems."""
        return cls.from_loaded(load_decks(paths))

    def language_of(self, question: Question) -> str:
        return question.language or self.deck_of[question.id].language

    def topics(self) -> list[tuple[str, int]]:
        """Each topic with its number of questions, in deck order."""
        counts: dict[str, int] = {}
        for question in self.questions:
            counts[question.topic] = counts.get(question.topic, 0) + 1
        return list(counts.items())

    def tags(self) -> list[str]:
        seen: dict[str, None] = {}
        for question in self.questions:
            for tag in question.tags:
                seen.setdefault(tag, None)
        return list(seen)

    def select(self, text: str | None) -> list[Question]:
        """Questions matching a deck id, a tag, part of a topic or else part of a question's
        text (any language); all when `text` is empty.

        Raises UnknownFilter, which lists what exists and the closest names, when nothing
        matches.
        """
        wanted = " ".join((text or "").split()).casefold()
        if not wanted:
            return list(self.questions)
        by_deck = [q for q in self.questions if self.deck_of[q.id].deck == wanted]
        if by_deck:
            return by_deck
        by_tag = [q for q in self.questions if wanted in (t.casefold() for t in q.tags)]
        if by_tag:
            return by_tag
        by_topic = [q for q in self.questions if wanted in q.topic.casefold()]
        if by_topic:
            return by_topic
        by_text = [q for q in self.questions if wanted in q.question.casefold()]
        if by_text:
            return by_text
        topics = [topic for topic, _ in self.topics()]
        decks = [deck.deck for deck in self.decks]
        return self._unknown(text or "", wanted, topics, self.tags(), decks)

    @staticmethod
    def _unknown(
        text: str, wanted: str, topics: list[str], tags: list[str], decks: list[str]
    ) -> list[Question]:
        names = list(dict.fromkeys([*topics, *tags, *decks]))
        scored = sorted(
            ((_likeness(wanted, name), index, name) for index, name in enumerate(names)),
            key=lambda item: (-item[0], item[1]),
        )
        closest = [name for score, _, name in scored[:CLOSEST] if score >= LIKE_ENOUGH]
        raise UnknownFilter(text, topics=topics, tags=tags, decks=decks, closest=closest)
