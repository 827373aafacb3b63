"""Reading the plain block YAML most deck files are written in, line by line.

A deck file almost always uses a small part of YAML: block mappings and lists, keys that
are plain words, one-line plain or quoted texts, `[a, b]` lists of words, and `|` / `>`
texts. `read_block_deck` reads exactly that part with one pass over the lines, several
times faster than building the values from libyaml's events (`yamlbuilder`), and gives up
(returns None) at the first thing outside it. The loader then reads the file again with
`yamlbuilder`, which reports every problem at its place.

It gives up on everything the full reader refuses or reports, and on everything whose
reading would need more of YAML's rules: anchors and aliases (so no alias bomb), tags,
merge keys, a key given twice, nesting deeper than `MAX_DEPTH`, whole numbers past
`INT_BITS` bits, values YAML reads as dates, a second document or a directive, flow
mappings, multi-line plain or quoted texts, tabs, carriage returns and YAML's other line
breaks, a file not ending in a line break. What it does read has the values the full
reader builds (`tests/decks/test_blockyaml.py` holds the two together), and it notes the
places the loader keeps for valid decks: the deck id's and each question id's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from bot.decks.yamlbuilder import INT_BITS, MAX_DEPTH, may_resolve, plain_scalar_tag

_BEYOND = re.compile("[\t\r\x85\u2028\u2029\ufeff]")
"""Characters that make a file need the full reader (tabs, other line breaks, a BOM);
beyond ASCII, only the last four."""
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
"""What may not start a plain scalar (or asks for rules not read here)."""
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_FLOW_ITEM = re.compile(
    r""" *(?:"([^"\\]*)" *|'((?:[^']|'')*)' *|([^ ,\[\]{}#:'"][^,\[\]{}#:'"]*))(,|\])"""
)
"""One item of a `[a, b]` list and what ends it: a quoted scalar (double-quoted without
escapes), or a plain one holding no nested collection, comment, key or quote (with the
spaces before the comma: no lazy repeat, so a long run of spaces costs no more than its
length)."""
_CONSTRUCTORS = yaml.constructor.SafeConstructor.yaml_constructors
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float"))
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class _Beyond(Exception):
    """The file uses YAML this reader does not read."""


_BEYOND_ERROR = _Beyond()


@dataclass(slots=True)
class BlockDeck:
    """A deck file's values, and where the deck id and each mapping's `id` value stand."""

    data: dict[str, Any]
    deck_mark: tuple[int, int] | None
    """The 0-based line and column of the top-level `deck` value."""
    id_marks: dict[int, tuple[int, int]]
    """For each mapping (by its `id()`) that has an `id` key: where that value stands."""


def read_block_deck(text: str) -> BlockDeck | None:
    """The top-level mapping of `text`, if it is written in the block YAML read here."""
    if (
        not text.endswith("\n")
        or "\t" in text
        or "\r" in text
        or (not text.isascii() and _BEYOND.search(text) is not None)
    ):
        return None
    try:
        return _read(text)
    except _Beyond:
        return None


_LINE = re.compile(r"( *)(-(?: +|(?=\n)))?(?:([A-Za-z_][A-Za-z0-9_-]{0,99}):(?: +|(?=\n)))?(.*)\n")
"""One line: its indentation, a list item's dash, a key (a word, far shorter than
libyaml's 1024 characters for a key), and the rest."""


def _needs_reading(value: str) -> bool:
    """Whether a one-line value (not empty) is more than a word or a sentence taken as it
    stands: quoted, a list, a `|` / `>` text, a number, a null or a boolean, or holding a
    comment or a colon."""
    return (
        value[0] in _INDICATORS
        or "#" in value
        or ":" in value
        or value[-1] == " "
        or may_resolve(value)
    )


