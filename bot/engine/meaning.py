"""The grader's second layer: does the answer say a key point's idea, in any words?

Each key point is compared with every stretch of the answer of one to three clauses
(clauses end at `.`, `,`, `;`, `:`, `!`, `?`, a line break, or their CJK forms), and the
best stretch is the point's evidence. Chinese text (points, answers, questions) is first
glossed word by word into English (`bot.engine.glossing`), so the two languages meet on
one measure. Of a word's dictionary senses the gloss takes the one nearest in meaning to
the question and its points as a whole (长 in "更长的上下文" reads "long" next to a point
on context, not "chief"): measured on the grading benchmark, strong answers across
languages under 0.5 went from 8 to 4. Choosing per point instead (each point's nearest
sense) gained nothing more and let answers to other questions pass more often. A point
earns the better of two:

* Meaning: the cosine between the sum of the word-piece vectors of the point and of the
  stretch (static embeddings, `bot.engine.embedding`), both in English or glossed. Words
  that occur in the question (or its gloss) are left out on both sides, so restating the
  question earns nothing and a point is judged on what it adds to the question. The same
  ramp serves both languages: an allowance for what a word-by-word gloss loses (raising
  glossed cosines by 0.05 to 0.1) brought strong Chinese answers to English questions up,
  and answers on other topics too (the importer's paraphrase check failed), so there is
  none. A Chinese point is compared this way only with stretches that have no Chinese:
  against Chinese, two glosses would add their noise, and the characters themselves are
  the better evidence.
* Overlap, for a point written in Chinese (or Japanese, Korean): the share of its
  character pairs (without particles such as 的 and 了) and Latin words, again less the
  question's, that the stretch contains; against a point of several units, one unit in
  common is no evidence (`OVERLAP_LEAST`). No segmentation is needed, and related words
  that share a character (数据不足/数据不够) still count in part.

Before a point and a stretch are compared, each English word is put in the form the
embeddings know whole (`_plain_words`): the word-piece vocabulary spells a capitalised or
inflected word out in fragments far from its meaning ("Boosts" as Bo-ost-s, "modifies" as
mod-ifies), while a gloss gives base forms ("boost", "modify") and points open with a
capital. Measured on the grading benchmark: strong answers under 0.5 went from 3 to 2,
pair order 0.972 to 0.973 (the held-out half unchanged).

A measure becomes credit on a ramp: nothing up to a floor, full credit from a ceiling.
The floors sit above what off-topic answers, gibberish and unrelated buzzwords reach
(measured on the grading check set: cosines of at most 0.32 against the points of a
question they do not answer, mostly under 0.15).

Also here: how on-topic an answer is as a whole (`topicality`, by meaning, Chinese
glossed), which lets a vague but relevant one-liner rank above an off-topic reply
without covering any point.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from bot.decks.matching import CJK, strip_accents, word_forms
from bot.engine import glossing
from bot.engine.embedding import Embeddings, Vectors

__all__ = [
    "PointJudgement",
    "clause_spans",
    "judge_points",
    "ramp",
    "supports",
    "topicality",
]

VECTOR_FLOOR = 0.25
"""Cosine below which a point gets no credit."""
VECTOR_CEILING = 0.50
"""Cosine from which a point gets full credit."""
OVERLAP_FLOOR = 0.05
"""Share of a CJK point's units below which it gets no credit."""
OVERLAP_CEILING = 0.35
"""Share from which a CJK point gets full credit."""
OVERLAP_LEAST = 2
"""Units a stretch must share with a CJK point of `OVERLAP_LEAST_FROM` units or more to
earn any credit: one character pair in common (数据, 模型) is a word of the field, not
evidence of the point (measured: it let an answer on data lakes earn a third of a point on
learnable patterns "in the data")."""
OVERLAP_LEAST_FROM = 4
SUPPORT_COSINE = 0.10
"""`supports`: the least cosine for a stretch to be about a Latin point at all (measured:
instructions aimed at a grader reach 0.02 to 0.08 against real points, terse paraphrases
0.09 to 0.43)."""
SUPPORT_OVERLAP = 0.10
"""`supports`: the least share of a CJK point's units."""
TOPICAL_FLOOR = 0.10
"""Cosine of a whole answer with the question and its points below which the answer is
not on topic at all (measured: gibberish and content-free replies sit under 0.1)."""
TOPICAL_CEILING = 0.60
THIN_SHARE = 0.7
"""A stretch carrying less than this share of a Latin point's meaning (by the summed
lengths of the word pieces, question words left out) has its cosine scaled down in
proportion: "train it well" shares a word with "never train on the future" but says far
too little to cover it. A point glossed from Chinese reads longer than the English that
says the same (every word of the gloss counts, "put into", "make things up"): at 0.8 a
terse English answer to a Chinese question lost a third of a point it had said.
Measured on the grading benchmark, 0.8 to 0.7: strong answers under 0.5 from 1 to 0,
pair order 0.9719 to 0.9732 (the held-out half 0.9651 to 0.9663), answers to other
questions over 0.2 from 9.4 % to 9.5 % (same language) and 6.2 % to 6.4 % (other)."""
WINDOW = 3
"""The most clauses one stretch of evidence spans."""
MAX_CLAUSES = 80
"""Clauses looked at in one answer (a 4096-character message has far fewer in practice)."""

