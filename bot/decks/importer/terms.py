"""Match terms for a drafted key point: the words that show an answer made that point.

A term is only useful to the grader when a learner who makes the point is likely to use
it and a learner who does not is unlikely to, so terms are chosen from one answer line by
how distinctive they are:

1. bold text and a leading label ("**Fault tolerance** → ...", "KV Cache：..."), the
   phrases the notes' author marked as the point's name;
2. abbreviations and short English names in brackets ("(SFT)", "召回层（Retrieval）"),
   and words with capitals or digits (LoRA, BM25, 8-bit);
3. single words that are rare elsewhere in the deck (`DeckVocabulary`): English content
   words, and Chinese words cut by `jieba`'s dictionary (real words, not character slices).

Words of the question are never terms: the grader ignores what the question already says
(it uses the same test, `bot.decks.matching.echo_only_points`).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from bot.decks.importer.markdown import KEYCAP, LIST_MARKER, detect_language, plain_text
from bot.decks.matching import echo_only_points
from bot.decks.model import KeyPoint

MAX_MATCH_TERMS = 4
RARE_SHARE = 0.08
"""A word is rare when at most this share of the deck's other questions use it (or one)."""

_STOPWORD_TEXT = """
    a about above after again against all also although am an and any are around as at be
    because been before being below between both but by can cannot could did do does doing
    down during each either else even every few for from further get gets getting had has
    have having he her here hers him his how however i if in into is it its itself just
    less like made make makes making many may might more most much must my no nor not now
    of off often on once one only or other others our out over own per rather really same
    she should since so some still such than that the their them then there these they
    this those through thus to too under until up upon us use used uses using very via
    was we well were what when where whether which while who whom whose why will with
    within without would yet you your
    allow allows allowing based better different ensure ensures ensuring especially help
    helps helping important instead large larger lead leads level like likely lower higher
    means multiple need needs needed provide provides several significant significantly
    something specific various ways without example examples key difference differences
    advantage advantages insight insights consideration considerations challenge challenges
    solution solutions benefit benefits risk risks note notes tip tips summary answer case
    cases use system systems model models approach approaches problem problems main
    first second third often always never good bad able keep keeps kept give gives given
    take takes taken become becomes work works small smaller big bigger less least new
    time times thing things part parts step steps way whole real actually simply
    show shows shown little alone happen happens change changes changed fill respond
    faster slower prefer written write writes send sends catch catches compute computed
    otherwise available information carry carries replace replaced technique techniques
    strategy strategies method methods factor factors tool tools option options
    usually typically generally mostly quickly easily directly together already again
    want wants know knows look looks find finds found call called put puts run runs
    enough data dataset datasets train trains trained training prediction predictions
    predict predicts performance improve improves improved production good
    metric metrics improvement improvements pros cons high low deep full extra fast slow
    late early ones result results pass live short long test tests useful correct
    essentially later appear appears
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
"""Function words, and words too generic in study notes to show an idea was covered."""

_CJK_STOPWORD_TEXT = """
    可以 可能 需要 进行 通过 以及 或者 而非 而是 但是 因为 所以 如果 并且 对于 比如 例如 什么
    时候 应该 这个 那个 一个 我们 你们 他们 提到 举例 存在 适用 适用于 用于 使用 导致 具有 包括
    结合 没有 有没有 是否 如何 怎么 怎样 为什么 不是 就是 还是 然后 最后 首先 其次 之后 之前
    以上 以下 比较 非常 更加 一些 这些 那些 其中 同时 时候 问题 方法 方式 情况 能够 一定 已经
    主要 重要 不同 相同 一起 加分 回答 答案 要点 面试 面试官 看看 先看 再看 进一步 为了 由于
    容易 引入 每个 适合 保证 避免 多个 同一个 加大 层面 先用 提高 减少 增加 其他 任何 所有
    系统 足够 数据 模型 训练 性能 效果
"""
_CJK_STOPWORDS = frozenset(_CJK_STOPWORD_TEXT.split())
_CJK_SUFFIXES = frozenset("率性化器量度值类法层")
"""One-character suffixes that belong to the word before them (召回 + 率 = 召回率)."""
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#'’.-]*[A-Za-z0-9+#]|[A-Za-z]")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_PAREN = re.compile(r"[(（]([^()（）]{2,40})[)）]")
_LABEL = re.compile(r"^(.{2,40}?)\s*(?:[:：]|→|->|—)\s*\S")
_NAME_BEFORE_PAREN = re.compile(r"^((?:[A-Z0-9][\w-]*\s?){1,3})\s*[(（]")
_GENERIC_LABEL_WORDS = STOPWORDS | {"e.g", "eg", "vs", "1", "2", "3", "4", "5"}


@cache
def _segmenter() -> Callable[[str], list[str]]:
    """jieba's word cutter, loaded once (its dictionary ships inside the package)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba imports pkg_resources where it exists
        import jieba

    jieba.setLogLevel(logging.CRITICAL)  # it logs its dictionary loading to stderr
    return lambda text: jieba.lcut(text, HMM=False)


def chinese_words(text: str) -> list[str]:
    """The Chinese words of `text` (two characters or more, no function words), in order."""
    words: list[str] = []
    for run in _CJK_RUN.findall(text):
        pieces = _segmenter()(run)
        merged: list[str] = []
        for piece in pieces:
            if merged and len(piece) == 1 and piece in _CJK_SUFFIXES and len(merged[-1]) >= 2:
                merged[-1] += piece
            else:
                merged.append(piece)
        words.extend(w for w in merged if len(w) >= 2 and w not in _CJK_STOPWORDS)
    return words


