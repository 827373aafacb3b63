"""Load deck files, reporting every problem as `FILE:LINE:COL: message`.

libyaml (through PyYAML's CSafeLoader) only parses the text into events. This module
builds the values from those events itself, iteratively, so that it can:

- keep where every key and value stands, to locate each validation error;
- catch what YAML tools let through silently: a key given twice in one mapping keeps only
  the last value in PyYAML, so it is reported here instead;
- refuse what a deck never needs and what could hurt: merge keys (`<<`), custom tags
  (`!!python/object`), aliases that refer to themselves, alias bombs and deep nesting
  (the C composer recurses and crashes the interpreter on very deep input; newer libyaml
  may refuse it first, with a message that names the same limit here);
- report every problem in a file at once, the duplicate question ids included.

It is also faster than composing a node tree and constructing it with PyYAML.
"""

from __future__ import annotations

import difflib
import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.decks.markdown import question_problems
from bot.decks.model import (
    DECK_ID_MAX,
    DECK_ID_PATTERN,
    LANGUAGE_PATTERN,
    QUESTION_ID_MAX,
    QUESTION_ID_PATTERN,
    Deck,
    KeyPoint,
    Question,
)

_Loader: Any
try:  # libyaml ships in PyYAML's wheels; the pure-Python loader is the fallback.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

DECK_SUFFIXES = (".yaml", ".yml")
MAX_DEPTH = 64
"""A deck nests about 7 levels deep; anything far deeper is a mistake (or an attack)."""
MAX_ALIAS_EXPANSION = 100_000
"""How many values aliases may add in one file (guards against alias bombs)."""
_MAX_CHAR_ISSUES = 20
_INT_BITS = 63
"""Larger whole numbers are refused as they are read: no deck needs one."""

_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_MAP_TAGS = frozenset({"!", "tag:yaml.org,2002:map"})
_SEQ_TAGS = frozenset({"!", "tag:yaml.org,2002:seq"})
# A plain scalar is text unless its first character may start one of YAML 1.1's implicit
# types (a number, a date, null...) or it is one of these words (booleans and null).
_RESOLVABLE_FIRST = frozenset(key for key in _Loader.yaml_implicit_resolvers if key)
_NUMERIC_FIRST = frozenset(char for char in _RESOLVABLE_FIRST if not char.isalpha())
_WORDS = frozenset(
    variant
    for word in ("yes", "no", "true", "false", "on", "off", "null")
    for variant in (word, word.capitalize(), word.upper())
)
_WORD_MAX = max(map(len, _WORDS))
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What libyaml counts as a line break, so that our lines agree with its marks."""
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters YAML forbids in a stream (control characters and the like)."""

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
    deck_location: Location | None = field(default=None, repr=False, compare=False)
    """Where the deck id stands."""


def _dotted(path: Path_) -> str:
    """Render a path as `questions[3].key_points[0].match`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _clamp(text: str, line: int, column: int) -> tuple[int, int]:
    """1-based line and column of a 0-based mark, kept within the file's lines.

    libyaml places problems found at the end of the file on the line after the final line
    break, a line no editor counts; those are moved to the end of the last line.
    """
    breaks = [match.end() for match in _LINE_BREAK.finditer(text)]
    count = len(breaks) + (0 if breaks and breaks[-1] == len(text) else 1)
    if line + 1 <= count:
        return line + 1, column + 1
    start = breaks[-2] if len(breaks) >= 2 else 0
    last = _LINE_BREAK.sub("", text[start:])
    return count, len(last) + 1


def _line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of `text[index]`."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return line, index - start + 1


# --- building values from parser events ---------------------------------------------


class _Abort(Exception):
    """The rest of the file cannot be read; the issue says why."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.mark, self.message = mark, message


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_AWAIT_KEY = _Marker("AWAIT_KEY")  # a mapping's next event is a key
_IN_SEQUENCE = _Marker("IN_SEQUENCE")  # the "key" of a sequence: values are appended
_SKIP = _Marker("SKIP")  # the mapping's pending key was refused: drop its value
_OPEN = _Marker("OPEN")  # an anchor whose collection is still being built
_NO_DOCUMENT = _Marker("NO_DOCUMENT")


