"""Problems in deck files, each located: `FILE:LINE:COL: message`.

Every part of loading (reading the bytes, building values from YAML, validating them,
checking ids across files) reports through these types, so that a deck author sees every
problem at once, each at the place to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ValuePath = tuple[str | int, ...]
"""Where a value stands in a deck, such as ("questions", 3, "tags")."""

LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What libyaml counts as a line break, so that our lines agree with its marks."""


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


def dotted(path: ValuePath) -> str:
    """Render a path as `questions[3].key_points[0].match`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def clamp(text: str, line: int, column: int) -> tuple[int, int]:
    """1-based line and column of a 0-based mark, kept within the file's lines.

    libyaml places problems found at the end of the file on the line after the final line
    break, a line no editor counts; those are moved to the end of the last line.
    """
    breaks = [match.end() for match in LINE_BREAK.finditer(text)]
    count = len(breaks) + (0 if breaks and breaks[-1] == len(text) else 1)
    if line + 1 <= count:
        return line + 1, column + 1
    start = breaks[-2] if len(breaks) >= 2 else 0
    last = LINE_BREAK.sub("", text[start:])
    return count, len(last) + 1


def line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of `text[index]`."""
    line, start = 1, 0
    for match in LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return line, index - start + 1


def sorted_issues(issues: list[ContentIssue]) -> list[ContentIssue]:
    return sorted(issues, key=lambda issue: (issue.location.line, issue.location.column))