def english_words(text: str) -> list[str]:
    return _WORD.findall(text)


def fold(word: str) -> str:
    """A word's comparison form: case folded, a plural or verb ending dropped (crudely)."""
    word = word.casefold().strip("'’.")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    for ending in ("ing", "ed", "es"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _content_words(text: str) -> set[str]:
    english = {fold(w) for w in english_words(text) if w.casefold() not in STOPWORDS}
    return english | set(chinese_words(text))


@dataclass(frozen=True)
class DeckVocabulary:
    """How many of a deck's questions use each word: what makes a word distinctive."""

    documents: int = 0
    frequency: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, texts: Iterable[str]) -> DeckVocabulary:
        """The vocabulary of several questions, each given as its question and answer text."""
        frequency: Counter[str] = Counter()
        documents = 0
        for text in texts:
            documents += 1
            frequency.update(_content_words(text))
        return cls(documents, frequency)

    def elsewhere(self, word: str) -> int:
        """How many other questions use `word` (the one it comes from not counted)."""
        key = word if _CJK_RUN.fullmatch(word) else fold(word)
        return max(0, self.frequency.get(key, 0) - 1)

    def is_rare(self, word: str) -> bool:
        return self.elsewhere(word) <= max(1, RARE_SHARE * max(0, self.documents - 1))


def _is_generic(term: str) -> bool:
    words = [w.casefold() for w in re.findall(r"[A-Za-z0-9.]+", term)]
    has_cjk = bool(_CJK_RUN.search(term))
    return not has_cjk and all(w in _GENERIC_LABEL_WORDS for w in words)


def _phrase(term: str) -> str | None:
    """A bold or label phrase usable as a match term: short, not generic, brackets off."""
    term = plain_text(re.sub(r"\s*[(（].*$", "", term)).strip(" .,;:!?，。；：！？、-—→")
    term = re.sub(r"^(?:a|an|the)\s+", "", term, flags=re.IGNORECASE)
    if not term or _is_generic(term) or len(term) > 32 or len(term.split()) > 4:
        return None
    if re.search(r"[,，、;；]", term):
        return None  # a list, not one name
    return term


def _bracketed(text: str) -> str | None:
    """A bracketed aside as a term ("SFT", "Retrieval"), unless it is Chinese or a list."""
    text = re.sub(
        r"^(?:e\.g\.|i\.e\.|eg|ie|如|例如|比如)[,，:：]?\s*", "", text.strip(), flags=re.I
    )
    if not text or _CJK_RUN.search(text) or re.search(r"[,，、;；]", text):
        return None
    return _phrase(text)


def _is_name(word: str) -> bool:
    """An abbreviation or product-like name: LoRA, BM25, KV, 8-bit, p95."""
    capitals = sum(ch.isupper() for ch in word)
    digits = any(ch.isdigit() for ch in word)
    letters = any(ch.isalpha() for ch in word)
    return (len(word) >= 2 and capitals >= 2) or (digits and letters)


def _in_question(term: str, question: str) -> bool:
    """True when the grader would find `term` in the question (then it proves nothing)."""
    if not question.strip():
        return False
    return bool(echo_only_points((KeyPoint(point=term, match=[term]),), question))


def match_terms(
    line: str,
    avoid: Iterable[str] = (),
    *,
    question: str = "",
    vocabulary: DeckVocabulary | None = None,
) -> list[str]:
    """Up to MAX_MATCH_TERMS distinctive words or phrases of one answer line, best first.

    Phrases the author marked (bold, a leading label), then names and abbreviations, then
    single words rare elsewhere in the deck (`vocabulary`; without it every word counts as
    rare), Chinese words first in a Chinese line. Terms the question contains are never
    chosen; terms already used by an earlier point (`avoid`) only when nothing else is left.
    """
    body = KEYCAP.sub("", LIST_MARKER.sub("", line, count=1))
    plain = plain_text(body)
    chinese = detect_language(plain) == "zh"
    vocabulary = vocabulary or DeckVocabulary()
    rare = vocabulary.is_rare if vocabulary.documents else (lambda _word: True)

    marked = [_phrase(a or b) for a, b in _BOLD.findall(body)]
    label = _LABEL.match(plain) or _NAME_BEFORE_PAREN.match(plain)
    if label:
        marked.append(_phrase(label.group(1)))
    marked += [_bracketed(text) for text in _PAREN.findall(plain)]
    words = english_words(plain)
    names = [w for w in words if _is_name(w)]
    singles = sorted(
        (w for w in words if len(w) >= 4 and w.casefold() not in STOPWORDS and w not in names),
        key=lambda w: (vocabulary.elsewhere(w), -len(w)),
    )
    cjk = sorted(chinese_words(plain), key=lambda w: (vocabulary.elsewhere(w), -len(w)))
    ordered = [*marked, *names, *(cjk + singles if chinese else singles + cjk)]
    single = set(names) | set(singles) | set(cjk)

    candidates: list[str] = []
    for term in ordered:
        if not term or any(term.casefold() == c.casefold() for c in candidates):
            continue
        if term in single and term not in names and not rare(term):
            continue
        if _in_question(term, question):
            continue
        candidates.append(term)
    used = {term.casefold() for term in avoid}

    def pick(allow_used: bool) -> list[str]:
        chosen: list[str] = []
        for term in candidates:
            folded = term.casefold()
            if not allow_used and folded in used:
                continue
            if any(c.casefold() in folded for c in chosen):
                continue  # a longer form of a chosen term adds nothing
            chosen.append(term)
            if len(chosen) == MAX_MATCH_TERMS:
                break
        return chosen

    return pick(False) or pick(True)
