"""Draft key points from a model answer: one per bullet, line or sentence of it.

Each point gets a readable label (the line itself, or its first sentence or leading
clauses when long; never cut mid-word) and match terms from `terms.match_terms`.
Lines that only introduce others ("Benefits:"), examples ("🚀 Example: ...") and bonus
lines ("加分：...", "Bonus: ...") are not required points: examples serve only when the
answer has nothing else, and bonus lines are returned apart (`bonus_lines`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.decks.importer.markdown import (
    EXAMPLE_LINE,
    EXAMPLE_SYMBOLS,
    FENCE,
    LIST_MARKER,
    display_width,
    plain_text,
    squash,
)
from bot.decks.importer.terms import DeckVocabulary, match_terms
from bot.decks.model import KeyPoint

MIN_KEY_POINTS = 2
MAX_KEY_POINTS = 5
POINT_WIDTH = 120
"""Longest label wanted, in display columns (a Chinese character counts as two)."""

_BONUS = re.compile(
    r"^(?:加分点?|额外加分|bonus(?:\s+points?)?|extra credit)\s*(?:[:：→]|->)?\s*", re.IGNORECASE
)
_LEAD_IN = re.compile(
    r"^(?:你?可以(?:提到|举例|说明)?|提到|you (?:could|can|might) (?:mention|add))\s*[:：]?\s*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)|(?<=[。！？；])")
_CLAUSE_END = re.compile(
    r"[,;](?=\s)|[，；、]|\s(?=→|—|->)|\s(?=(?:and|but|or|so|which|while|whereas|because)\s)"
)
_SPLITS = (
    _SENTENCE_END,
    re.compile(r",\s+(?=(?:but|while|whereas|since|because|so that|and then)\b)|(?<=，)(?=但|而)"),
)
"""How a one-line answer is cut into several key points: by sentence, else by clause."""
_TRAILING = " ,，;；:：、-—→"


def point_text(line: str) -> str:
    """A line of the answer as plain words: no list marker, emphasis, ✅ or other emoji."""
    return plain_text(LIST_MARKER.sub("", line, count=1))


def label(text: str, width: int = POINT_WIDTH) -> str:
    """A readable label for a point: the text, else its first sentence, else leading clauses.

    Never cut inside a clause: when even the first clause is longer than `width`, the
    whole first clause is the label.
    """
    text = squash(text)
    if display_width(text) <= width:
        return text
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip().rstrip(" ;；")
    if display_width(first) <= width:
        return first
    cuts = [m.end() if m.group().strip() else m.start() for m in _CLAUSE_END.finditer(first)]
    fitting = [c for c in cuts if display_width(first[:c]) <= width and first[:c].strip()]
    end = fitting[-1] if fitting else (cuts[0] if cuts else len(first))
    return first[:end].rstrip(_TRAILING)


def _is_bonus(text: str) -> bool:
    return bool(_BONUS.match(text))


def bonus_lines(answer: str) -> list[str]:
    """The answer's bonus lines ("加分：vLLM", "🚀 加分点 → ..."), without their marker or
    a lead-in such as "你可以提到"."""
    return [
        _LEAD_IN.sub("", _BONUS.sub("", text, count=1), count=1)
        for _, text in _lines(answer)
        if _is_bonus(text)
    ]


def _lines(answer: str) -> Iterator[tuple[str, str]]:
    """Each line outside code blocks with its plain text, skipping lines without words."""
    in_code = False
    for line in answer.split("\n"):
        if FENCE.match(line):
            in_code = not in_code
            continue
        text = point_text(line)
        if not in_code and text and any(ch.isalnum() for ch in text):
            yield line, text


def _drop_conjunction(clause: str) -> str:
    """ "but adds latency" -> "Adds latency"."""
    clause = re.sub(
        r"^(?:but|while|whereas|since|because|so that|and then)\s+|^[但而]", "", clause.strip()
    )
    return clause[:1].upper() + clause[1:]


def _point_lines(answer: str) -> list[str]:
    """The lines (or, for a one-line answer, its sentences) that become key points."""
    main: list[str] = []
    examples: list[str] = []
    headers: list[str] = []
    for line, text in _lines(answer):
        if _is_bonus(text):
            continue
        if line.strip().startswith(EXAMPLE_SYMBOLS) or EXAMPLE_LINE.match(text):
            examples.append(line)
        elif text.endswith((":", "：")):
            headers.append(line)
        else:
            main.append(line)
    chosen = main[:MAX_KEY_POINTS]
    for extra in (examples, headers):
        if len(chosen) >= MIN_KEY_POINTS:
            break
        chosen += extra[: MIN_KEY_POINTS - len(chosen)]
    if len(chosen) == 1:
        text = point_text(chosen[0])
        for pattern in _SPLITS:
            parts = [_drop_conjunction(p) for p in pattern.split(text) if len(p.strip()) >= 8]
            if len(parts) >= 2:
                return parts[:MAX_KEY_POINTS]
    return chosen


def draft_key_points(
    answer: str, question: str = "", *, vocabulary: DeckVocabulary | None = None
) -> list[KeyPoint]:
    """Draft up to MAX_KEY_POINTS required key points from an answer.

    `question` keeps its words out of the match terms; `vocabulary` (the whole deck's)
    makes rare words preferred. Lines that yield no usable term are left out, but an
    answer with content always gets one point when any term can be found.
    """
    points: list[KeyPoint] = []
    used: list[str] = []
    for line in _point_lines(answer):
        terms = match_terms(line, avoid=used, question=question, vocabulary=vocabulary)
        text = label(point_text(line))
        if not terms or not text:
            continue
        used.extend(terms)
        points.append(KeyPoint(point=text, match=terms))
    if not points:
        whole = " ".join(text for _, text in _lines(answer) if not _is_bonus(text))
        terms = match_terms(whole, question=question) if whole else []
        if terms:
            points.append(KeyPoint(point=label(whole), match=terms))
    return points