class _Frame:
    """A mapping or sequence being built.

    Positions are kept as the parser's marks (line and column are read only when an
    issue needs them): for a mapping, key -> (key mark, value mark); for a sequence, the
    value marks in order.
    """

    __slots__ = (
        "anchor",
        "container",
        "is_key",
        "is_map",
        "key",
        "key_mark",
        "mark",
        "parent",
        "positions",
        "slot",
        "start",
    )

    def __init__(
        self, is_map: bool, parent: _Frame | None, mark: Any, anchor: str | None, start: int
    ) -> None:
        self.is_map = is_map
        self.container: Any = {} if is_map else []  # dict[str, Any] | list[Any]
        self.positions: Any = {} if is_map else []  # dict[str, tuple[Mark, Mark]] | list[Mark]
        self.parent = parent
        self.slot: str | int | _Marker | None = None
        """Where this collection goes in its parent: the key, or the index."""
        self.is_key = False
        """Whether this collection stands where its parent mapping expects a key."""
        if parent is not None:
            if parent.is_map:
                self.slot = parent.key
                self.is_key = parent.key is _AWAIT_KEY
            else:
                self.slot = len(parent.container)
        self.mark = mark
        self.anchor = anchor
        self.start = start
        self.key: str | _Marker = _AWAIT_KEY if is_map else _IN_SEQUENCE
        """A mapping's pending key (or _AWAIT_KEY, or _SKIP); _IN_SEQUENCE for a sequence."""
        self.key_mark: Any = mark

    @property
    def path(self) -> Path_:
        """The path of this collection, such as ("questions", 3, "tags")."""
        parts: list[str | int] = []
        frame = self
        while frame.parent is not None:
            slot = frame.slot
            parts.append(slot if isinstance(slot, str | int) else "?")
            frame = frame.parent
        return tuple(reversed(parts))

    def child_path(self) -> Path_:
        if self.is_map:
            key = self.key
            return (*self.path, key if isinstance(key, str) else "?")
        return (*self.path, len(self.container))


class _DocumentFrame(_Frame):
    """Holds the document's root value, as a one-item sequence; its path is empty."""

    __slots__ = ()

    def child_path(self) -> Path_:
        return ()


@dataclass(slots=True)
class _Anchor:
    value: Any
    size: int


