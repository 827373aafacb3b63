"""A file someone sends to the bot, as a deck: YAML, markdown notes, CSV or an Anki package.

Every kind ends as deck YAML validated by the deck loader, the same check as
`quizbot content check`: a YAML deck is loaded as sent; notes go through the importer's
public steps (`parse_notes`, `plan_import`, `render_deck`) as `quizbot content import`
runs them; CSV and Anki questions are rendered to YAML the same way and loaded back. What
is stored is that YAML text, so a stored deck reloads through the same loader.

Pure: bytes and a file name in, a `ParsedUpload` or a `DeckRejected` (a code and located
issues) out. Adapters word the reply.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from bot.decks.ankipackage import anki_questions
from bot.decks.csvdeck import csv_questions
from bot.decks.importer import detect_language, parse_notes, plan_import, render_deck
from bot.decks.loader import ContentError, ContentIssue, Location, load_deck_text
from bot.decks.model import DECK_ID_MAX, Deck, Question, deck_id_problem
from bot.errors import QuizError

MAX_FILE_BYTES = 1_000_000
"""Largest deck file (YAML, notes, CSV) accepted."""
MAX_PACKAGE_BYTES = 10_000_000
"""Largest Anki package accepted (its media are ignored, but they come along)."""
MAX_QUESTIONS = 500
"""Most questions in one own deck."""
MAX_DECKS = 20
"""Most own decks per person."""

KINDS = {".yaml": "yaml", ".yml": "yaml", ".md": "notes", ".csv": "csv", ".apkg": "anki"}


class DeckRejected(QuizError):
    """An uploaded deck was not stored. `code` says why:

    - `unsupported`: not a .yaml/.yml/.md/.csv/.apkg file
    - `too_large`: over `limit` bytes
    - `invalid`: `issues` holds every problem, each located FILE:LINE:COL
    - `no_id`: the file name gives no deck id
    - `too_many_questions`: over `limit` questions (`count` found)
    - `too_many_decks`: the person already has `limit` own decks
    - `bundled_id`: `deck_id` is the id of a deck the bot ships with
    """

    def __init__(
        self,
        code: str,
        *,
        issues: Sequence[ContentIssue] = (),
        limit: int = 0,
        count: int = 0,
        deck_id: str = "",
    ) -> None:
        super().__init__(code)
        self.issues = tuple(issues)
        self.limit = limit
        self.count = count
        self.deck_id = deck_id


@dataclass(frozen=True, slots=True)
class ParsedUpload:
    deck: Deck
    body: str
    """The deck as YAML text; loads with `load_deck_text`."""
    kind: str
    notes: tuple[str, ...] = field(default=())
    """What was skipped or ignored on the way, for the reply."""


def kind_of(filename: str) -> str | None:
    return KINDS.get(PurePosixPath(filename).suffix.lower())


def size_limit(filename: str) -> int:
    return MAX_PACKAGE_BYTES if kind_of(filename) == "anki" else MAX_FILE_BYTES


def check_size(filename: str, size: int | None) -> None:
    """Refuse before downloading: an unsupported type or a file over its limit."""
    if kind_of(filename) is None:
        raise DeckRejected("unsupported")
    if size is not None and size > size_limit(filename):
        raise DeckRejected("too_large", limit=size_limit(filename), count=size)


def stem_id(filename: str) -> str:
    """A file name's stem in deck-id form: `ML Notes (v2).md` gives `ml-notes-v2`."""
    stem = unicodedata.normalize("NFKC", PurePosixPath(filename).stem).casefold()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    return slug[:DECK_ID_MAX].rstrip("-")


