"""Decide what an import adds: stable ids, duplicates skipped, topics and key points.

Ids are `DECK-CHAPTER-HASH`, where HASH comes from the normalized question text, so the
same notes give the same ids on every run.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.decks.importer.keypoints import draft_key_points
from bot.decks.importer.markdown import CHAPTER_NUMBER, detect_language, normalize_question
from bot.decks.importer.parsing import NoteQuestion
from bot.decks.importer.terms import DeckVocabulary
from bot.decks.model import DECK_ID_MAX, QUESTION_ID_MAX, Deck, Question

if TYPE_CHECKING:
    from bot.decks.catalog import Catalog

HASH_LENGTH = 8
SLUG_MAX = 20


def free_deck_id(wanted: str, taken: Iterable[str]) -> str:
    """A valid deck id close to `wanted` that none of `taken` uses.

    `WANTED-notes` when free, else `WANTED-2`, `WANTED-3`, ...; `wanted` is shortened
    when needed to stay within the deck id length limit.
    """
    used = set(taken)
    for suffix in ("notes", *(str(n) for n in range(2, 10_000))):
        base = wanted[: DECK_ID_MAX - len(suffix) - 1].rstrip("-")
        candidate = f"{base}-{suffix}"
        if candidate not in used:
            return candidate
    raise ValueError(f"no free deck id near {wanted!r}")  # pragma: no cover


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^a-z0-9.]+|\.(?!\d)|(?<!\d)\.", "-", text)
    return re.sub(r"-{2,}", "-", text).strip("-.")


def _chapter_slug(note: NoteQuestion) -> str:
    """The id part for a topic: "mlsd-ch3.1" for "MLSD chapter 3.1 data source", "week-1" for "WEEK 1"."""
    parts = []
    for part in note.topic_parts:
        number = CHAPTER_NUMBER.search(part)
        slug = f"ch{number.group(1)}" if number else _slug(part)
        if len(slug) > SLUG_MAX:
            slug = slug[: SLUG_MAX + 1].rsplit("-", 1)[0].strip("-.")
        if slug:
            parts.append(slug)
    return "-".join(parts)


def question_id(deck_id: str, chapter_slug: str, normalized: str, taken: set[str]) -> str:
    """`DECK-CHAPTER-HASH`, at most 48 characters, not in `taken`.

    HASH is the start of the SHA-256 of the normalized question text, so the id stays the
    same on every run; it grows longer only in the (unlikely) event of a clash.
    """
    digest = hashlib.sha256(normalized.encode("utf-8")).hexdigest()
    if chapter_slug == deck_id:
        chapter_slug = ""
    chapter_slug = chapter_slug.removeprefix(f"{deck_id}-")
    for length in range(HASH_LENGTH, len(digest) + 1, 2):
        tail = digest[:length]
        room = QUESTION_ID_MAX - len(deck_id) - len(tail) - 2
        slug = chapter_slug[:room].rstrip("-.") if room > 0 else ""
        candidate = "-".join(part for part in (deck_id, slug, tail) if part)
        candidate = candidate[:QUESTION_ID_MAX]
        if candidate not in taken:
            return candidate
    raise ValueError(f"cannot make a unique id for {normalized!r}")  # pragma: no cover


UNCHANGED = "unchanged"
"""Why a question already in the deck was skipped by an update: the notes say the same."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one question found in the notes."""

    note: NoteQuestion
    id: str | None
    """The new id, or the id of the question it duplicates."""
    question: Question | None = None
    """The question to add (or, when `updated`, to put in place of the deck's), else None."""
    skipped: str | None = None
    """Why it was skipped."""
    updated: bool = False
    """True when `question` replaces the deck's question of the same id."""