class _Builder:
    """Builds one document's values from the parser's events, recording positions."""

    def __init__(self, text: str, file: str) -> None:
        self.loader = _Loader(text)
        self.text = text
        self.file = file
        self.newlines = -1
        self.issues: list[ContentIssue] = []
        self.bad: set[Path_] = set()
        """Paths of values already reported here; validation errors under them are noise."""
        self.positions: dict[int, Any] = {}
        """Each container's positions (see _Frame), by the container's id."""
        self.anchors: dict[str, _Anchor | _Marker] = {}
        self.expanded = 0
        self.root: Any = _NO_DOCUMENT
        self.root_mark: Any = None

    def where(self, mark: Any) -> Location:
        if mark is None:
            return Location(self.file, 1, 1)
        if self.newlines < 0:
            self.newlines = self.text.count("\n")
        if mark.line < self.newlines:  # cheap: surely not past the last line
            return Location(self.file, mark.line + 1, mark.column + 1)
        return Location(self.file, *_clamp(self.text, mark.line, mark.column))

    def issue(self, mark: Any, message: str) -> None:
        self.issues.append(ContentIssue(self.where(mark), message))

    def build(self) -> None:
        """Read the single document into `root`; raises yaml errors and _Abort.

        The loop is the hot path of loading decks: it handles the common events inline,
        keeps the current collection's state in local variables (saved into its frame
        before any helper runs) and leaves everything unusual to helper methods.
        """
        get = self.loader.get_event
        get()  # StreamStartEvent
        if type(get()) is yaml.StreamEndEvent:
            return
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        await_key, in_sequence = _AWAIT_KEY, _IN_SEQUENCE
        numeric, words, word_max = _NUMERIC_FIRST, _WORDS, _WORD_MAX
        all_positions, max_depth, new_frame = self.positions, MAX_DEPTH, _Frame
        document = _DocumentFrame(False, None, None, None, 0)
        stack = [document]
        frame = document
        container, positions = document.container, document.positions
        key: str | _Marker = in_sequence
        key_mark: Any = None
        nodes = 0
        while True:
            event = get()
            kind = type(event)
            if kind is scalar_event:
                nodes += 1
                mark = event.start_mark
                value = event.value
                if key is await_key:
                    if (
                        event.tag is None
                        and event.anchor is None
                        and value != "<<"
                        and value not in positions
                    ):
                        key, key_mark = value, mark
                    else:
                        frame.key = key
                        self._scalar_key(frame, event)
                        key, key_mark = frame.key, frame.key_mark
                    continue
                if event.tag is not None or event.anchor is not None:
                    frame.key = key
                    value = self._scalar(event, frame)
                elif event.implicit[0]:  # plain: resolve YAML 1.1's implicit types
                    if not value:
                        value = None
                    elif value[0] in numeric or (len(value) <= word_max and value in words):
                        frame.key = key
                        value = self._scalar(event, frame)
            elif kind is map_start or kind is seq_start:
                nodes += 1
                mark = event.start_mark
                if len(stack) > max_depth:
                    raise _Abort(mark, f"values are nested more than {MAX_DEPTH} levels deep here")
                frame.key, frame.key_mark = key, key_mark
                is_map = kind is map_start
                frame = new_frame(
                    is_map, None if frame is document else frame, mark, event.anchor, nodes
                )
                if event.tag is not None or event.anchor is not None:
                    self._collection_start(frame, event.tag)
                container, positions = frame.container, frame.positions
                all_positions[id(container)] = positions
                stack.append(frame)
                key, key_mark = (await_key if is_map else in_sequence), mark
                continue
            elif kind is map_end or kind is seq_end:
                done = stack.pop()
                frame = stack[-1]
                container, positions = frame.container, frame.positions
                key, key_mark = frame.key, frame.key_mark
                value, mark = done.container, done.mark
                if done.anchor is not None:
                    self.anchors[done.anchor] = _Anchor(value, nodes - done.start + 1)
                if done.is_key:
                    self._odd_key(frame, value, mark)
                    key, key_mark = frame.key, frame.key_mark
                    continue
            elif kind is alias_event:
                mark = event.start_mark
                frame.key = key
                value, size = self._alias(event.anchor, frame, mark)
                nodes += size
                if key is await_key:  # an alias used as a key
                    self._odd_key(frame, value, mark)
                    key, key_mark = frame.key, frame.key_mark
                    continue
            else:  # DocumentEndEvent
                break
            if key is in_sequence:
                container.append(value)
                positions.append(mark)
            else:
                if key.__class__ is str:
                    container[key] = value
                    positions[key] = (key_mark, mark)
                key = await_key
        if document.container:
            self.root, self.root_mark = document.container[0], document.positions[0]
        event = get()
        if type(event) is yaml.DocumentStartEvent:
            self.issue(
                event.start_mark,
                "a second YAML document starts here; a deck file holds exactly one "
                "(remove the '---' or split the file)",
            )

    def _collection_start(self, frame: _Frame, tag: str | None) -> None:
        if tag is not None and tag not in (_MAP_TAGS if frame.is_map else _SEQ_TAGS):
            self.issue(frame.mark, f"{_dotted(frame.path)}: unsupported tag {tag!r}")
            self.bad.add(frame.path)
        if frame.anchor is not None:
            self.anchors[frame.anchor] = _OPEN

    def _scalar(self, event: Any, top: _Frame) -> Any:
        """The value of a scalar that is not plainly text (tagged, anchored or resolvable)."""
        value: str = event.value
        tag = event.tag
        if tag is None:
            if not event.implicit[0]:  # quoted
                tag = _STR_TAG
            elif not value:
                tag = _NULL_TAG
            else:
                tag = self.loader.resolve(yaml.ScalarNode, value, (True, False))
        if tag == _STR_TAG or tag == "!":
            result: Any = value
        else:
            node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
            try:
                result = self.loader.construct_object(node, deep=True)
            except Exception as exc:  # any constructor failure means the value is unreadable
                path = top.child_path()
                reason = getattr(exc, "problem", None) or str(exc) or type(exc).__name__
                self.issue(event.start_mark, f"{_dotted(path)}: cannot read this value ({reason})")
                self.bad.add(path)
                result = None
            if isinstance(result, int) and result.bit_length() > _INT_BITS:
                path = top.child_path()
                self.issue(event.start_mark, f"{_dotted(path)}: this number is too large")
                self.bad.add(path)
                result = None
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(result, 1)
        return result

    def _scalar_key(self, top: _Frame, event: Any) -> None:
        """A key that is tagged, anchored, a merge key or a duplicate."""
        text: str = event.value
        mark = event.start_mark
        if event.tag not in (None, "!", _STR_TAG):
            self.issue(mark, f"{_dotted(top.path)}: a key must be a plain word, not a tagged value")
            top.key = _SKIP
        elif event.tag is None and event.implicit[0] and text == "<<":
            self.issue(
                mark, f"{_dotted(top.path)}: merge keys (<<) are not supported; write the keys out"
            )
            top.key = _SKIP
        else:
            self._take_key(top, text, mark)
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(text, 1)

    def _take_key(self, top: _Frame, key: str, mark: Any) -> None:
        first = top.positions.get(key)
        if first is not None:
            self.issue(
                mark,
                f"{_dotted((*top.path, key))}: duplicate key '{key}' (first given on line "
                f"{first[0].line + 1}); YAML tools would silently keep only the last one",
            )
            top.key = _SKIP
        else:
            top.key, top.key_mark = key, mark

    def _odd_key(self, top: _Frame, value: Any, mark: Any) -> None:
        """A collection or an alias given where a mapping expects a key."""
        if isinstance(value, str):
            self._take_key(top, value, mark)
            return
        what = {list: "a list", dict: "a mapping"}.get(type(value), "this value")
        self.issue(mark, f"{_dotted(top.path)}: a key must be a plain word, not {what}")
        top.key = _SKIP

    def _alias(self, name: str, top: _Frame, mark: Any) -> tuple[Any, int]:
        path = top.child_path()
        anchor = self.anchors.get(name)
        if isinstance(anchor, _Anchor):
            self.expanded += anchor.size
            if self.expanded > MAX_ALIAS_EXPANSION:
                raise _Abort(
                    mark,
                    f"{_dotted(path)}: aliases expand to more than {MAX_ALIAS_EXPANSION:,} "
                    "values; write the content out instead",
                )
            return anchor.value, anchor.size
        if anchor is None:
            self.issue(mark, f"{_dotted(path)}: unknown alias '*{name}'")
        else:
            self.issue(mark, f"{_dotted(path)}: the alias '*{name}' refers to itself")
        self.bad.add(path)
        return None, 1

    def find(self, loc: tuple[Any, ...], *, key: bool = False) -> tuple[Location, bool]:
        """Where the value at `loc` stands (its key with `key`), else its nearest parent;
        and whether the value itself was found."""
        current = self.root
        mark = self.root_mark
        last = len(loc) - 1
        for index, part in enumerate(loc):
            positions = self.positions.get(id(current))
            if positions is None:
                return self.where(mark), False
            if isinstance(current, dict) and isinstance(part, str) and part in current:
                key_mark, mark = positions[part]
                if key and index == last:
                    mark = key_mark
            elif (
                isinstance(current, list)
                and isinstance(part, int)
                and not isinstance(part, bool)
                and 0 <= part < len(current)
            ):
                mark = positions[part]
            else:
                return self.where(mark), False
            current = current[part]
        return self.where(mark), True

    def locate(self, loc: tuple[Any, ...], *, key: bool = False) -> Location:
        return self.find(loc, key=key)[0]


