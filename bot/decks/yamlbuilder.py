"""Building a deck's values from YAML parser events: safely, and remembering positions.

libyaml (through PyYAML's CSafeLoader) only parses the text into events. `Builder` builds
the values from those events itself, iteratively, so that it can:

- keep where every key and value stands, to locate each validation error (`find`);
- catch what YAML tools let through silently: a key given twice in one mapping keeps only
  the last value in PyYAML, so it is reported here instead;
- refuse what a deck never needs and what could hurt: merge keys (`<<`), custom tags
  (`!!python/object`), aliases that refer to themselves, alias bombs and deep nesting
  (the C composer recurses and crashes the interpreter on very deep input; newer libyaml
  may refuse it first, with a message that names the same limit here).

It is also faster than composing a node tree and constructing it with PyYAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from bot.decks.issues import ContentIssue, Location, ValuePath, clamp, dotted

_Loader: Any
try:  # libyaml ships in PyYAML's wheels; the pure-Python loader is the fallback.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_DEPTH = 64
"""A deck nests about 7 levels deep; anything far deeper is a mistake (or an attack)."""
MAX_ALIAS_EXPANSION = 100_000
"""How many values aliases may add in one file (guards against alias bombs)."""
INT_BITS = 63
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
_RESOLVER = yaml.resolver.Resolver()


def may_resolve(value: str) -> bool:
    """Whether the non-empty plain scalar `value` may be something other than text (a
    number, a date, null, a boolean): most cannot, and skip the resolver's patterns."""
    return value[0] in _NUMERIC_FIRST or (len(value) <= _WORD_MAX and value in _WORDS)


def plain_scalar_tag(value: str) -> str | None:
    """The tag YAML 1.1 gives the non-empty plain scalar `value`; None when it is text."""
    if not may_resolve(value):
        return None
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    return None if tag == _STR_TAG else tag


class Abort(Exception):
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
NO_DOCUMENT = _Marker("NO_DOCUMENT")


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
    def path(self) -> ValuePath:
        """The path of this collection, such as ("questions", 3, "tags")."""
        parts: list[str | int] = []
        frame = self
        while frame.parent is not None:
            slot = frame.slot
            parts.append(slot if isinstance(slot, str | int) else "?")
            frame = frame.parent
        return tuple(reversed(parts))

    def child_path(self) -> ValuePath:
        if self.is_map:
            key = self.key
            return (*self.path, key if isinstance(key, str) else "?")
        return (*self.path, len(self.container))


class _DocumentFrame(_Frame):
    """Holds the document's root value, as a one-item sequence; its path is empty."""

    __slots__ = ()

    def child_path(self) -> ValuePath:
        return ()


@dataclass(slots=True)
class _Anchor:
    value: Any
    size: int


class Builder:
    """Builds one document's values from the parser's events, recording positions."""

    def __init__(self, text: str, file: str) -> None:
        self.loader = _Loader(text)
        self.text = text
        self.file = file
        self.newlines = -1
        self.issues: list[ContentIssue] = []
        self.bad: set[ValuePath] = set()
        """Paths of values already reported here; validation errors under them are noise."""
        self.positions: dict[int, Any] = {}
        """Each container's positions (see _Frame), by the container's id."""
        self.anchors: dict[str, _Anchor | _Marker] = {}
        self.expanded = 0
        self.root: Any = NO_DOCUMENT
        self.root_mark: Any = None

    def where(self, mark: Any) -> Location:
        if mark is None:
            return Location(self.file, 1, 1)
        if self.newlines < 0:
            self.newlines = self.text.count("\n")
        if mark.line < self.newlines:  # cheap: surely not past the last line
            return Location(self.file, mark.line + 1, mark.column + 1)
        return Location(self.file, *clamp(self.text, mark.line, mark.column))

    def issue(self, mark: Any, message: str) -> None:
        self.issues.append(ContentIssue(self.where(mark), message))

    def build(self) -> None:
        """Read the single document into `root`; raises yaml errors and Abort.

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
                    elif may_resolve(value):
                        frame.key = key
                        value = self._scalar(event, frame)
            elif kind is map_start or kind is seq_start:
                nodes += 1
                mark = event.start_mark
                if len(stack) > max_depth:
                    raise Abort(mark, f"values are nested more than {MAX_DEPTH} levels deep here")
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
            self.issue(frame.mark, f"{dotted(frame.path)}: unsupported tag {tag!r}")
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
                tag = plain_scalar_tag(value) or _STR_TAG
        if tag == _STR_TAG or tag == "!":
            result: Any = value
        else:
            node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
            try:
                result = self.loader.construct_object(node, deep=True)
            except Exception as exc:  # any constructor failure means the value is unreadable
                path = top.child_path()
                reason = getattr(exc, "problem", None) or str(exc) or type(exc).__name__
                self.issue(event.start_mark, f"{dotted(path)}: cannot read this value ({reason})")
                self.bad.add(path)
                result = None
            if isinstance(result, int) and result.bit_length() > INT_BITS:
                path = top.child_path()
                self.issue(event.start_mark, f"{dotted(path)}: this number is too large")
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
            self.issue(mark, f"{dotted(top.path)}: a key must be a plain word, not a tagged value")
            top.key = _SKIP
        elif event.tag is None and event.implicit[0] and text == "<<":
            self.issue(
                mark, f"{dotted(top.path)}: merge keys (<<) are not supported; write the keys out"
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
                f"{dotted((*top.path, key))}: duplicate key '{key}' (first given on line "
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
        self.issue(mark, f"{dotted(top.path)}: a key must be a plain word, not {what}")
        top.key = _SKIP

    def _alias(self, name: str, top: _Frame, mark: Any) -> tuple[Any, int]:
        path = top.child_path()
        anchor = self.anchors.get(name)
        if isinstance(anchor, _Anchor):
            self.expanded += anchor.size
            if self.expanded > MAX_ALIAS_EXPANSION:
                raise Abort(
                    mark,
                    f"{dotted(path)}: aliases expand to more than {MAX_ALIAS_EXPANSION:,} "
                    "values; write the content out instead",
                )
            return anchor.value, anchor.size
        if anchor is None:
            self.issue(mark, f"{dotted(path)}: unknown alias '*{name}'")
        else:
            self.issue(mark, f"{dotted(path)}: the alias '*{name}' refers to itself")
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
