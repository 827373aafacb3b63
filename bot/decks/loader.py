"""Load deck files, reporting every problem as `FILE:LINE:COL: message`.

PyYAML is used only to compose the node tree (safe, C-accelerated where available); this
module builds the values itself so that it can keep each field's position and catch what
PyYAML lets through silently, such as a key given twice in one mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.decks.model import Deck

try:  # libyaml ships in PyYAML's wheels; the pure-Python loader is the fallback.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

DECK_SUFFIXES = (".yaml", ".yml")
_MAX_NODES = 2_000_000  # guards against alias bombs
_MERGE_TAG = "tag:yaml.org,2002:merge"

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class ContentIssue:
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class ContentError(Exception):
    """One or more decks are invalid; `issues` holds every problem found, each located."""

    def __init__(self, issues: list[ContentIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


@dataclass(frozen=True, slots=True)
class LoadedDeck:
    deck: Deck
    source: str
    id_locations: tuple[Location, ...] = field(repr=False, compare=False)
    """Where each question's id stands, by question index."""


@dataclass
class _Positions:
    """Where each value (and each key) of a document starts, by its path."""

    file: str
    values: dict[Path_, Location] = field(default_factory=dict)
    keys: dict[Path_, Location] = field(default_factory=dict)

    def of(self, path: Path_, *, key: bool = False) -> Location:
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.values.get(path[:end])
            if found:
                return found
        return Location(self.file, 1, 1)