# --- validation messages --------------------------------------------------------------

_FORMS = {
    DECK_ID_PATTERN: f"lowercase letters, digits and '-', at most {DECK_ID_MAX} characters",
    QUESTION_ID_PATTERN: (
        "lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, "
        f"at most {QUESTION_ID_MAX} characters"
    ),
    LANGUAGE_PATTERN: "a language tag such as en, zh or zh-Hans",
}
_MODELS: dict[int, type[Deck | Question | KeyPoint]] = {1: Deck, 3: Question, 5: KeyPoint}
"""Which model a mapping at a path of this length is (deck, questions[i], key_points[j])."""
_STAND_IN = {"correct": "choices"}
"""Where to point when this field is absent: its error is about that one."""


def _found(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (yes/no/on/off are booleans in YAML)"
    if isinstance(value, int) and value.bit_length() > _INT_BITS:
        return "a very large number"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, datetime | date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"the text {_short(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _message(error: dict[str, Any]) -> str:
    kind: str = error["type"]
    loc = tuple(error["loc"])
    where = _dotted(loc)
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        message = f"{where}: unknown key '{loc[-1]}'"
        model = _MODELS.get(len(loc))
        if model is not None:
            close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
            if close:
                message += f" (did you mean '{close[0]}'?)"
        return message
    if kind == "missing":
        return f"{where}: required but missing"
    if kind == "string_pattern_mismatch":
        form = _FORMS.get(ctx.get("pattern", ""), f"the form {ctx.get('pattern', '')}")
        return f"{where}: {_short(str(value))} is not valid here; use {form}"
    if kind == "string_too_short" or (kind == "string_type" and value is None):
        return f"{where}: must not be empty"
    if kind == "string_too_long":
        return (
            f"{where}: must be at most {ctx['max_length']} characters "
            f"(this one has {len(str(value))})"
        )
    if kind == "string_type":
        hint = "; put it in quotes" if isinstance(value, int | float | date) else ""
        return f"{where}: must be text, not {_found(value)}{hint}"
    if kind in ("int_type", "int_from_float"):
        return f"{where}: must be a whole number, not {_found(value)}"
    if kind == "list_type":
        return f"{where}: must be a list, not {_found(value)}"
    if kind in ("dict_type", "model_type"):
        return f"{where}: must be a mapping of keys to values, not {_found(value)}"
    if kind == "too_short" and isinstance(value, list):
        return f"{where}: must have at least {ctx['min_length']} item(s)"
    if kind == "too_long" and isinstance(value, list):
        return f"{where}: must have at most {ctx['max_length']} items (this one has {len(value)})"
    if kind == "greater_than_equal":
        return f"{where}: must be {ctx['ge']} or more, not {_found(value)}"
    if kind == "value_error":
        return f"{where}: {error['msg'].removeprefix('Value error, ')}"
    return f"{where}: {error['msg']}"


def _validate(data: Any, builder: _Builder) -> tuple[Deck | None, list[ContentIssue]]:
    try:
        return Deck.model_validate(data), []
    except ValidationError as exc:
        issues = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if any(loc[:end] in builder.bad for end in range(len(loc) + 1)):
                continue
            location, found = builder.find(loc, key=error["type"] == "extra_forbidden")
            stand_in = _STAND_IN.get(str(loc[-1])) if loc else None
            if stand_in is not None and not found:
                location = builder.locate((*loc[:-1], stand_in), key=True)
            issues.append(ContentIssue(location, _message(error)))
        return None, issues


# --- one file ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Parsed:
    """What one file yielded: the deck if valid, its issues, and the ids it declares."""

    file: str
    deck: Deck | None
    issues: list[ContentIssue]
    deck_id: tuple[str, Location] | None = None
    question_ids: list[tuple[int, str, Location]] = field(default_factory=list)


def _decode(raw: bytes, file: str) -> str | list[ContentIssue]:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    issues = []
    start = 0
    text = ""
    while len(issues) < _MAX_CHAR_ISSUES:
        try:
            text += raw[start:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            text += raw[start : start + exc.start].decode("utf-8")
            bad = raw[start + exc.start]
            line, column = _line_column(text, len(text))
            issues.append(
                ContentIssue(
                    Location(file, line, column),
                    f"not valid UTF-8 (byte 0x{bad:02x}); save the file as UTF-8",
                )
            )
            text += "\ufffd"
            start += exc.end
    if text.startswith("\ufeff") and issues:  # the BOM is not a column
        issues = [
            ContentIssue(Location(file, i.location.line, i.location.column - 1), i.message)
            if i.location.line == 1
            else i
            for i in issues
        ]
    return issues


def _unprintable(text: str, file: str) -> list[ContentIssue]:
    issues = []
    for match in _NOT_PRINTABLE.finditer(text):
        line, column = _line_column(text, match.start())
        issues.append(
            ContentIssue(
                Location(file, line, column),
                f"control character U+{ord(match.group()):04X} is not allowed in YAML",
            )
        )
        if len(issues) == _MAX_CHAR_ISSUES:
            break
    return issues


_YAML_HINTS = (
    ("mapping values are not allowed", "; put a value that contains ': ' in quotes"),
    ("found character that cannot start any token", "; put a value starting with @ or ` in quotes"),
    ("did not find expected key", "; check the indentation of this line and the one above"),
    ("found undefined alias", "; an alias (*name) needs an anchor (&name) before it"),
    # libyaml (PyYAML >= 6.0.4) may stop very deep nesting before the builder does.
    ("exceeded maximum nesting depth", f"; values are nested more than {MAX_DEPTH} levels deep"),
)
"""Hints for the YAML mistakes people make most in decks, by the start of libyaml's message."""


def _yaml_issue(exc: yaml.YAMLError, text: str, file: str) -> ContentIssue:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    if mark is None:
        return ContentIssue(Location(file, 1, 1), f"invalid YAML: {problem}")
    line_number, column = _clamp(text, mark.line, mark.column)
    line = _LINE_BREAK.split(text)[line_number - 1]
    column = min(column, len(line) + 1)  # libyaml may point past the end of the line
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indent:
        return ContentIssue(
            Location(file, line_number, indent.index("\t") + 1),
            "tab character in indentation; YAML indents with spaces only",
        )
    hint = next((hint for start, hint in _YAML_HINTS if problem.startswith(start)), "")
    return ContentIssue(Location(file, line_number, column), f"invalid YAML: {problem}{hint}")


@contextmanager
def _gc_paused() -> Iterator[None]:
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


def _parse(raw: bytes, file: str) -> _Parsed:
    """Parse and validate one file."""
    with _gc_paused():
        return _parse_text(raw, file)


def _parse_text(raw: bytes, file: str) -> _Parsed:
    if not raw.strip():
        return _Parsed(
            file,
            None,
            [
                ContentIssue(
                    Location(file, 1, 1),
                    "the file is empty; a deck needs deck, title and questions",
                )
            ],
        )
    text = _decode(raw, file)
    if isinstance(text, list):
        return _Parsed(file, None, text)
    unprintable = _unprintable(text, file)
    if unprintable:
        return _Parsed(file, None, unprintable)
    builder = _Builder(text, file)
    try:
        builder.build()
    except yaml.YAMLError as exc:
        return _Parsed(file, None, _sorted([*builder.issues, _yaml_issue(exc, text, file)]))
    except _Abort as exc:
        issue = ContentIssue(builder.where(exc.mark), exc.message)
        return _Parsed(file, None, _sorted([*builder.issues, issue]))
    finally:
        builder.loader.dispose()
    data = builder.root
    if data is _NO_DOCUMENT or data is None:
        issue = ContentIssue(
            builder.where(builder.root_mark),
            "the file has no content; a deck needs deck, title and questions",
        )
        return _Parsed(file, None, [*builder.issues, issue])
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        issue = ContentIssue(
            builder.where(builder.root_mark),
            f"the top level must be a mapping with deck, title and questions, not {kind}",
        )
        return _Parsed(file, None, _sorted([*builder.issues, issue]))
    parsed = _Parsed(file, None, list(builder.issues))
    _collect_ids(data, builder, parsed)
    deck, issues = _validate(data, builder)
    if deck is not None:
        issues += _render_issues(deck, builder)
    parsed.issues = _sorted([*parsed.issues, *issues])
    parsed.deck = None if parsed.issues else deck
    return parsed


def _render_issues(deck: Deck, builder: _Builder) -> list[ContentIssue]:
    """What Telegram or Discord would refuse in the deck's texts once rendered."""
    issues = []
    for index, question in enumerate(deck.questions):
        for field_name, message in question_problems(question):
            path = ("questions", index, field_name)
            issues.append(ContentIssue(builder.locate(path), f"{_dotted(path)}: {message}"))
    return issues


def _collect_ids(data: dict[str, Any], builder: _Builder, parsed: _Parsed) -> None:
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


def _sorted(issues: list[ContentIssue]) -> list[ContentIssue]:
    return sorted(issues, key=lambda issue: (issue.location.line, issue.location.column))


def _loaded(parsed: _Parsed) -> LoadedDeck:
    assert parsed.deck is not None
    return LoadedDeck(
        deck=parsed.deck,
        source=parsed.file,
        id_locations=tuple(location for _, _, location in parsed.question_ids),
        deck_location=parsed.deck_id[1] if parsed.deck_id else None,
    )


def load_deck_text(raw: bytes, file: str) -> LoadedDeck:
    """Parse and validate one deck from its bytes; raise ContentError naming every problem."""
    parsed = _parse(raw, file)
    if parsed.issues or parsed.deck is None:
        raise ContentError(parsed.issues)
    return _loaded(parsed)


# --- many files -----------------------------------------------------------------------


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
    with _gc_paused():
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
        parsed = _parse(raw, str(entry))
        cross = _cross_file_issues(parsed, deck_ids, question_ids)
        if parsed.issues or cross:
            issues.extend(_sorted([*parsed.issues, *cross]))
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
    parsed: _Parsed, deck_ids: dict[str, Location], question_ids: dict[str, Location]
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