_CLAUSE = re.compile(r"[^.!?;:,\n\r。！？；：，、()（）\[\]]+")
_WORD = re.compile(rf"[^\W_{CJK}]+")
_CJK_RUN = re.compile(rf"[{CJK}]+")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_INFLECTIONS = (
    ("ies", ("y",), 5),
    ("ied", ("y",), 5),
    ("es", ("e", ""), 4),
    ("s", ("",), 4),
    ("ed", ("e", ""), 5),
    ("ing", ("e", ""), 6),
)
"""(suffix, endings that may replace it, shortest word to try): "modifies" -> "modify",
"hides" -> "hide" (not "hid"), "boxes" -> "box", "chunks" -> "chunk", "stored" ->
"store", "caching" -> "cache"."""
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


@dataclass(frozen=True, slots=True)
class _Meaning:
    vector: Vectors
    mass: float
    """Summed lengths of the pieces: how much the text says."""


def ramp(value: float, floor: float, ceiling: float) -> float:
    """0 at or below `floor`, 1 at or above `ceiling`, linear between."""
    return min(1.0, max(0.0, (value - floor) / (ceiling - floor)))


def judge_points(
    answer: str, points: Sequence[str], question: str, model: Embeddings
) -> list[PointJudgement]:
    """For each key point's text, the credit its best stretch of `answer` earns."""
    spans = clause_spans(answer)
    texts = [_nfkc(answer[start:end]) for start, end in spans]
    windows = [
        (first, last)
        for first in range(len(spans))
        for last in range(first, min(first + WINDOW, len(spans)))
    ]
    pick = _picker(" ".join([question, *points]), model)
    targets = [_point(point, question, pick, model) for point in points]
    best: list[tuple[float, tuple[int, int] | None]] = [(0.0, None)] * len(points)
    cosines, by_meaning = _cosines(texts, windows, points, targets, question, pick, model)
    for column, k in enumerate(by_meaning):
        row = int(np.argmax(cosines[:, column]))
        credit = ramp(float(cosines[row, column]), VECTOR_FLOOR, VECTOR_CEILING)
        best[k] = (credit, windows[row])
    by_overlap = [k for k, target in enumerate(targets) if isinstance(target, frozenset)]
    if by_overlap and windows:
        clause_units = [_units(text) for text in texts]
        for first, last in windows:
            units = frozenset().union(*clause_units[first : last + 1])
            for k in by_overlap:
                target = targets[k]
                assert isinstance(target, frozenset)
                if target and units:
                    shared = len(target & units)
                    if shared < OVERLAP_LEAST and len(target) >= OVERLAP_LEAST_FROM:
                        continue
                    share = ramp(shared / len(target), OVERLAP_FLOOR, OVERLAP_CEILING)
                    if share > best[k][0]:
                        best[k] = (share, (first, last))
    judged: list[PointJudgement] = []
    for credit, window in best:
        evidence = ""
        if credit > 0 and window is not None:
            evidence = answer[spans[window[0]][0] : spans[window[1]][1]].strip()
        judged.append(PointJudgement(credit, evidence))
    return judged