def _decode(raw: bytes, file: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise DeckRejected(
            "invalid",
            issues=[ContentIssue(Location(file, line, column), "not UTF-8 text; save it as UTF-8")],
        ) from None


def _load(text: str, file: str) -> Deck:
    try:
        return load_deck_text(text.encode("utf-8"), file).deck
    except ContentError as error:
        raise DeckRejected("invalid", issues=error.issues) from None


def _languages(questions: Sequence[Question]) -> tuple[str, list[Question]]:
    """The deck's language (the most common) and the questions marked where they differ."""
    detected = [detect_language(f"{q.question}\n{q.answer}") for q in questions]
    language = "zh" if detected.count("zh") > detected.count("en") else "en"
    marked = [
        q if found == language else q.model_copy(update={"language": found})
        for q, found in zip(questions, detected, strict=True)
    ]
    return language, marked


def _from_questions(
    questions: Sequence[Question], deck_id: str, title: str, file: str
) -> tuple[Deck, str]:
    language, marked = _languages(questions)
    deck = Deck(deck=deck_id, title=title, language=language, questions=marked)
    body = render_deck(deck)
    return _load(body, file), body


def _notes(text: str, file: str, deck_id: str, default_topic: str) -> ParsedUpload:
    parsed = parse_notes(text)
    if not parsed.questions:
        raise DeckRejected(
            "invalid",
            issues=[
                ContentIssue(
                    Location(file, 1, 1),
                    "no questions found (a question is a heading or line marked with ❓, "
                    "e.g. '#### ❓ Q1: ...', followed by its answer)",
                )
            ],
        )
    plan = plan_import(parsed.questions, deck_id, default_topic=default_topic, source=file)
    skipped = [f"{file}:{o.note.line}: skipped, {o.skipped}" for o in plan.skipped]
    if not plan.added:
        raise DeckRejected(
            "invalid",
            issues=[
                ContentIssue(Location(file, o.note.line, 1), f"question skipped: {o.skipped}")
                for o in plan.skipped
            ],
        )
    title = " / ".join(dict.fromkeys(parsed.titles)) or deck_id
    deck = Deck(deck=deck_id, title=title, language=plan.language, questions=list(plan.added))
    body = render_deck(deck)
    return ParsedUpload(_load(body, file), body, "notes", tuple(skipped))


def parse_upload(raw: bytes, filename: str) -> ParsedUpload:
    """The deck in an uploaded file; raises DeckRejected with every problem found."""
    kind = kind_of(filename)
    check_size(filename, len(raw))
    file = PurePosixPath(filename).name or "upload"
    if kind == "yaml":
        text = _decode(raw, file)
        deck = _load(text, file)
        upload = ParsedUpload(deck, text, kind)
    else:
        deck_id = stem_id(file)
        if not deck_id or deck_id_problem(deck_id):
            raise DeckRejected("no_id")
        topic = PurePosixPath(file).stem.strip() or deck_id
        if kind == "notes":
            upload = _notes(_decode(raw, file), file, deck_id, topic)
        else:
            found = (
                csv_questions(_decode(raw, file), file, deck_id, topic)
                if kind == "csv"
                else anki_questions(raw, file, deck_id, topic)
            )
            if isinstance(found, list):
                raise DeckRejected("invalid", issues=found)
            if len(found.questions) > MAX_QUESTIONS:
                raise DeckRejected(
                    "too_many_questions", limit=MAX_QUESTIONS, count=len(found.questions)
                )
            deck, body = _from_questions(found.questions, deck_id, topic, file)
            upload = ParsedUpload(deck, body, kind, found.notes)
    if len(upload.deck.questions) > MAX_QUESTIONS:
        raise DeckRejected(
            "too_many_questions", limit=MAX_QUESTIONS, count=len(upload.deck.questions)
        )
    return upload


def sample_key_points(deck: Deck, limit: int = 3) -> list[tuple[str, str]]:
    """Up to `limit` (question, key point) pairs, from different questions first, to show
    what grading will look for."""
    pairs: list[tuple[str, str]] = []
    for question in deck.questions:
        if question.key_points:
            pairs.append((question.question, question.key_points[0].point))
        if len(pairs) == limit:
            break
    return pairs