def _read(text: str) -> BlockDeck | None:
    """Each line is a key or a list item of the collection its indentation names (the
    innermost open one at that indentation), a blank line, a comment, or a line of a
    `|` / `>` text; anything else gives up."""
    root: dict[str, Any] = {}
    stack: list[tuple[int, Any]] = [(0, root)]
    top_indent, top = 0, root  # the innermost open collection: stack[-1]
    id_marks: dict[int, tuple[int, int]] = {}
    deck_mark: tuple[int, int] | None = None
    pending: Any = None  # the collection whose last key or item waits for a nested value
    pending_slot: Any = None
    pending_indent = 0
    limit = 0  # how far the next line may be indented after a complete value
    block: _Block | None = None  # a `|` or `>` text being read
    block_indent = 0
    block_owner: dict[str, Any] = root
    block_key = ""
    parts: list[str] = []
    number = -1
    for match in _LINE.finditer(text):
        number += 1
        spaces, dash, key, value = match.groups()
        indent = len(spaces)
        usual = (  # the next key of the mapping being read, with a value
            indent == top_indent
            and dash is None
            and key is not None
            and block is None
            and pending is None
            and top.__class__ is dict
            and key not in top
            and value
        )
        if not usual:
            if block is not None:
                blank = not value and dash is None and key is None
                if block_indent < 0:  # the text's first line sets its indentation
                    if blank or indent <= limit:
                        return None
                    block_indent = indent
                if blank:
                    if indent > block_indent:  # spaces beyond the indentation
                        return None
                    parts.append("")
                    continue
                if indent >= block_indent:
                    parts.append(match[0][block_indent:-1])
                    continue
                block_owner[block_key] = _block_text(parts, block)
                block = None
            if dash is None:
                if key is None:
                    if not value or value[0] == "#":  # a blank line or a comment
                        continue
                    return None  # a text going on over lines, or a bare value
            elif key is None and value[:1] == "-":
                return None  # a list in a list's item: not read here
            if pending is not None:
                if indent > pending_indent or (
                    dash is not None and indent == pending_indent and pending.__class__ is dict
                ):
                    top = [] if dash is not None else {}
                    top_indent = limit = indent
                    pending[pending_slot] = top
                    stack.append((indent, top))
                    if len(stack) > MAX_DEPTH:
                        return None
                pending = None
            if indent > limit:  # a text going on over lines, or a misplaced line
                return None
            if top_indent > indent:
                while stack[-1][0] > indent:
                    stack.pop()
                top_indent, top = stack[-1]
            if dash is None:
                if top.__class__ is list:  # a list given as a key's value ends
                    stack.pop()
                    if not stack:
                        return None
                    top_indent, top = stack[-1]
                if top_indent != indent or top.__class__ is not dict:
                    return None
            else:
                if top_indent != indent or top.__class__ is not list:
                    return None
                if key is None:
                    if not value or value[0] == "#":  # a nested value follows
                        top.append(None)
                        pending, pending_slot, pending_indent = top, len(top) - 1, indent
                        limit = indent
                        continue
                    if _needs_reading(value):
                        value = _value(value)
                        if value.__class__ is _Block:
                            return None
                    top.append(value)
                    limit = indent
                    continue
                mapping: dict[str, Any] = {}
                top.append(mapping)
                top_indent, top = indent + len(dash), mapping
                stack.append((top_indent, top))
                if len(stack) > MAX_DEPTH:
                    return None
            if key in top:
                return None
        if key == "id":
            id_marks[id(top)] = (number, match.start(4) - match.start())
        elif key == "deck" and top is root:
            deck_mark = (number, match.start(4) - match.start())
        limit = top_indent
        if not value or value[0] == "#":
            top[key] = None
            pending, pending_slot, pending_indent = top, key, top_indent
            continue
        if _needs_reading(value):
            value = _fast_list(value) if value[0] == "[" else _value(value)
            if value.__class__ is _Block:  # its lines follow
                block, block_indent, block_owner, block_key, parts = value, -1, top, key, []
        top[key] = value
    if block is not None:
        if block_indent < 0:
            return None
        block_owner[block_key] = _block_text(parts, block)
    if number < 0 or not root:
        return None
    return BlockDeck(root, deck_mark, id_marks)


_WORD_LIST = re.compile(r"\[([A-Za-z][^\[\]{}#:'\",]*(?:, [A-Za-z][^\[\]{}#:'\",]*)*)\]")
"""A one-line `[a, b]` list of words, each starting with a letter, set apart by ', '."""


