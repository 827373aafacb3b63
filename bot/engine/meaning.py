"""The grader's second layer: does the answer say a key point's idea, in any words?

Each key point is compared with every stretch of the answer of one to three clauses
(clauses end at `.`, `,`, `;`, `:`, `!`, `?`, a line break, or their CJK forms), and the
best stretch is the point's evidence. Two measures, by the point's script:

* A point written in Latin script is compared by meaning: the cosine between the sum of
  its word-piece vectors and the stretch's (static embeddings, `bot.engine.embedding`).
  Words that occur in the question are left out on both sides, so restating the question
  earns nothing and a point is judged on what it adds to the question. CJK text in the
  answer carries no vote here: the vocabulary has no Chinese words, only bytes.
* A point written in Chinese (or Japanese, Korean) is compared by overlap: the share of
  its character pairs (without particles such as 的 and 了) and Latin words, again less
  the question's, that the stretch contains. No segmentation is needed, and related words
  that share a character (数据不足/数据不够) still count in part.

A measure becomes credit on a ramp: nothing up to a floor, full credit from a ceiling.
The floors sit above what off-topic answers, gibberish and unrelated buzzwords reach
(measured on the grading check set: cosines of at most 0.32 against the points of a
question they do not answer, mostly under 0.15).

Also here: how on-topic an answer is as a whole (`topicality`), which lets a vague but
relevant one-liner rank above an off-topic reply without covering any point.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.engine.embedding import Embeddings, Vectors
from bot.engine.terms import CJK, strip_accents, word_forms

__all__ = ["PointJudgement", "clause_spans", "judge_points", "ramp", "topicality"]

VECTOR_FLOOR = 0.20
"""Cosine below which a point gets no credit."""
VECTOR_CEILING = 0.50
"""Cosine from which a point gets full credit."""
OVERLAP_FLOOR = 0.05
"""Share of a CJK point's units below which it gets no credit."""
OVERLAP_CEILING = 0.35
"""Share from which a CJK point gets full credit."""
TOPICAL_FLOOR = 0.20
TOPICAL_CEILING = 0.60
WINDOW = 3
"""The most clauses one stretch of evidence spans."""
MAX_CLAUSES = 80
"""Clauses looked at in one answer (a 4096-character message has far fewer in practice)."""

_CLAUSE = re.compile(r"[^.!?;:,\n\r。！？；：，、()（）\[\]]+")
_WORD = re.compile(rf"[^\W_{CJK}]+")
_CJK_RUN = re.compile(rf"[{CJK}]+")
_HAS_CJK = re.compile(rf"[{CJK}]")
# Particles and pronouns that carry no idea of their own.
_CJK_FILLER = frozenset(
    "的了是在和与或也就都而及等我你他她它们这那个有要会能可以把被让用对为着过吗呢吧啊"
)


@dataclass(frozen=True, slots=True)
class PointJudgement:
    """How well the best stretch of an answer says one key point."""

    credit: float
    """0.0 to 1.0."""
    evidence: str
    """The stretch of the answer (as typed, trimmed); empty when nothing came close."""


@dataclass(slots=True)
class _Clause:
    start: int
    end: int
    vector: Vectors | None
    """Sum of the pieces of its Latin words not in the question; None when there are none."""
    units: frozenset[str]
    """CJK character pairs and Latin stems (for CJK points)."""


def ramp(value: float, floor: float, ceiling: float) -> float:
    """0 at or below `floor`, 1 at or above `ceiling`, linear between."""
    return min(1.0, max(0.0, (value - floor) / (ceiling - floor)))


def judge_points(
    answer: str, points: Sequence[str], question: str, model: Embeddings
) -> list[PointJudgement]:
    """For each key point's text, the credit its best stretch of `answer` earns."""
    asked = _question_words(question)
    clauses = _clauses(answer, asked, model)
    windows = _windows(clauses)
    judged: list[PointJudgement] = []
    for point in points:
        target = _point(point, question, model)
        best, where = 0.0, None
        if isinstance(target, frozenset):
            for window, (units, _) in windows.items():
                if target and units:
                    share = len(target & units) / len(target)
                    if share > best:
                        best, where = share, window
            credit = ramp(best, OVERLAP_FLOOR, OVERLAP_CEILING)
        else:
            for window, (_, vector) in windows.items():
                if target is not None and vector is not None:
                    cosine = float(vector @ target)
                    if cosine > best:
                        best, where = cosine, window
            credit = ramp(best, VECTOR_FLOOR, VECTOR_CEILING)
        evidence = ""
        if credit > 0 and where is not None:
            first, last = where
            evidence = answer[clauses[first].start : clauses[last].end].strip()
        judged.append(PointJudgement(credit, evidence))
    return judged


