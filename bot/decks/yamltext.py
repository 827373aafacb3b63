"""A deck file's bytes as YAML text: the encoding, characters YAML forbids, and libyaml's
own errors turned into located issues with a hint for the mistakes people make most."""

from __future__ import annotations

import re

import yaml

from bot.decks.issues import LINE_BREAK, ContentIssue, Location, clamp, line_column
from bot.decks.yamlbuilder import MAX_DEPTH

_MAX_CHAR_ISSUES = 20
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters YAML forbids in a stream (control characters and the like)."""


def decode_utf8(raw: bytes, file: str) -> str | list[ContentIssue]:
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
            line, column = line_column(text, len(text))
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


_PRINTABLE_ASCII = b"\t\n\r" + bytes(range(0x20, 0x7F))


def unprintable_issues(text: str, file: str) -> list[ContentIssue]:
    if text.isascii() and not text.encode("ascii").translate(None, _PRINTABLE_ASCII):
        return []  # every character printable: the usual case, found without the pattern
    issues = []
    for match in _NOT_PRINTABLE.finditer(text):
        line, column = line_column(text, match.start())
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


def yaml_issue(exc: yaml.YAMLError, text: str, file: str) -> ContentIssue:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    if mark is None:
        return ContentIssue(Location(file, 1, 1), f"invalid YAML: {problem}")
    line_number, column = clamp(text, mark.line, mark.column)
    line = LINE_BREAK.split(text)[line_number - 1]
    column = min(column, len(line) + 1)  # libyaml may point past the end of the line
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indent:
        return ContentIssue(
            Location(file, line_number, indent.index("\t") + 1),
            "tab character in indentation; YAML indents with spaces only",
        )
    hint = next((hint for start, hint in _YAML_HINTS if problem.startswith(start)), "")
    return ContentIssue(Location(file, line_number, column), f"invalid YAML: {problem}{hint}")