def _cosines(
    texts: list[str],
    windows: list[tuple[int, int]],
    points: Sequence[str],
    targets: list[frozenset[str] | _Meaning | None],
    question: str,
    pick: glossing.Pick | None,
    model: Embeddings,
) -> tuple[Vectors, list[int]]:
    """The cosine of each window of clauses (rows) with each point judged by meaning
    (columns; their indexes second), Chinese glossed with `pick`'s senses."""
    meanings = [_point_meaning(point, question, pick, model) for point in points]
    by_meaning = [k for k, meaning in enumerate(meanings) if meaning is not None]
    if not by_meaning or not windows:
        return np.zeros((len(windows), 0), dtype=np.float32), []
    english = [_plain_words(_english(text, pick), model) for text in texts]
    vectors, masses = _window_vectors(english, windows, _question_words(question, pick), model)
    chosen = [meanings[k] for k in by_meaning]
    cosines = vectors @ np.stack([m.vector for m in chosen]).T  # type: ignore[union-attr]
    wanted = np.array([THIN_SHARE * m.mass for m in chosen])  # type: ignore[union-attr]
    cosines *= np.minimum(1.0, masses[:, None] / np.maximum(wanted[None, :], 1e-6))
    glossed = _glossed(texts, windows)[:, None]
    chinese = np.array([isinstance(targets[k], frozenset) for k in by_meaning])[None, :]
    cosines[glossed & chinese] = 0.0  # Chinese against Chinese: by characters, instead
    return cosines, by_meaning


def _glossed(texts: list[str], windows: list[tuple[int, int]]) -> npt.NDArray[np.bool_]:
    """For each window of clauses, whether any of its clauses is (partly) CJK."""
    cjk = np.fromiter((bool(_HAS_CJK.search(text)) for text in texts), dtype=np.intp)
    running = np.concatenate([[0], np.cumsum(cjk)])
    return np.array([running[last + 1] > running[first] for first, last in windows])


def supports(text: str, point: str, question: str, model: Embeddings) -> bool:
    """Whether `text`, taken as one stretch, is about `point` at all (a low bar, for
    checking a quote that someone else says covers the point)."""
    pick = _picker(" ".join([question, point]), model)
    target = _point(point, question, pick, model)
    if isinstance(target, frozenset):
        return bool(target) and len(target & _units(_nfkc(text))) / len(target) >= SUPPORT_OVERLAP
    if target is None:
        return False
    said = _plain_words(_english(_nfkc(text), pick), model)
    vectors, _ = _window_vectors([said], [(0, 0)], _question_words(question, pick), model)
    return float(vectors[0] @ target.vector) >= SUPPORT_COSINE


def _window_vectors(
    texts: list[str],
    windows: list[tuple[int, int]],
    asked: frozenset[str],
    model: Embeddings,
) -> tuple[Vectors, Vectors]:
    """One unit vector per window of clauses (zeros for a window with no content words),
    and each window's mass (how much it says)."""
    dimensions = model.vectors.shape[1]
    clauses = np.zeros((len(texts) + 1, dimensions), dtype=np.float32)
    mass = np.zeros(len(texts) + 1, dtype=np.float32)
    for index, (text, (ids, offsets)) in enumerate(zip(texts, model.pieces_of(texts), strict=True)):
        meaning = _content_vector(text, ids, offsets, asked, model)
        if meaning is not None:
            clauses[index + 1] = meaning.vector
            mass[index + 1] = meaning.mass
    running = np.cumsum(clauses, axis=0)
    running_mass = np.cumsum(mass)
    firsts = np.fromiter((first for first, _ in windows), dtype=np.intp, count=len(windows))
    lasts = np.fromiter((last for _, last in windows), dtype=np.intp, count=len(windows))
    sums = running[lasts + 1] - running[firsts]
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    units = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 1e-6)
    return units, running_mass[lasts + 1] - running_mass[firsts]


def topicality(answer: str, context: str, model: Embeddings) -> float:
    """0.0 to 1.0: how much `answer` as a whole is about `context` (question and points)."""
    vector = _unit(model.sum_of(model.pieces(_english(_nfkc(answer), _picker(context, model)))[0]))
    about = _context_vector(context, model)
    if vector is None or about is None:
        return 0.0
    return ramp(float(vector @ about), TOPICAL_FLOOR, TOPICAL_CEILING)


# --- answers --------------------------------------------------------------------------


def clause_spans(answer: str) -> list[tuple[int, int]]:
    """Where each clause of `answer` stands (blank ones left out)."""
    spans = [m.span() for m in _CLAUSE.finditer(answer) if m.group().strip()]
    return spans[:MAX_CLAUSES]


