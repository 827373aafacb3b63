"""`quizbot content import NOTES.md --deck ID [-o OUT]`: files in, files out, a report.

Reads the notes and the output deck, validates the generated YAML with the real loader
before writing anything, writes atomically and reports what was added and skipped.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.decks.importer.parsing import parse_notes
from bot.decks.importer.planning import ImportPlan, free_deck_id, plan_import
from bot.decks.importer.rendering import merge_into, render_deck, update_into
from bot.decks.loader import ContentError, load_deck_text
from bot.decks.model import Deck, deck_id_problem
from bot.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from bot.decks.catalog import Catalog


class _Failed(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def _read_notes(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _Failed(f"{path}: no such notes file") from None
    except IsADirectoryError:
        raise _Failed(f"{path}: is a folder, not a notes file") from None
    except OSError as exc:
        raise _Failed(f"{path}: cannot read the notes ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _Failed(f"{path}:{line}: not valid UTF-8; save the notes as UTF-8") from None


def _read_out(path: Path) -> tuple[str, Deck] | None:
    """The deck already in OUT (text and value), or None when OUT is new or empty."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _Failed(f"{path}: cannot read the output deck ({exc.strerror})") from None
    if not raw.strip():
        return None
    try:
        loaded = load_deck_text(raw, str(path))
    except ContentError as exc:
        first = exc.issues[0]
        more = f" (and {len(exc.issues) - 1} more problems)" if len(exc.issues) > 1 else ""
        raise _Failed(f"{first}{more}; fix the deck, or choose another -o file") from None
    return raw.decode("utf-8-sig"), loaded.deck


def _write_atomically(path: Path, text: str) -> None:
    directory = path.parent
    if not directory.is_dir():
        raise _Failed(f"{path}: cannot write the deck: no folder {directory}")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise _Failed(f"{path}: cannot write the deck ({exc.strerror})") from None


def _check(text: str, name: str) -> Deck:
    """Validate the YAML about to be written with the real loader (a bug if it fails)."""
    try:
        return load_deck_text(text.encode("utf-8"), name).deck
    except ContentError as exc:
        raise _Failed(
            f"internal error: the generated deck does not load: {exc.issues[0]}"
        ) from None


