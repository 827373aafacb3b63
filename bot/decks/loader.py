"""Load deck files, reporting every problem as `FILE:LINE:COL: message`.

`load_deck_text` loads one deck from its bytes; `load_decks` every deck under files and
folders, checking that deck ids and question ids are unique across all of them, and
reporting every problem of every file in one `ContentError`. One file's reading and
checking is `bot.decks.deckfile` (safe YAML in `yamlbuilder` and `yamltext`, the plain
block YAML of a valid deck read faster by `blockyaml`, the model's checks in
`validation`); the located issue types are `bot.decks.issues`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.decks.deckfile import ParsedFile, gc_paused, parse_file
from bot.decks.issues import ContentError, ContentIssue, Location, sorted_issues
from bot.decks.model import Deck
from bot.decks.yamlbuilder import MAX_ALIAS_EXPANSION, MAX_DEPTH

__all__ = [
    "DECK_SUFFIXES",
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "ContentError",
    "ContentIssue",
    "LoadedDeck",
    "Location",
    "deck_files",
    "load_deck_text",
    "load_decks",
]

DECK_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class LoadedDeck:
    deck: Deck
    source: str
    id_locations: tuple[Location, ...] = field(repr=False, compare=False)
    """Where each question's id stands, by question index."""
    deck_location: Location | None = field(default=None, repr=False, compare=False)
    """Where the deck id stands."""


def _loaded(parsed: ParsedFile) -> LoadedDeck:
    assert parsed.deck is not None
    return LoadedDeck(
        deck=parsed.deck,
        source=parsed.file,
        id_locations=tuple(location for _, _, location in parsed.question_ids),
        deck_location=parsed.deck_id[1] if parsed.deck_id else None,
    )


def load_deck_text(raw: bytes, file: str) -> LoadedDeck:
    """Parse and validate one deck from its bytes; raise ContentError naming every problem."""
    parsed = parse_file(raw, file)
    if parsed.issues or parsed.deck is None:
        raise ContentError(parsed.issues)
    return _loaded(parsed)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def deck_files(paths: Iterable[Path]) -> Iterator[Path | ContentIssue]:
    """Each deck file under the given files and folders, in a stable order, once each.

    Folders are searched recursively for *.yaml and *.yml, skipping hidden files and
    folders (editor backups, `.git`); files named explicitly are taken as they are.
    """
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            try:
                found = sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix in DECK_SUFFIXES and not _hidden(p, path) and p.is_file()
                )
            except OSError as exc:
                yield ContentIssue(
                    Location(str(path), 1, 1), f"cannot read the folder: {exc.strerror or exc}"
                )
                continue
        elif path.is_file():
            found = [path]
        else:
            yield ContentIssue(Location(str(path), 1, 1), "no such deck file or folder")
            continue
        for file in found:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield file


def load_decks(paths: Iterable[Path]) -> list[LoadedDeck]:
    """Load every deck under `paths`; raise one ContentError listing all problems in all files.

    Deck ids and question ids must be unique across all files; that is checked on every
    file that could be read, valid or not, so that one run shows every problem.
    """
    with gc_paused():
        return _load_decks(list(paths))


def _load_decks(paths: list[Path]) -> list[LoadedDeck]:
    loaded: list[LoadedDeck] = []
    issues: list[ContentIssue] = []
    deck_ids: dict[str, Location] = {}
    question_ids: dict[str, Location] = {}
    files = 0
    for entry in deck_files(paths):
        if isinstance(entry, ContentIssue):
            issues.append(entry)
            continue
        files += 1
        try:
            raw = entry.read_bytes()
        except OSError as exc:
            issues.append(
                ContentIssue(
                    Location(str(entry), 1, 1), f"cannot read the file: {exc.strerror or exc}"
                )
            )
            continue
        parsed = parse_file(raw, str(entry))
        cross = _cross_file_issues(parsed, deck_ids, question_ids)
        if parsed.issues or cross:
            issues.extend(sorted_issues([*parsed.issues, *cross]))
        else:
            loaded.append(_loaded(parsed))
    if not files and not issues:
        issues.append(
            ContentIssue(Location(", ".join(map(str, paths)) or ".", 1, 1), "no deck files found")
        )
    if issues:
        raise ContentError(issues)
    return loaded


def _cross_file_issues(
    parsed: ParsedFile, deck_ids: dict[str, Location], question_ids: dict[str, Location]
) -> list[ContentIssue]:
    """Ids of this file already used by earlier files; then remember this file's ids."""
    issues = []
    if parsed.deck_id is not None:
        deck_id, here = parsed.deck_id
        if deck_id in deck_ids:
            issues.append(
                ContentIssue(here, f"deck: id '{deck_id}' is already used at {deck_ids[deck_id]}")
            )
        else:
            deck_ids[deck_id] = here
    mine: dict[str, Location] = {}
    for index, question_id, here in parsed.question_ids:
        if question_id in mine:
            continue  # a duplicate within the file: reported with the file's own issues
        mine[question_id] = here
        if question_id in question_ids:
            issues.append(
                ContentIssue(
                    here,
                    f"questions[{index}].id: '{question_id}' is already used at "
                    f"{question_ids[question_id]}",
                )
            )
    for question_id, here in mine.items():
        question_ids.setdefault(question_id, here)
    return issues