def _location(file: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns a composed YAML node tree into plain values, recording positions and issues."""

    def __init__(self, loader: Any, positions: _Positions) -> None:
        self.loader = loader
        self.positions = positions
        self.issues: list[ContentIssue] = []
        self.visited = 0
        self.active: set[int] = set()

    def issue(self, mark: yaml.Mark | None, message: str) -> None:
        self.issues.append(ContentIssue(_location(self.positions.file, mark), message))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.visited += 1
        if self.visited > _MAX_NODES:
            raise _TooLarge
        self.positions.values.setdefault(path, _location(self.positions.file, node.start_mark))
        if id(node) in self.active:
            self.issue(node.start_mark, f"{_dotted(path)}: an alias refers to itself")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
            reason = getattr(exc, "problem", None) or str(exc)
            self.issue(node.start_mark, f"{_dotted(path)}: cannot read this value ({reason})")
            return None

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, yaml.Mark] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.issue(
                    key_node.start_mark, f"{_dotted(path)}: merge keys (<<) are not supported"
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.issue(key_node.start_mark, f"{_dotted(path)}: a key must be a plain word")
                continue
            key = self._scalar(key_node, path)
            if not isinstance(key, str):
                key = str(key)
            if key in first_seen:
                self.issue(
                    key_node.start_mark,
                    f"{_dotted((*path, key))}: duplicate key '{key}' (first given on line "
                    f"{first_seen[key].line + 1}); YAML would silently keep only the last one",
                )
                continue
            first_seen[key] = key_node.start_mark
            self.positions.keys[(*path, key)] = _location(self.positions.file, key_node.start_mark)
            result[key] = self.build(value_node, (*path, key))
        return result


class _TooLarge(Exception):
    pass


def _dotted(path: Path_) -> str:
    """Render a path as `questions[3].key_points[0].match`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _decode(raw: bytes, file: str) -> str | ContentIssue:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return ContentIssue(
            Location(file, line, column),
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
        )


def _tab_issues(text: str, file: str) -> list[ContentIssue]:
    issues = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            issues.append(
                ContentIssue(
                    Location(file, number, indent.index("\t") + 1),
                    "tab character in indentation; YAML indents with spaces only",
                )
            )
    return issues


_FRIENDLY = {
    "missing": "is required but missing",
    "string_too_short": "must not be empty",
    "string_type": "must be text",
    "list_type": "must be a list",
    "int_type": "must be a whole number",
    "dict_type": "must be a mapping of keys to values",
    "model_type": "must be a mapping of keys to values",
}


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    loc = tuple(
        part for part in error["loc"] if not isinstance(part, str) or part != "function-after"
    )
    where = _dotted(loc)
    if kind == "extra_forbidden":
        return f"{where}: unknown key '{loc[-1]}'"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return f"{where}: {error['input']!r} does not match the required form {pattern}"
    if kind == "too_short" and isinstance(error.get("input"), list):
        return f"{where}: must have at least {error['ctx']['min_length']} item(s)"
    if kind == "too_long" and isinstance(error.get("input"), list):
        return f"{where}: must have at most {error['ctx']['max_length']} items"
    if kind == "value_error":
        return f"{where}: {error['msg'].removeprefix('Value error, ')}"
    if kind in _FRIENDLY:
        found = "" if kind == "missing" else f" (found {type(error.get('input')).__name__})"
        if kind == "string_too_short":
            found = ""
        return f"{where}: {_FRIENDLY[kind]}{found}"
    return f"{where}: {error['msg']}"


def _validate(data: Any, positions: _Positions) -> tuple[Deck | None, list[ContentIssue]]:
    try:
        return Deck.model_validate(data), []
    except ValidationError as exc:
        issues = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            location = positions.of(loc, key=error["type"] == "extra_forbidden")
            issues.append(ContentIssue(location, _message(error)))
        return None, issues


def load_deck_text(raw: bytes, file: str) -> LoadedDeck:
    """Parse and validate one deck from its bytes; raise ContentError naming every problem."""
    if not raw.strip():
        raise ContentError(
            [
                ContentIssue(
                    Location(file, 1, 1),
                    "the file is empty; a deck needs deck, title and questions",
                )
            ]
        )
    text = _decode(raw, file)
    if isinstance(text, ContentIssue):
        raise ContentError([text])
    tabs = _tab_issues(text, file)
    if tabs:
        raise ContentError(tabs)
    loader = _Loader(text)
    positions = _Positions(file)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "invalid YAML"
            raise ContentError(
                [ContentIssue(_location(file, mark), f"invalid YAML: {problem}")]
            ) from None
        except yaml.YAMLError as exc:
            raise ContentError(
                [ContentIssue(Location(file, 1, 1), f"invalid YAML: {exc}")]
            ) from None
        if node is None:
            raise ContentError(
                [
                    ContentIssue(
                        Location(file, 1, 1),
                        "the file has no content; a deck needs deck, title and questions",
                    )
                ]
            )
        if not isinstance(node, yaml.MappingNode):
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
            raise ContentError(
                [
                    ContentIssue(
                        _location(file, node.start_mark),
                        f"the top level must be a mapping with deck, title and questions, not {kind}",
                    )
                ]
            )
        builder = _Builder(loader, positions)
        try:
            data = builder.build(node, ())
        except _TooLarge:
            raise ContentError(
                [
                    ContentIssue(
                        _location(file, node.start_mark),
                        "the document expands to too many values (aliases?)",
                    )
                ]
            ) from None
    finally:
        loader.dispose()
    deck, issues = _validate(data, positions)
    issues = builder.issues + issues
    if issues or deck is None:
        raise ContentError(sorted(issues, key=lambda i: (i.location.line, i.location.column)))
    id_locations = tuple(positions.of(("questions", i, "id")) for i in range(len(deck.questions)))
    return LoadedDeck(deck=deck, source=file, id_locations=id_locations)


def deck_files(paths: Iterable[Path]) -> Iterator[Path | ContentIssue]:
    """Each deck file under the given files and folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.suffix in DECK_SUFFIXES and p.is_file()
            )
        elif path.is_file():
            yield path
        else:
            yield ContentIssue(Location(str(path), 1, 1), "no such deck file or folder")


def load_decks(paths: Iterable[Path]) -> list[LoadedDeck]:
    """Load every deck under `paths`; raise one ContentError listing all problems in all files."""
    paths = list(paths)
    loaded: list[LoadedDeck] = []
    issues: list[ContentIssue] = []
    for entry in deck_files(paths):
        if isinstance(entry, ContentIssue):
            issues.append(entry)
            continue
        try:
            loaded.append(load_deck_text(entry.read_bytes(), str(entry)))
        except ContentError as exc:
            issues.extend(exc.issues)
        except OSError as exc:
            issues.append(
                ContentIssue(Location(str(entry), 1, 1), f"cannot read the file: {exc.strerror}")
            )
    if not loaded and not issues:
        issues.append(
            ContentIssue(Location(", ".join(map(str, paths)) or ".", 1, 1), "no deck files found")
        )
    issues.extend(_cross_file_issues(loaded))
    if issues:
        raise ContentError(issues)
    return loaded


def _cross_file_issues(loaded: list[LoadedDeck]) -> list[ContentIssue]:
    issues = []
    deck_ids: dict[str, str] = {}
    question_ids: dict[str, Location] = {}
    for item in loaded:
        deck_id = item.deck.deck
        if deck_id in deck_ids:
            issues.append(
                ContentIssue(
                    Location(item.source, 1, 1),
                    f"deck: id '{deck_id}' is already used by {deck_ids[deck_id]}",
                )
            )
        deck_ids.setdefault(deck_id, item.source)
        for index, question in enumerate(item.deck.questions):
            here = item.id_locations[index]
            if question.id in question_ids:
                issues.append(
                    ContentIssue(
                        here,
                        f"questions[{index}].id: '{question.id}' is already used at "
                        f"{question_ids[question.id]}",
                    )
                )
            else:
                question_ids[question.id] = here
    return issues
