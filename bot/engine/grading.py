"""Grade a free-text answer against a question's key points.

A key point is covered when any one of its ``match`` terms really appears in the answer.
Matching is forgiving about form and strict about substance:

* Text is compared after NFKC (full-width letters and digits become ASCII), case folding
  and accent stripping; punctuation only separates words.
* Simple plurals do not matter: both sides are reduced to a crude stem (``outliers`` and
  ``outlier``, ``latencies`` and ``latency``, ``indexes``/``indices`` and ``index``,
  ``biases`` and ``bias``, ``GPUs`` and ``GPU``).
* Small typos still match: a term word of 5 to 9 characters may be one edit away (optimal
  string alignment, so a swap of two neighbouring letters is one edit), a longer one two.
  The first letter must be right, and a word of at most 4 characters (``p99``, ``GPU``,
  ``CSV``) or one containing a digit must match exactly.
* A multi-word term matches as a phrase over consecutive answer words, each word matched
  as above; written closed up or split (``real time``/``realtime``, ``data set``/``dataset``)
  it still matches.
* A term containing Chinese (or Japanese, Korean) is looked for as a substring of the
  answer with the spaces around CJK text removed, so no word splitting is needed; Latin
  words inside it (``ML 模型``) must stand on word boundaries. A CJK term of three or more
  characters also matches with one extra CJK character inside it (``过拟合``/``过度拟合``).
* A term must really appear. Terms found in the question text itself are not evidence
  (echoing the question proves nothing), and an answer made essentially of the question's
  own words scores 0.

Grading is pure and fast: each key-point list is compiled once (cached on its terms and
the question), and an answer is tokenized once per call.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from bot.decks.model import KeyPoint

__all__ = ["Grade", "echo_only_points", "grade"]

# Han, kana and Hangul: scripts written without spaces between words.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002fa1f"
# A run of CJK characters, or a run of other letters and digits (group 1 is the CJK run).
_TOKEN = re.compile(rf"([{_CJK}]+)|[^\W_{_CJK}]+")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_HAS_DIGIT = re.compile(r"\d")

SHORT_TERM_MAX = 4
"""Term words of at most this many characters must match exactly."""
ECHO_SHARE = 0.8
"""An answer whose distinct words are at least this share the question's own is an echo."""

# Plurals that the suffix rules below cannot undo.
_IRREGULAR = {
    "indices": "index",
    "matrices": "matrix",
    "vertices": "vertex",
    "appendices": "appendix",
    "analyses": "analysis",
    "hypotheses": "hypothesis",
    "axes": "axis",
    "criteria": "criterion",
}


@dataclass(frozen=True, slots=True)
class Grade:
    """How well an answer covered a question's key points."""

    score: float
    """Covered key points / key points, from 0.0 to 1.0; 0.0 when there are none."""
    covered: tuple[int, ...]
    """Indexes into the key points, in order."""
    missed: tuple[int, ...]
    matched_terms: tuple[str, ...]
    """For each covered point, the term (as written in the deck) that matched."""

    @property
    def gradable(self) -> bool:
        """False when the question has no key points to grade against."""
        return bool(self.covered or self.missed)


def grade(answer: str, key_points: Sequence[KeyPoint], question: str = "") -> Grade:
    """Grade `answer` against `key_points`; `question` is the text the player was asked."""
    if not key_points:
        return Grade(0.0, (), (), ())
    compiled = _compile(tuple(tuple(kp.match) for kp in key_points), question)
    total = len(compiled.points)
    text = _analyse(answer)
    if not text.stems or _is_echo(text, compiled.question):
        return Grade(0.0, (), tuple(range(total)), ())
    memo: dict[tuple[str, int], frozenset[int]] = {}
    covered: list[int] = []
    missed: list[int] = []
    matched: list[str] = []
    for index, terms in enumerate(compiled.points):
        for term in terms:
            if _matches(term, text, memo):
                covered.append(index)
                matched.append(term.text)
                break
        else:
            missed.append(index)
    return Grade(len(covered) / total, tuple(covered), tuple(missed), tuple(matched))


def echo_only_points(key_points: Sequence[KeyPoint], question: str) -> tuple[int, ...]:
    """Indexes of key points that no answer can cover: every term occurs in the question.

    Such terms are not evidence (see the module notes); a deck check can warn about them.
    """
    if not key_points:
        return ()
    compiled = _compile(tuple(tuple(kp.match) for kp in key_points), question)
    return tuple(i for i, terms in enumerate(compiled.points) if not terms)


