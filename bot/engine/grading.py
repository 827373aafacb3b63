"""Grade a free-text answer against a question's key points, in two layers.

1. Terms (`bot.decks.matching`): a point whose hand-written `match` terms appear in the
   answer is covered, with full credit. Forgiving about form (case, full-width, plurals,
   small typos, CJK substrings), strict about substance (terms the question contains are
   not evidence).
2. Meaning (`bot.engine.meaning`): every point, with or without terms, is compared with
   the answer's clauses; a point said in other words earns credit on a ramp, and counts
   as covered from `COVERED_CREDIT`. This layer needs the static embeddings
   (`bot.engine.embedding`); without them grading keeps to the terms.

An answer that is essentially the question's own words scores 0 whatever it says. Each
covered point names its evidence: the words of the answer that covered it.

The score is the credit earned over the required points (see `Grade.score`). An answer
that covers no point gets a small bonus, at most `TOPICAL_BONUS`, for being on the
question's topic as a whole, so a vague but relevant reply ranks above an off-topic one.
An answer that is a bare list of terms (`bot.engine.termlists`) keeps `BARE_LIST_SHARE`
of its score: it names things and says nothing about them.

Grading is pure: the same inputs give the same grade. The embeddings are read once per
process, on first use or at start (`warm_up`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.decks.matching import (
    Compiled,
    Memo,
    Text,
    analyse,
    compile_points,
    is_echo,
    term_matches,
)
from bot.decks.model import KeyPoint
from bot.engine import embedding, glossing
from bot.engine.meaning import clause_spans, judge_points, topicality
from bot.engine.termlists import is_bare_list

__all__ = [
    "BARE_LIST_SHARE",
    "COVERED_CREDIT",
    "TOPICAL_BONUS",
    "Grade",
    "coverage_score",
    "grade",
    "warm_up",
]

COVERED_CREDIT = 0.75
"""Credit from which a point judged by meaning counts as covered."""
TOPICAL_BONUS = 0.1
"""The most an on-topic answer adds to its score for being on topic."""
BARE_LIST_SHARE = 1 / 3
"""The share of its score that a bare list of terms keeps."""


@dataclass(frozen=True, slots=True)
class Grade:
    """How well an answer covered a question's key points."""

    score: float
    """From 0.0 to 1.0 (0.0 when there are no key points): the points' credit over the
    number of required points, a bonus (optional) point's credit counting like a required
    one's, capped at 1.0; when every point is optional, over all points. An answer that
    covers no point adds at most TOPICAL_BONUS for being on topic."""
    covered: tuple[int, ...]
    """Indexes into the key points, in order."""
    missed: tuple[int, ...]
    matched_terms: tuple[str, ...]
    """For each covered point, the term (as written in the deck) that matched; empty when
    the point was covered by meaning rather than by a term."""
    evidence: tuple[str, ...] = ()
    """For each covered point, the words of the answer that covered it."""
    credits: tuple[float, ...] = ()
    """Each key point's credit, 0.0 to 1.0, in key-point order (empty when ungraded)."""

    @property
    def gradable(self) -> bool:
        """False when the question has no key points to grade against."""
        return bool(self.covered or self.missed)


def grade(
    answer: str, key_points: Sequence[KeyPoint], question: str = "", *, by_meaning: bool = True
) -> Grade:
    """Grade `answer` against `key_points`; `question` is the text the player was asked.

    `by_meaning=False` keeps to the terms layer (for comparison and for tests of it).
    """
    if not key_points:
        return Grade(0.0, (), (), ())
    compiled = compile_points(tuple(tuple(kp.match) for kp in key_points), question)
    total = len(key_points)
    text = analyse(answer)
    if not text.raws or is_echo(text, compiled.question):
        return Grade(0.0, (), tuple(range(total)), (), (), (0.0,) * total)
    terms = _matched_terms(compiled, text)
    model = embedding.load() if by_meaning else None
    judged = (
        judge_points(answer, [kp.point for kp in key_points], question, model)
        if model is not None
        else None
    )
    covered: list[int] = []
    missed: list[int] = []
    matched: list[str] = []
    evidence: list[str] = []
    credits: list[float] = []
    for index, term in enumerate(terms):
        judgement = judged[index] if judged is not None else None
        if term is not None:
            credits.append(1.0)
            covered.append(index)
            matched.append(term)
            evidence.append(_term_evidence(answer, compiled, index))
        elif judgement is not None and judgement.credit >= COVERED_CREDIT:
            credits.append(judgement.credit)
            covered.append(index)
            matched.append("")
            evidence.append(judgement.evidence)
        else:
            credits.append(judgement.credit if judgement is not None else 0.0)
            missed.append(index)
    score = coverage_score(sum(credits), key_points)
    if model is not None and not covered:
        context = " ".join([question, *(kp.point for kp in key_points)])
        score = min(1.0, score + TOPICAL_BONUS * topicality(answer, context, model))
    if is_bare_list(answer):
        score *= BARE_LIST_SHARE
    return Grade(
        score,
        tuple(covered),
        tuple(missed),
        tuple(matched),
        tuple(evidence),
        tuple(credits),
    )


def coverage_score(credit: float, key_points: Sequence[KeyPoint]) -> float:
    """The score for `credit` points' worth of coverage (see `Grade.score`), without the
    topical bonus."""
    required = sum(1 for kp in key_points if not kp.optional) or len(key_points)
    return min(1.0, credit / required) if required else 0.0


def warm_up() -> bool:
    """Read the embeddings and the Chinese glossary now rather than at the first answer;
    False if the embeddings are unavailable."""
    glossing.load()
    return embedding.load() is not None


def _matched_terms(compiled: Compiled, text: Text) -> list[str | None]:
    """For each point, its first term (in deck order) found in the answer, or None."""
    memo: Memo = {}
    found: list[str | None] = []
    for terms in compiled.points:
        found.append(next((term.text for term in terms if term_matches(term, text, memo)), None))
    return found


def _term_evidence(answer: str, compiled: Compiled, index: int) -> str:
    """The clause of `answer` in which one of the point's terms appears (the whole answer
    when the term spans clauses)."""
    for start, end in clause_spans(answer):
        clause = analyse(answer[start:end])
        memo: Memo = {}
        if any(term_matches(term, clause, memo) for term in compiled.points[index]):
            return answer[start:end].strip()
    return answer.strip()