@dataclass(frozen=True, slots=True)
class ImportPlan:
    outcomes: tuple[Outcome, ...]
    language: str
    """The deck's language (the existing deck's, else the most common among new questions)."""

    @property
    def added(self) -> tuple[Question, ...]:
        return tuple(o.question for o in self.outcomes if o.question is not None and not o.updated)

    @property
    def updated(self) -> tuple[Question, ...]:
        return tuple(o.question for o in self.outcomes if o.question is not None and o.updated)

    @property
    def unchanged(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.skipped == UNCHANGED)

    @property
    def skipped(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.question is None)


def plan_import(
    notes: Sequence[NoteQuestion],
    deck_id: str,
    *,
    out_deck: Deck | None = None,
    out_name: str = "the output deck",
    existing: Catalog | None = None,
    default_topic: str = "notes",
    source: str = "notes",
    update: bool = False,
) -> ImportPlan:
    """Decide, for every question found, its id and whether it is new.

    A question is skipped when its normalized text is already in `out_deck` (the deck being
    appended to), in `existing` (the configured decks), or earlier in the same notes, or
    when it has no answer. New questions get stable ids, a topic, their language and draft
    key points.

    With `update`, a question already in `out_deck` is compared with the notes instead:
    when its text, answer, topic or language differ it is updated under its own id (key
    points drafted anew only when the answer changed; other keys such as tags kept), else
    it is skipped as unchanged.
    """
    present: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    in_out: dict[str, Question] = {}
    if out_deck is not None:
        for q in out_deck.questions:
            in_out.setdefault(normalize_question(q.question), q)
            present.setdefault(normalize_question(q.question), (q.id, f"already in {out_name}"))
            taken.add(q.id)
    if existing is not None:
        for q in existing.questions:
            deck = existing.deck_of[q.id].deck
            present.setdefault(normalize_question(q.question), (q.id, f"already in deck '{deck}'"))
            taken.add(q.id)

    languages = [detect_language(f"{n.question}\n{n.answer}") for n in notes]
    if out_deck is not None:
        language = out_deck.language
    else:
        language = "zh" if languages.count("zh") > languages.count("en") else "en"

    vocabulary = DeckVocabulary.of(
        [f"{n.question}\n{n.answer}" for n in notes]
        + ([f"{q.question}\n{q.answer}" for q in out_deck.questions] if out_deck else [])
    )
    outcomes: list[Outcome] = []
    for note, detected in zip(notes, languages, strict=True):
        normalized = normalize_question(note.question)
        if not normalized:
            outcomes.append(Outcome(note, None, skipped="the question has no text"))
            continue
        if update and normalized in in_out and normalized in present and note.answer:
            old = in_out.pop(normalized)
            present[normalized] = (old.id, f"same as line {note.line} of {source}")
            fresh = {
                "question": note.question,
                "answer": note.answer,
                "topic": note.topic(default_topic),
                "language": None if detected == language == "en" else detected,
            }
            if all(getattr(old, key) == value for key, value in fresh.items()):
                outcomes.append(Outcome(note, old.id, skipped=UNCHANGED))
                continue
            if old.answer != note.answer:
                fresh["key_points"] = draft_key_points(
                    note.answer, note.question, vocabulary=vocabulary
                )
            question = old.model_copy(update=fresh)
            outcomes.append(Outcome(note, old.id, question=question, updated=True))
            continue
        if normalized in present:
            known_id, reason = present[normalized]
            outcomes.append(Outcome(note, known_id, skipped=reason))
            continue
        new_id = question_id(deck_id, _chapter_slug(note), normalized, taken)
        if not note.answer:
            outcomes.append(Outcome(note, new_id, skipped="no answer under it"))
            continue
        taken.add(new_id)
        present[normalized] = (new_id, f"same as line {note.line} of {source}")
        question = Question(
            id=new_id,
            topic=note.topic(default_topic),
            language=None if detected == language == "en" else detected,
            question=note.question,
            answer=note.answer,
            key_points=draft_key_points(note.answer, note.question, vocabulary=vocabulary),
        )
        outcomes.append(Outcome(note, new_id, question=question))

    return ImportPlan(outcomes=tuple(outcomes), language=language)