# --- normalization ----------------------------------------------------------------------


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _strip_accents(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped) or word


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A crude singular stem: the same for a word and its simple plural."""
    if len(word) <= 3 or _HAS_DIGIT.search(word):
        return word
    irregular = _IRREGULAR.get(word)
    if irregular is not None:
        return irregular
    if word.endswith("s") and not (
        word.endswith(("ss", "is", "ias")) or (word.endswith("us") and len(word) > 4)
    ):
        word = word[:-1]
    if len(word) > 3:
        if word.endswith("ie"):
            word = word[:-2] + "y"
        elif word.endswith("e"):
            word = word[:-1]
    return word


def _edit_budget(length: int) -> int:
    """Typos allowed in a term word of `length` characters."""
    if length <= SHORT_TERM_MAX:
        return 0
    return 1 if length <= 9 else 2


@dataclass(slots=True)
class _Text:
    """An answer or question, tokenized once for every term."""

    raws: list[str]
    """Each token as normalized; a CJK run is one token (an empty string here)."""
    stems: list[str]
    positions: dict[str, list[int]]
    """Latin stem -> where it occurs."""
    by_initial: dict[str, list[str]]
    """First letter -> the distinct Latin stems starting with it (fuzzy candidates)."""
    starts: dict[str, list[int]]
    """First letter -> positions of Latin tokens starting with it."""
    compact: str
    """Stems and CJK runs, a space only between two Latin tokens (CJK substring search)."""
    units: frozenset[str]
    """Latin stems and CJK character pairs (what an echo is measured in)."""


def _analyse(text: str) -> _Text:
    normalized = _normalize(text)
    raws: list[str] = []
    stems: list[str] = []
    positions: dict[str, list[int]] = {}
    by_initial: dict[str, list[str]] = {}
    starts: dict[str, list[int]] = {}
    pieces: list[str] = []
    units: set[str] = set()
    previous_latin = False
    for match in _TOKEN.finditer(normalized):
        position = len(stems)
        run = match.group(1)
        if run is not None:
            raws.append("")
            stems.append("")
            pieces.append(run)
            units.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
            previous_latin = False
            continue
        raw = _strip_accents(match.group())
        stem = _stem(raw)
        raws.append(raw)
        stems.append(stem)
        seen = positions.get(stem)
        if seen is None:
            positions[stem] = [position]
            by_initial.setdefault(stem[0], []).append(stem)
        else:
            seen.append(position)
        starts.setdefault(raw[0], []).append(position)
        if previous_latin:
            pieces.append(" ")
        pieces.append(stem)
        units.add(stem)
        previous_latin = True
    return _Text(raws, stems, positions, by_initial, starts, "".join(pieces), frozenset(units))


def _is_echo(answer: _Text, question: _Text | None) -> bool:
    if question is None or not answer.units:
        return False
    shared = len(answer.units & question.units)
    return shared >= ECHO_SHARE * len(answer.units)


# --- compiled terms ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    """As written in the deck (reported in Grade.matched_terms)."""
    words: tuple[tuple[str, int], ...]
    """Latin mode: each word's stem and typo budget."""
    joined: str
    """Latin mode: the words closed up (all but the last unstemmed), for compounds."""
    joined_budget: int
    short_words: tuple[str, ...]
    """Short words that a fuzzy compound must still contain exactly."""
    pattern: re.Pattern[str] | None
    """CJK mode: searched in the answer's compact form."""


@dataclass(frozen=True, slots=True)
class _Compiled:
    points: tuple[tuple[_Term, ...], ...]
    """Each point's usable terms (those not found in the question)."""
    question: _Text | None


@lru_cache(maxsize=4096)
def _compile(points: tuple[tuple[str, ...], ...], question: str) -> _Compiled:
    asked = _analyse(question) if question.strip() else None
    compiled: list[tuple[_Term, ...]] = []
    for terms in points:
        usable: list[_Term] = []
        for text in terms:
            term = _compile_term(text)
            if term is None:
                continue
            if asked is not None and _matches(term, asked, {}):
                continue  # the question says it: not evidence
            usable.append(term)
        compiled.append(tuple(usable))
    return _Compiled(tuple(compiled), asked)


