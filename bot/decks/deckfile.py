"""One deck file, from bytes to a checked `Deck`: read the YAML safely, validate it, note
the ids it declares (reporting those used twice within it) and what a chat platform would
refuse once rendered. Every problem is kept, sorted by place."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.decks.issues import ContentIssue, Location, dotted, sorted_issues
from bot.decks.markdown import question_problems
from bot.decks.model import Deck
from bot.decks.validation import validate
from bot.decks.yamlbuilder import NO_DOCUMENT, Abort, Builder
from bot.decks.yamltext import decode_utf8, unprintable_issues, yaml_issue


@dataclass(slots=True)
class ParsedFile:
    """What one file yielded: the deck if valid, its issues, and the ids it declares."""

    file: str
    deck: Deck | None
    issues: list[ContentIssue]
    deck_id: tuple[str, Location] | None = None
    question_ids: list[tuple[int, str, Location]] = field(default_factory=list)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while decks are built and validated.

    Loading creates hundreds of thousands of objects and no reference cycles; left running,
    the collector rescans the growing trees again and again (a fifth of the loading time).
    Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_file(raw: bytes, file: str) -> ParsedFile:
    """Parse and validate one file."""
    with gc_paused():
        return _parse_text(raw, file)


def _parse_text(raw: bytes, file: str) -> ParsedFile:
    if not raw.strip():
        return ParsedFile(
            file,
            None,
            [
                ContentIssue(
                    Location(file, 1, 1),
                    "the file is empty; a deck needs deck, title and questions",
                )
            ],
        )
    text = decode_utf8(raw, file)
    if isinstance(text, list):
        return ParsedFile(file, None, text)
    unprintable = unprintable_issues(text, file)
    if unprintable:
        return ParsedFile(file, None, unprintable)
    builder = Builder(text, file)
    try:
        builder.build()
    except yaml.YAMLError as exc:
        return ParsedFile(file, None, sorted_issues([*builder.issues, yaml_issue(exc, text, file)]))
    except Abort as exc:
        issue = ContentIssue(builder.where(exc.mark), exc.message)
        return ParsedFile(file, None, sorted_issues([*builder.issues, issue]))
    finally:
        builder.loader.dispose()
    data = builder.root
    if data is NO_DOCUMENT or data is None:
        issue = ContentIssue(
            builder.where(builder.root_mark),
            "the file has no content; a deck needs deck, title and questions",
        )
        return ParsedFile(file, None, [*builder.issues, issue])
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        issue = ContentIssue(
            builder.where(builder.root_mark),
            f"the top level must be a mapping with deck, title and questions, not {kind}",
        )
        return ParsedFile(file, None, sorted_issues([*builder.issues, issue]))
    parsed = ParsedFile(file, None, list(builder.issues))
    _collect_ids(data, builder, parsed)
    deck, issues = validate(data, builder)
    if deck is not None:
        issues += _render_issues(deck, builder)
    parsed.issues = sorted_issues([*parsed.issues, *issues])
    parsed.deck = None if parsed.issues else deck
    return parsed


def _render_issues(deck: Deck, builder: Builder) -> list[ContentIssue]:
    """What Telegram or Discord would refuse in the deck's texts once rendered."""
    issues = []
    for index, question in enumerate(deck.questions):
        for field_name, message in question_problems(question):
            path = ("questions", index, field_name)
            issues.append(ContentIssue(builder.locate(path), f"{dotted(path)}: {message}"))
    return issues


def _collect_ids(data: dict[str, Any], builder: Builder, parsed: ParsedFile) -> None:
    """Note the ids the file declares and report ids used twice within it."""
    if isinstance(data.get("deck"), str):
        parsed.deck_id = (data["deck"], builder.locate(("deck",)))
    questions = data.get("questions")
    if not isinstance(questions, list):
        return
    seen: dict[str, tuple[int, Location]] = {}
    positions = builder.positions
    file = builder.file
    for index, question in enumerate(questions):
        if not isinstance(question, dict) or not isinstance(question.get("id"), str):
            continue
        question_id: str = question["id"]
        mark = positions[id(question)]["id"][1]  # as builder.locate(("questions", index, "id"))
        here = Location(file, mark.line + 1, mark.column + 1)
        parsed.question_ids.append((index, question_id, here))
        if question_id in seen:
            first_index, first = seen[question_id]
            parsed.issues.append(
                ContentIssue(
                    here,
                    f"questions[{index}].id: '{question_id}' is already used by "
                    f"questions[{first_index}] (line {first.line}); ids must be unique",
                )
            )
        else:
            seen[question_id] = (index, here)