def _content_vector(
    text: str,
    ids: list[int],
    offsets: list[tuple[int, int]],
    asked: frozenset[str],
    model: Embeddings,
) -> _Meaning | None:
    """Sum and mass of the pieces (`ids` at `offsets` in `text`) of its Latin words that
    are not the question's."""
    words = [(m.start(), m.end(), _stem(m.group())) for m in _WORD.finditer(text)]
    if not words:
        return None
    starts = [start for start, _, _ in words]
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
    return _Meaning(model.sum_of(kept), model.mass_of(kept))


# --- key points and questions ---------------------------------------------------------


@lru_cache(maxsize=8192)
def _point(
    point: str, question: str, pick: glossing.Pick | None, model: Embeddings
) -> frozenset[str] | _Meaning | None:
    """What a point is compared by: its units if it is CJK, else its meaning (with a unit
    vector)."""
    text = _nfkc(point)
    if _HAS_CJK.search(text):
        units = _units(text)
        return (units - _units(_nfkc(question))) or units
    return _point_meaning(point, question, pick, model)


@lru_cache(maxsize=8192)
def _point_meaning(
    point: str, question: str, pick: glossing.Pick | None, model: Embeddings
) -> _Meaning | None:
    """A point's meaning, in English (a CJK point through its gloss), with a unit vector;
    None when it says nothing the embeddings know."""
    text = _plain_words(_english(_nfkc(point), pick), model)
    ids, offsets = model.pieces(text)
    meaning = _content_vector(text, ids, offsets, _question_words(question, pick), model)
    if meaning is None:  # the point only restates the question: judge it whole
        meaning = _content_vector(text, ids, offsets, frozenset(), model)
    vector = _unit(meaning.vector) if meaning is not None else None
    return _Meaning(vector, meaning.mass) if meaning is not None and vector is not None else None


@lru_cache(maxsize=4096)
def _question_words(question: str, pick: glossing.Pick | None) -> frozenset[str]:
    text = _nfkc(question)
    return frozenset(_stem(word) for word in _WORD.findall(f"{text} {_english(text, pick)}"))


def _english(text: str, pick: glossing.Pick | None = None) -> str:
    """`text` with its CJK words glossed in English (as it is when no glossary loads),
    each word in its main sense or the one `pick` chooses."""
    glossary = glossing.load()
    return glossing.gloss(text, glossary, pick) if glossary is not None else text


@lru_cache(maxsize=1024)
def _picker(topic: str, model: Embeddings) -> glossing.Pick | None:
    """Chooses, among a word's senses, the one nearest in meaning to `topic` (a question
    and its points, glossed in main senses); None when the topic says nothing known."""
    about = _context_vector(topic, model)
    if about is None:
        return None

    def pick(senses: tuple[str, ...]) -> str:
        nearness = np.stack([_sense_vector(sense, model) for sense in senses]) @ about
        return senses[int(np.argmax(nearness))]  # on a tie, the first: the main sense

    return pick


@lru_cache(maxsize=32768)
def _sense_vector(sense: str, model: Embeddings) -> Vectors:
    vector = _unit(model.sum_of(model.pieces(sense)[0]))
    return vector if vector is not None else np.zeros(model.vectors.shape[1], dtype=np.float32)


@lru_cache(maxsize=4096)
def _context_vector(context: str, model: Embeddings) -> Vectors | None:
    return _unit(model.sum_of(model.pieces(_english(_nfkc(context)))[0]))


# --- text -----------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def _plain_words(text: str, model: Embeddings) -> str:
    """`text` with each English word in the form the embeddings know whole: a capitalised
    word in lower case, an inflected one as its base ("Boosts" is spelled out as the
    pieces Bo-ost-s, far from "boost"; "modifies" as mod-ifies, far from "modify"), when
    that form is one piece of the vocabulary. Acronyms (RAG, BLEU) stay as they are."""
    return _LATIN_WORD.sub(lambda word: _plain_word(word.group(), model), text)


@lru_cache(maxsize=65536)
def _plain_word(word: str, model: Embeddings) -> str:
    if word[0].isupper() and word[1:].islower():
        word = word.lower()
    if model.is_piece(word):
        return word
    return next((base for base in _bases(word) if model.is_piece(base)), word)


def _bases(word: str) -> Iterator[str]:
    """Candidate base forms of an English word, most likely first."""
    for suffix, replacements, shortest in _INFLECTIONS:
        if word.endswith(suffix) and len(word) >= shortest:
            stem = word[: -len(suffix)]
            yield from (stem + ending for ending in replacements)


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
