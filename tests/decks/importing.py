"""Shared by the importer tests: the notes fixtures and small ways to run the importer."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from bot.decks.catalog import Catalog
from bot.decks.importer import NoteQuestion, parse_notes, run_import
from bot.decks.loader import load_deck_text
from bot.decks.model import Deck

NOTES = Path(__file__).resolve().parent / "fixtures" / "notes"
READING = NOTES / "reading-notes.md"
"""Two books' chapter notes (DMLS, AIE): every question and answer shape the notes use."""
JOB_PLAN = NOTES / "job-search-plan.md"
"""A long plan document whose four questions repeat the reading notes' common questions."""


def parsed(path: Path) -> list[NoteQuestion]:
    return list(parse_notes(path.read_text(encoding="utf-8")).questions)


def parse(markdown: str) -> list[NoteQuestion]:
    return list(parse_notes(textwrap.dedent(markdown)).questions)


def only(markdown: str) -> NoteQuestion:
    questions = parse(markdown)
    assert len(questions) == 1, [q.question for q in questions]
    return questions[0]


def import_to(notes: Path, out: Path | None, deck: str = "mlsd", existing: Catalog | None = None):
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_import(notes, deck, out, existing, stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def load(path: Path) -> Deck:
    return load_deck_text(path.read_bytes(), str(path)).deck


def write_notes(tmp_path: Path, markdown: str, name: str = "notes.md") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(markdown), encoding="utf-8")
    return path
