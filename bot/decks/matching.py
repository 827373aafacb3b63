"""A key point's hand-written ``match`` terms found in a text: the deck format's matching
rule, the grader's first layer (`bot.engine.grading`) and what the notes importer checks
its drafted terms against (`echo_only_points`).

A key point is covered here when any one of its terms really appears in the answer.
Matching is forgiving about form and strict about substance:

* Text is compared after NFKC (full-width letters and digits become ASCII), case folding
  and accent stripping; punctuation only separates words.
* Simple plurals do not matter: both sides are reduced to a crude stem (``outliers`` and
  ``outlier``, ``latencies`` and ``latency``, ``indexes``/``indices`` and ``index``,
  ``biases`` and ``bias``, ``GPUs`` and ``GPU``).
* Small typos still match (rapidfuzz edit distances on the singular forms): a missing,
  extra or swapped letter in a word of 5 or 6 characters; any one edit (optimal string
  alignment, so a swap of neighbours is one edit) up to 9 characters; two edits beyond.
  A substituted letter in a short word is not a typo (model/modal, drift/draft), the first
  letter must be right, and a word of at most 4 characters (``p99``, ``GPU``, ``CSV``) or
  one containing a digit must match exactly, as a whole word.
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

Matching is pure and fast: each key-point list is compiled once (cached on its terms and
the question), and an answer is tokenized once per call.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, Indel

from bot.decks.model import KeyPoint

__all__ = [
    "CJK",
    "Compiled",
    "Memo",
    "Term",
    "Text",
    "analyse",
    "compile_points",
    "is_echo",
    "normalize",
    "strip_accents",
    "term_matches",
    "word_forms",
]

# Han, kana and Hangul: scripts written without spaces between words.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002fa1f"
# A run of CJK characters, or a run of other letters and digits (group 1 is the CJK run).
_TOKEN = re.compile(rf"([{CJK}]+)|([^\W_{CJK}]+)")
# ASCII text after case folding: letters and digits stay, everything else separates words.
_ASCII_WORDS = bytes(c if chr(c).isascii() and chr(c).isalnum() else 0x20 for c in range(256))
_HAS_CJK = re.compile(rf"[{CJK}]")
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


# --- normalization ----------------------------------------------------------------------


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def strip_accents(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped) or word


def _singular(word: str) -> str:
    """The word without a plural `s` (`outliers` -> `outlier`, `batches` -> `batche`)."""
    irregular = _IRREGULAR.get(word)
    if irregular is not None:
        return irregular
    if (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "is", "ias"))
        and not (word.endswith("us") and len(word) > 4)
    ):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def word_forms(word: str) -> tuple[str, str]:
    """(singular, stem) of a normalized word.

    The stem is the same for a word and its simple plural (`latencies` and `latency` ->
    `latenci`, `biases` and `bias` -> `bias`); exact matching compares stems. Fuzzy
    matching compares singulars, which stay close to what was typed.
    """
    if _HAS_DIGIT.search(word):
        return word, word
    singular = _singular(word)
    stem = singular
    if len(stem) > 3 and stem.endswith("e"):
        stem = stem[:-1]
    if len(stem) > 3 and stem.endswith("y"):
        stem = stem[:-1] + "i"
    return singular, stem


def _close(term: str, candidate: str) -> bool:
    """Whether `candidate` is `term` with a small typo (both singulars, not equal).

    The first letter must agree, and the shorter word decides the allowance: up to 4
    characters nothing; 5 or 6 one missing, extra or swapped letter (not a substituted
    one, which too often makes another real word: model/modal, drift/draft); up to 9 one
    edit; longer two.
    """
    if term[0] != candidate[0]:
        return False
    shorter = min(len(term), len(candidate))
    if shorter <= SHORT_TERM_MAX:
        return False
    gap = abs(len(term) - len(candidate))
    if shorter <= 6:
        if gap == 1:
            return Indel.distance(term, candidate, score_cutoff=1) <= 1
        return (
            gap == 0
            and sorted(term) == sorted(candidate)
            and (OSA.distance(term, candidate, score_cutoff=1) <= 1)
        )
    budget = 1 if shorter <= 9 else 2
    return gap <= budget and OSA.distance(term, candidate, score_cutoff=budget) <= budget


@dataclass(slots=True)
class Text:
    """An answer or question, tokenized once for every term."""

    raws: list[str]
    """Each token as normalized; a CJK run is one token (an empty string here)."""
    runs: list[str]
    """The CJK runs, in order."""
    stems: dict[str, list[int]]
    """Latin stem -> where it occurs."""
    singular_at: dict[str, list[int]]
    """Latin singular -> where it occurs."""
    by_initial: dict[str, list[str]]
    """First letter -> distinct Latin singulars without digits (typo candidates)."""
    starts: dict[str, list[int]]
    """First letter -> positions of Latin tokens starting with it."""
    compact_form: str | None = None
    units_set: frozenset[str] | None = None

    @property
    def compact(self) -> str:
        """Stems and CJK runs, a space only between two Latin tokens (for CJK terms)."""
        if self.compact_form is None:
            pieces: list[str] = []
            runs = iter(self.runs)
            previous_latin = False
            for raw in self.raws:
                if raw:
                    if previous_latin:
                        pieces.append(" ")
                    pieces.append(word_forms(raw)[1])
                else:
                    pieces.append(next(runs))
                previous_latin = bool(raw)
            self.compact_form = "".join(pieces)
        return self.compact_form

    @property
    def units(self) -> frozenset[str]:
        """Latin stems and CJK character pairs (what an echo is measured in)."""
        if self.units_set is None:
            units = set(self.stems)
            for run in self.runs:
                units.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
            self.units_set = frozenset(units)
        return self.units_set


def analyse(text: str) -> Text:
    normalized = normalize(text)
    raws: list[str] = []
    runs: list[str] = []
    raw_at: dict[str, list[int]] = {}
    if normalized.isascii():  # the common case, several times faster than the regex
        raws = normalized.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
        for position, word in enumerate(raws):
            seen = raw_at.get(word)
            if seen is None:
                raw_at[word] = [position]
            else:
                seen.append(position)
    else:
        for position, (run, word) in enumerate(_TOKEN.findall(normalized)):
            if run:
                raws.append("")
                runs.append(run)
                continue
            word = strip_accents(word)
            raws.append(word)
            seen = raw_at.get(word)
            if seen is None:
                raw_at[word] = [position]
            else:
                seen.append(position)
    stems: dict[str, list[int]] = {}
    singular_at: dict[str, list[int]] = {}
    by_initial: dict[str, list[str]] = {}
    starts: dict[str, list[int]] = {}
    for word, places in raw_at.items():
        singular, stem = word_forms(word)
        stems.setdefault(stem, []).extend(places)
        known = singular_at.get(singular)
        if known is None:
            singular_at[singular] = list(places)
            if not _HAS_DIGIT.search(singular):
                by_initial.setdefault(singular[0], []).append(singular)
        else:
            known.extend(places)
        starts.setdefault(word[0], []).extend(places)
    return Text(raws, runs, stems, singular_at, by_initial, starts)


def is_echo(answer: Text, question: Text | None) -> bool:
    if question is None:
        return False
    units = answer.units
    return len(units & question.units) >= ECHO_SHARE * len(units)


# --- compiled terms ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Word:
    stem: str
    singular: str
    fuzzy: bool
    """Typos allowed: longer than SHORT_TERM_MAX and no digits."""


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    """As written in the deck (reported in Grade.matched_terms)."""
    words: tuple[_Word, ...]
    """Latin mode: the term's words, matched as a phrase."""
    joined: str
    """Latin mode: the words closed up (the last one singular), for compounds."""
    fuzzy: bool
    """Latin mode: whether a compound may have a typo (no digits in the term)."""
    short_words: tuple[str, ...]
    """Short words that a compound with a typo must still contain exactly."""
    pattern: re.Pattern[str] | None
    """CJK mode: searched in the answer's compact form."""