def _compile_term(text: str) -> _Term | None:
    normalized = _normalize(text)
    tokens = [(m.group(1) is not None, m.group()) for m in _TOKEN.finditer(normalized)]
    if not tokens:
        return None  # nothing matchable (punctuation only)
    if any(is_cjk for is_cjk, _ in tokens):
        return _Term(text, (), "", 0, (), _cjk_pattern(tokens))
    raws = [_strip_accents(token) for _, token in tokens]
    words = tuple(
        (_stem(raw), 0 if _HAS_DIGIT.search(raw) else _edit_budget(len(raw))) for raw in raws
    )
    joined = "".join(raws[:-1]) + words[-1][0]
    has_digit = any(_HAS_DIGIT.search(raw) for raw in raws)
    return _Term(
        text=text,
        words=words,
        joined=joined,
        joined_budget=0 if has_digit else _edit_budget(len(joined)),
        short_words=tuple(
            stem for (stem, _), raw in zip(words, raws, strict=True) if len(raw) <= SHORT_TERM_MAX
        ),
        pattern=None,
    )


def _cjk_pattern(tokens: list[tuple[bool, str]]) -> re.Pattern[str]:
    pieces: list[str] = []
    previous_latin = False
    for is_cjk, token in tokens:
        if is_cjk:
            pieces.append(token)
            previous_latin = False
        else:
            if previous_latin:
                pieces.append(" ")
            pieces.append(_stem(_strip_accents(token)))
            previous_latin = True
    compact = "".join(pieces)
    cjk = _HAS_CJK.match
    variants = [re.escape(compact)]
    if sum(1 for c in compact if cjk(c)) >= 3:
        # One extra CJK character between two of the term's CJK characters.
        variants += [
            re.escape(compact[:i]) + f"[{_CJK}]" + re.escape(compact[i:])
            for i in range(1, len(compact))
            if cjk(compact[i - 1]) and cjk(compact[i])
        ]
    body = "|".join(variants)
    latin_word = rf"[^\W_{_CJK}]"
    before = "" if cjk(compact[0]) else f"(?<!{latin_word})"
    after = "" if cjk(compact[-1]) else f"(?!{latin_word})"
    return re.compile(f"{before}(?:{body}){after}")


# --- matching ---------------------------------------------------------------------------


def _matches(term: _Term, text: _Text, memo: dict[tuple[str, int], frozenset[int]]) -> bool:
    if term.pattern is not None:
        return term.pattern.search(text.compact) is not None
    return _phrase_matches(term, text, memo) or _compound_matches(term, text)


def _word_positions(
    word: tuple[str, int], text: _Text, memo: dict[tuple[str, int], frozenset[int]]
) -> frozenset[int]:
    """Where a term word occurs in `text`, exactly or within its typo budget."""
    found = memo.get(word)
    if found is not None:
        return found
    stem, budget = word
    hits = list(text.positions.get(stem, ()))
    if budget:
        length = len(stem)
        for candidate in text.by_initial.get(stem[0], ()):
            if (
                candidate != stem
                and abs(len(candidate) - length) <= budget
                and OSA.distance(stem, candidate, score_cutoff=budget) <= budget
                and not _HAS_DIGIT.search(candidate)
            ):
                hits.extend(text.positions[candidate])
    found = frozenset(hits)
    memo[word] = found
    return found


def _phrase_matches(term: _Term, text: _Text, memo: dict[tuple[str, int], frozenset[int]]) -> bool:
    first = _word_positions(term.words[0], text, memo)
    if not first:
        return False
    rest: list[frozenset[int]] = []
    for word in term.words[1:]:
        hits = _word_positions(word, text, memo)
        if not hits:
            return False
        rest.append(hits)
    return any(all(p + i in hits for i, hits in enumerate(rest, 1)) for p in first)


def _compound_matches(term: _Term, text: _Text) -> bool:
    """The term's words written closed up or split differently: `realtime`, `data set`."""
    size = len(term.words)
    joined = term.joined
    budget = term.joined_budget
    raws, stems = text.raws, text.stems
    count = len(stems)
    for start in text.starts.get(joined[0], ()):
        built = ""
        for width in range(1, size + 2):
            end = start + width
            if end > count or not stems[end - 1]:
                break  # past the end, or into CJK text
            candidate = built + stems[end - 1]
            built += raws[end - 1]
            if width == size:
                continue  # same split as the term: the phrase match decides
            if len(candidate) > len(joined) + budget:
                break
            if candidate == joined:
                return True
            if (
                budget
                and abs(len(candidate) - len(joined)) <= budget
                and OSA.distance(candidate, joined, score_cutoff=budget) <= budget
                and all(word in candidate for word in term.short_words)
            ):
                return True
    return False
