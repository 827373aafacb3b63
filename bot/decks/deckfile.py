"""One deck file, from bytes to a checked `Deck`: read the YAML safely, validate it, note
the ids it declares (reporting those used twice within it) and what a chat platform would
refuse once rendered. Every problem is kept, sorted by place.

A valid deck in plain block YAML is read line by line (`parse_block_deck`); every other
file, and any with a problem, through the builder (`parse_text`), which places each
problem. Both give the same result where both can read."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError

from bot.decks.blockyaml import read_block_deck
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
    """Parse and validate one file.

    A file written in the plain block YAML most decks use, and valid, is read by
    `parse_block_deck`; any other, or one with any problem, by `parse_text`, which
    locates every problem.
    """
    with gc_paused():
        text = _text(raw, file)
        if isinstance(text, ParsedFile):
            return text
        return parse_block_deck(text, file) or parse_text(text, file)


def _text(raw: bytes, file: str) -> str | ParsedFile:
    """The file's text, or what makes it no YAML text."""
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
    return text


def parse_text(text: str, file: str) -> ParsedFile:
    """Read the deck with the builder, validate it, and report every problem, located."""
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


def parse_block_deck(text: str, file: str) -> ParsedFile | None:
    """What `parse_text` finds in a deck written in the block YAML `read_block_deck`
    reads, with no problem at all; else None (then `parse_text` reads it)."""
    block = read_block_deck(text)
    if block is None:
        return None
    try:
        deck = Deck.model_validate(block.data)
    except ValidationError:
        return None
    if any(question_problems(question) for question in deck.questions):
        return None
    parsed = ParsedFile(file, deck, [])
    if block.deck_mark is not None:  # as builder.locate(("deck",)): not past the last line
        line, column = block.deck_mark
        parsed.deck_id = (block.data["deck"], Location(file, line + 1, column + 1))
    seen: set[str] = set()
    id_marks = block.id_marks
    for index, question in enumerate(block.data["questions"]):
        if question["id"] in seen:
            return None
        seen.add(question["id"])
        line, column = id_marks[id(question)]
        parsed.question_ids.append((index, question["id"], Location(file, line + 1, column + 1)))
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