def topicality(answer: str, context: str, model: Embeddings) -> float:
    """0.0 to 1.0: how much `answer` as a whole is about `context` (question and points)."""
    if _HAS_CJK.search(answer):
        units = _units(answer)
        if not units:
            return 0.0
        return ramp(len(units & _units(context)) / len(units), 0.1, 0.5)
    vector = _unit(model.sum_of(model.pieces(_nfkc(answer))[0]))
    about = _context_vector(context, model)
    if vector is None or about is None:
        return 0.0
    return ramp(float(vector @ about), TOPICAL_FLOOR, TOPICAL_CEILING)


# --- answers --------------------------------------------------------------------------


def clause_spans(answer: str) -> list[tuple[int, int]]:
    """Where each clause of `answer` stands (blank ones left out)."""
    spans = [m.span() for m in _CLAUSE.finditer(answer) if m.group().strip()]
    return spans[:MAX_CLAUSES]


def _clauses(answer: str, asked: frozenset[str], model: Embeddings) -> list[_Clause]:
    clauses: list[_Clause] = []
    for start, end in clause_spans(answer):
        text = _nfkc(answer[start:end])
        clauses.append(_Clause(start, end, _content_vector(text, asked, model), _units(text)))
    return clauses


def _windows(
    clauses: list[_Clause],
) -> dict[tuple[int, int], tuple[frozenset[str], Vectors | None]]:
    """Every run of 1 to WINDOW clauses: its units and its normalized vector."""
    windows: dict[tuple[int, int], tuple[frozenset[str], Vectors | None]] = {}
    for first in range(len(clauses)):
        units: frozenset[str] = frozenset()
        total: Vectors | None = None
        for last in range(first, min(first + WINDOW, len(clauses))):
            clause = clauses[last]
            units = units | clause.units
            if clause.vector is not None:
                total = clause.vector if total is None else total + clause.vector
            windows[first, last] = (units, _unit(total) if total is not None else None)
    return windows


def _content_vector(text: str, asked: frozenset[str], model: Embeddings) -> Vectors | None:
    """Sum of the pieces of `text`'s Latin words that are not the question's."""
    words = [(m.start(), m.end(), _stem(m.group())) for m in _WORD.finditer(text)]
    if not words:
        return None
    starts = [start for start, _, _ in words]
    ids, offsets = model.pieces(text)
    kept: list[int] = []
    for piece, (_, after) in zip(ids, offsets, strict=True):
        last = after - 1  # a piece's offsets include the space before it
        at = bisect_right(starts, last) - 1
        if at < 0:
            continue
        start, end, stem = words[at]
        if start <= last < end and stem not in asked:
            kept.append(piece)
    if not kept:
        return None
    return model.sum_of(kept)


# --- key points and questions ---------------------------------------------------------


@lru_cache(maxsize=8192)
def _point(point: str, question: str, model: Embeddings) -> frozenset[str] | Vectors | None:
    """What a point is compared by: its units if it is CJK, else its unit vector."""
    text = _nfkc(point)
    if _HAS_CJK.search(text):
        units = _units(text)
        return (units - _units(_nfkc(question))) or units
    asked = _question_words(question)
    vector = _content_vector(text, asked, model)
    if vector is None:  # the point only restates the question: judge it whole
        vector = _content_vector(text, frozenset(), model)
    return _unit(vector) if vector is not None else None


@lru_cache(maxsize=4096)
def _question_words(question: str) -> frozenset[str]:
    return frozenset(_stem(word) for word in _WORD.findall(_nfkc(question)))


@lru_cache(maxsize=4096)
def _context_vector(context: str, model: Embeddings) -> Vectors | None:
    return _unit(model.sum_of(model.pieces(_nfkc(context))[0]))


# --- text -----------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _stem(word: str) -> str:
    return word_forms(strip_accents(word.casefold()))[1]


def _units(text: str) -> frozenset[str]:
    """CJK character pairs (fillers left out) and Latin stems of `text`."""
    units: set[str] = set()
    for run in _CJK_RUN.findall(text):
        kept = "".join(c for c in run if c not in _CJK_FILLER)
        if len(kept) == 1:
            units.add(kept)
        units.update(kept[i : i + 2] for i in range(len(kept) - 1))
    for word in _WORD.findall(text):
        units.add(_stem(word))
    return frozenset(units)


def _unit(vector: Vectors | None) -> Vectors | None:
    if vector is None:
        return None
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else None