def _refuse_a_clash(
    deck_id: str, out: Path | None, out_deck: Deck | None, existing: Catalog | None
) -> None:
    """Refuse a deck id that a configured deck has, unless OUT is that very deck.

    Two files with one deck id make every command refuse to start, so writing one would
    break the bot. Adding to the configured deck's own file (`-o` naming it) is fine.
    """
    if existing is None:
        return
    loaded = next((deck for deck in existing.decks if deck.deck == deck_id), None)
    if loaded is None or (out_deck is not None and out_deck == loaded):
        return
    free = free_deck_id(deck_id, (deck.deck for deck in existing.decks))
    raise _Failed(
        f"--deck {deck_id}: the configured content already has a deck '{deck_id}' "
        "(two decks with one id cannot both be loaded); "
        f"use --deck {free} for a new deck, or -o that deck's own file to add to it",
        EXIT_USAGE,
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _report_lines(
    plan: ImportPlan, notes: Path, out: Path | None, *, update: bool
) -> Iterator[str]:
    outcomes = plan.outcomes
    new, updated, unchanged = len(plan.added), len(plan.updated), len(plan.unchanged)
    counts = f"{new} new, {updated} updated, {unchanged} unchanged" if update else f"{new} new"
    skipped = len(outcomes) - new - updated - unchanged
    yield f"Found {_plural(len(outcomes), 'question')} in {notes}: {counts}, {skipped} skipped."
    for outcome in outcomes:
        text = outcome.note.question or outcome.note.raw_question.strip()
        if outcome.question is not None:
            yield f"  {'update' if outcome.updated else 'new '}  {outcome.id}  {text}"
        else:
            where = f"{notes}:{outcome.note.line}"
            yield f"  skip  {outcome.id or '-'}  {text}  ({where}: {outcome.skipped})"
    in_out = sum(o.skipped == f"already in {out}" for o in outcomes)
    if in_out and not update:
        yield (
            f"{_plural(in_out, 'question')} of the notes {'is' if in_out == 1 else 'are'} in "
            f"{out} already and kept as {'it is' if in_out == 1 else 'they are'}; "
            "add --update to update them from the notes."
        )


def run_import(
    notes: Path,
    deck_id: str,
    out: Path | None,
    existing: Catalog | None,
    stdout: TextIO,
    *,
    stderr: TextIO | None = None,
    update: bool = False,
) -> int:
    """`quizbot content import NOTES --deck ID [-o OUT] [--update]`; returns the exit code.

    With OUT, the report goes to `stdout` and the deck to OUT (a new deck, or the new
    questions appended to the deck already there; with `update`, also the questions of
    OUT whose notes changed updated in place, under their ids). Without OUT the deck YAML goes to
    `stdout` and the report to `stderr`, so the output can be redirected into a file.
    Errors are one line on `stderr`: exit 1 when the work fails (missing notes, no
    questions, unusable OUT), 2 for usage problems (an invalid deck id, or one that a
    configured deck already has, OUT a folder or the notes file itself); with exit 2
    nothing is written.
    """
    err = stderr if stderr is not None else sys.stderr
    report = stdout if out is not None else err
    try:
        return _run(notes, deck_id, out, existing, stdout, report, update=update)
    except _Failed as failure:
        print(f"quizbot content import: {failure}", file=err)
        return failure.code


def _run(
    notes: Path,
    deck_id: str,
    out: Path | None,
    existing: Catalog | None,
    stdout: TextIO,
    report: TextIO,
    *,
    update: bool,
) -> int:
    problem = deck_id_problem(deck_id)
    if problem:
        raise _Failed(f"--deck: {problem}", EXIT_USAGE)
    if update and out is None:
        raise _Failed("--update needs -o DECK.yaml, the deck file to update", EXIT_USAGE)
    if out is not None:
        if out.is_dir():
            raise _Failed(f"-o {out}: is a folder; name a .yaml file", EXIT_USAGE)
        if out.exists() and notes.exists() and out.resolve() == notes.resolve():
            raise _Failed(f"-o {out}: is the notes file itself; name a .yaml file", EXIT_USAGE)
        if not out.parent.is_dir():
            raise _Failed(f"-o {out}: cannot write the deck: no folder {out.parent}")
    parsed = parse_notes(_read_notes(notes))
    if not parsed.questions:
        raise _Failed(
            f"{notes}: no questions found (a question is a heading or line marked with ❓, "
            "e.g. '#### ❓ Q1: ...', followed by its answer)"
        )
    current = _read_out(out) if out is not None else None
    out_deck = current[1] if current else None
    if out_deck is not None and out_deck.deck != deck_id:
        raise _Failed(
            f"{out}: holds deck '{out_deck.deck}', not '{deck_id}'; "
            f"use --deck {out_deck.deck} to append to it, or another -o file"
        )
    _refuse_a_clash(deck_id, out, out_deck, existing)
    plan = plan_import(
        parsed.questions,
        deck_id,
        out_deck=out_deck,
        out_name=str(out),
        existing=existing,
        default_topic=notes.stem,
        source=str(notes),
        update=update,
    )
    for line in _report_lines(plan, notes, out, update=update):
        print(line, file=report)
    added, updated = plan.added, plan.updated
    if not added and not updated:
        where = f"{out} unchanged" if out is not None else "no deck written"
        print(f"Nothing new to import; {where}.", file=report)
        return EXIT_OK

    if current is not None and out is not None and updated:
        deck = _check(update_into(current[1], updated, added), str(out))
        _write_atomically(out, render_deck(deck))
        print(
            f"Updated {_plural(len(updated), 'question')} and added {len(added)} in {out} "
            f"(the whole file rewritten); deck '{deck.deck}' now has {len(deck.questions)}.",
            file=report,
        )
        return EXIT_OK

    if current is not None and out is not None:
        text, appended = merge_into(current[0], current[1], added)
        deck = _check(text, str(out))
        _write_atomically(out, text)
        how = "" if appended else " (rewrote the whole file: its layout did not allow appending)"
        print(
            f"Appended {len(added)} question{'s' if len(added) != 1 else ''} to {out}; "
            f"deck '{deck.deck}' now has {len(deck.questions)}{how}.",
            file=report,
        )
        return EXIT_OK

    title = " / ".join(dict.fromkeys(parsed.titles)) or deck_id
    new_deck = Deck(deck=deck_id, title=title, language=plan.language, questions=list(added))
    text = render_deck(new_deck)
    _check(text, str(out) if out is not None else "<stdout>")
    if out is None:
        stdout.write(text)
        stdout.flush()
        print(f"Wrote deck '{deck_id}' ({len(added)} questions) to standard output.", file=report)
    else:
        _write_atomically(out, text)
        print(f"Wrote deck '{deck_id}' ({len(added)} questions) to {out}.", file=report)
    return EXIT_OK