def _fast_list(text: str) -> Any:
    """`_value` of `[a, b]`, reading the usual list of words with one pattern."""
    match = _WORD_LIST.fullmatch(text)
    if match is None:
        return _value(text)
    inner = match[1]
    items = inner.split(", ")
    if " ," in inner or inner[-1] == " " or any(map(may_resolve, items)):
        return _value(text)  # spaces around the words, or yes/no/null...: read item by item
    return items


class _Block:
    """A `|` or `>` text starts here: its lines follow."""

    __slots__ = ("clip", "folded")

    def __init__(self, folded: bool, clip: bool) -> None:
        self.folded, self.clip = folded, clip


_HEADERS = {
    "|": _Block(False, True),
    "|-": _Block(False, False),
    ">": _Block(True, True),
    ">-": _Block(True, False),
}


def _value(text: str) -> Any:
    """The value `text` (what follows a key or a dash) stands for, or a _Block."""
    first = text[0]
    if first not in _INDICATORS:
        comment = text.find(" #")
        if comment >= 0:
            text = text[:comment]
        text = text.rstrip(" ")
        if ": " in text or text[-1] == ":":
            raise _BEYOND_ERROR
        return _plain(text)
    if first == "[":
        return _flow_list(text)
    if first == '"':
        match = _DOUBLE_QUOTED.match(text)
        value = None if match is None else match[1]
    elif first == "'":
        match = _SINGLE_QUOTED.match(text)
        value = None if match is None else match[1].replace("''", "'")
    else:
        block = _HEADERS.get(text.rstrip(" "))
        if block is None:
            raise _BEYOND_ERROR
        return block
    if match is None or not _only_comment(text, match.end()):
        raise _BEYOND_ERROR
    return value


def _only_comment(text: str, end: int) -> bool:
    """Whether nothing but spaces and a comment follows `end`."""
    rest = text[end:]
    return not rest.strip(" ") or (rest[0] == " " and rest.lstrip(" ")[0] == "#")


def _plain(text: str) -> Any:
    """A one-line plain scalar's value: text, unless YAML 1.1 reads it as null, a boolean
    or a number (as the full reader resolves it)."""
    tag = plain_scalar_tag(text)
    if tag is None:
        return text
    if tag not in _SCALAR_TAGS:  # dates and the like: the full reader says what is wrong
        raise _BEYOND_ERROR
    try:
        value = _CONSTRUCTORS[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except Exception:  # unreadable: the full reader reports it
        raise _BEYOND_ERROR from None
    if isinstance(value, int) and value.bit_length() > INT_BITS:
        raise _BEYOND_ERROR
    return value


def _flow_list(text: str) -> list[Any]:
    """`[a, "b", 'c']` on one line, its items plain or quoted scalars."""
    items: list[Any] = []
    position = 1
    if text[1:].lstrip(" ")[:1] == "]":
        position = text.index("]") + 1
    else:
        while True:
            match = _FLOW_ITEM.match(text, position)
            if match is None:
                raise _BEYOND_ERROR
            double, single, plain, end = match.groups()
            if double is not None:
                items.append(double)
            elif single is not None:
                items.append(single.replace("''", "'"))
            elif plain[0] in _INDICATORS:
                raise _BEYOND_ERROR
            else:
                items.append(_plain(plain.rstrip(" ")))
            position = match.end()
            if end != ",":
                break
    if not _only_comment(text, position):
        raise _BEYOND_ERROR
    return items


def _block_text(parts: list[str], block: _Block) -> str:
    """A `|` or `>` text from its lines (blank lines inside count, those at its end are
    dropped: the text then ends with one line break, or none with `-`). A folded text
    joins its lines with spaces, if none is blank or indented more."""
    while parts[-1] == "":
        parts.pop()
    if block.folded:
        if any(not part or part[0] == " " for part in parts):
            raise _BEYOND_ERROR
        text = " ".join(parts)
    else:
        text = "\n".join(parts)
    return text + "\n" if block.clip else text
