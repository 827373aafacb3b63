"""Is an answer a bare list of terms ("GPT BERT transformer attention tokens")?

A learner who strings field words together without saying anything about them has not
answered, yet each word can sit close to a key point: by meaning (the embeddings of
"attention tokens" lean towards "longer context") and sometimes by a hand-written term.
The grader therefore gives such an answer a share of its credit only (see
`bot.engine.grading`).

An answer counts as a bare list when it holds at least `MIN_ITEMS` words or terms, all
separated by spaces only (no comma, full stop, plus sign, bracket or other punctuation
between them), and not one word that builds a statement: no article, preposition,
conjunction, auxiliary, modal or pronoun in English, no particle, copula, preposition or
common verb in Chinese. Terse real answers have one or the other: "Better metrics (F1,
PR-AUC), resampling, weighted loss" is punctuated, "用 RAG 检索外部知识" has 用; a string
of names has neither. (A hyphen or slash inside a term, `top-p`, `pub/sub`, is part of
the term.)
"""

from __future__ import annotations

import re
import unicodedata

from bot.decks.matching import CJK

__all__ = ["MIN_ITEMS", "is_bare_list"]

MIN_ITEMS = 4
"""Fewer words than this are a short answer, not a list (`p99 and p95`: 3)."""

_PUNCTUATED = re.compile(r"[^\w\s]|_")
"""Any punctuation mark (hyphens and slashes inside terms are removed first)."""
_INSIDE_TERM = re.compile(r"(?<=\w)[-/.'](?=\w)")
_LATIN = re.compile(rf"[^\W_{CJK}]+")
_CJK_RUN = re.compile(rf"[{CJK}]+")
_ENGLISH_STATEMENT_WORDS = (
    "a an the this that these those it its they them their there here we you i he she "
    "is are was were be been being am do does did done has have had having "
    "can could will would shall should may might must not no never "
    "to of in on at by for with from into onto over under about as than then so if "
    "across against between through via per within without among toward towards like "
    "during above below upon when while because since after before until unless whether "
    "and or but nor yet also only just more less most least very too "
    "what which who whom whose where why how all each every both either neither some any "
    "one ones"
)
_STATEMENT_WORDS = frozenset(_ENGLISH_STATEMENT_WORDS.split())
"""English words that make a string of words a statement."""
_STATEMENT_CHARS = frozenset(
    "的了是在和与或把被让会能要就都也很更最不没有用做对给从向到比而但如果因为所以可以需要得地着过吗呢吧"
)
"""Chinese characters that make a run of characters a statement (particles, copula,
prepositions, negation, modal and common verbs)."""


def is_bare_list(answer: str) -> bool:
    """Whether `answer` is terms separated by spaces, without a single statement word."""
    text = unicodedata.normalize("NFKC", answer).casefold().strip()
    if _PUNCTUATED.search(_INSIDE_TERM.sub("", text)):
        return False
    runs = _CJK_RUN.findall(text)
    words = _LATIN.findall(_CJK_RUN.sub(" ", text))
    if len(runs) + len(words) < MIN_ITEMS:
        return False
    if any(word in _STATEMENT_WORDS for word in words):
        return False
    return not any(char in _STATEMENT_CHARS for run in runs for char in run)