@dataclass(frozen=True, slots=True)
class Compiled:
    points: tuple[tuple[Term, ...], ...]
    """Each point's usable terms (those not found in the question)."""
    question: Text | None


@lru_cache(maxsize=4096)
def compile_points(points: tuple[tuple[str, ...], ...], question: str) -> Compiled:
    asked = analyse(question) if question.strip() else None
    compiled: list[tuple[Term, ...]] = []
    for terms in points:
        usable: list[Term] = []
        for text in terms:
            term = _compile_term(text)
            if term is None:
                continue
            if asked is not None and term_matches(term, asked, {}):
                continue  # the question says it: not evidence
            usable.append(term)
        compiled.append(tuple(usable))
    return Compiled(tuple(compiled), asked)


def _compile_term(text: str) -> Term | None:
    normalized = normalize(text)
    tokens = [(m.group(1) is not None, m.group()) for m in _TOKEN.finditer(normalized)]
    if not tokens:
        return None  # nothing matchable (punctuation only)
    if any(is_cjk for is_cjk, _ in tokens):
        return Term(text, (), "", False, (), _cjk_pattern(tokens))
    raws = [strip_accents(token) for _, token in tokens]
    words: list[_Word] = []
    for raw in raws:
        singular, stem = word_forms(raw)
        fuzzy = len(raw) > SHORT_TERM_MAX and not _HAS_DIGIT.search(raw)
        words.append(_Word(stem, singular, fuzzy))
    return Term(
        text=text,
        words=tuple(words),
        joined="".join(raws[:-1]) + words[-1].singular,
        fuzzy=not any(_HAS_DIGIT.search(raw) for raw in raws),
        short_words=tuple(raw for raw in raws if len(raw) <= SHORT_TERM_MAX),
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
            pieces.append(word_forms(strip_accents(token))[1])
            previous_latin = True
    compact = "".join(pieces)
    cjk = _HAS_CJK.match
    variants = [re.escape(compact)]
    if sum(1 for c in compact if cjk(c)) >= 3:
        # One extra CJK character between two of the term's CJK characters.
        variants += [
            re.escape(compact[:i]) + f"[{CJK}]" + re.escape(compact[i:])
            for i in range(1, len(compact))
            if cjk(compact[i - 1]) and cjk(compact[i])
        ]
    body = "|".join(variants)
    latin_word = rf"[^\W_{CJK}]"
    before = "" if cjk(compact[0]) else f"(?<!{latin_word})"
    after = "" if cjk(compact[-1]) else f"(?!{latin_word})"
    return re.compile(f"{before}(?:{body}){after}")


# --- matching ---------------------------------------------------------------------------

Memo = dict[_Word, frozenset[int]]


def term_matches(term: Term, text: Text, memo: Memo) -> bool:
    if term.pattern is not None:
        return term.pattern.search(text.compact) is not None
    return _phrase_matches(term, text, memo) or _compound_matches(term, text)


def _word_positions(word: _Word, text: Text, memo: Memo) -> frozenset[int]:
    """Where a term word occurs in `text`: same stem, or its singular with a small typo."""
    found = memo.get(word)
    if found is not None:
        return found
    hits = list(text.stems.get(word.stem, ()))
    if word.fuzzy:
        singular = word.singular
        for candidate in text.by_initial.get(singular[0], ()):
            if (
                abs(len(candidate) - len(singular)) <= 2
                and candidate != singular
                and _close(singular, candidate)
            ):
                hits.extend(text.singular_at[candidate])
    found = frozenset(hits)
    memo[word] = found
    return found


def _phrase_matches(term: Term, text: Text, memo: Memo) -> bool:
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


def _compound_matches(term: Term, text: Text) -> bool:
    """The term's words written closed up or split differently: `realtime`, `data set`."""
    size = len(term.words)
    joined = term.joined
    raws = text.raws
    count = len(raws)
    for start in text.starts.get(joined[0], ()):
        first = raws[start]
        if size > 1 and _compound_is(term, word_forms(first)[0]):
            return True  # closed up into one word
        if len(first) >= len(joined) or not joined.startswith(first):
            continue
        built = first
        for end in range(start + 1, min(start + size + 1, count)):
            raw = raws[end]
            if not raw:
                break  # CJK text
            candidate = built + word_forms(raw)[0]
            if len(candidate) > len(joined) + 2:
                break
            if end - start + 1 != size and _compound_is(term, candidate):
                return True  # split into more (or fewer) words than the term has
            built += raw
    return False


def _compound_is(term: Term, candidate: str) -> bool:
    joined = term.joined
    if candidate == joined:
        return True
    return (
        term.fuzzy
        and abs(len(candidate) - len(joined)) <= 2
        and _close(joined, candidate)
        and all(word in candidate for word in term.short_words)
    )


def echo_only_points(key_points: Sequence[KeyPoint], question: str) -> tuple[int, ...]:
    """Indexes of key points whose terms no answer can match: every term occurs in the
    question (or is punctuation only). Points without terms are not counted.

    Terms the question itself contains are not evidence; a deck check can warn about such
    points, and the notes importer drafts no such term.
    """
    if not key_points:
        return ()
    compiled = compile_points(tuple(tuple(kp.match) for kp in key_points), question)
    return tuple(
        i
        for i, (kp, terms) in enumerate(zip(key_points, compiled.points, strict=True))
        if kp.match and not terms
    )
