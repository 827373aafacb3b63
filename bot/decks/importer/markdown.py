"""Markdown line shapes of study notes, and text cleanup shared by the importer's steps.

`plain_text` reduces inline markdown to its words (no emphasis, emoji or extra spaces),
`clean_question` drops a question's markers and numbering, `normalize_question` gives the
form used to spot a repeated question, and `detect_language` tells Chinese from English.
"""

from __future__ import annotations

import re
import unicodedata

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
EMPHASIS = re.compile(r"\*\*|__")
_NUMBERING = re.compile(
    r"^(?:"
    r"(?:q|question|问题|面试官问|问)\s*\d*\s*[:：.、)）\-–—]"
    r"|(?:q|question)\s*\d+\s+"
    r"|\d+\s*[:：.、)）]"
    r"|\(\d+\)"
    r")\s*",
    re.IGNORECASE,
)
KEYCAP = re.compile(r"[0-9#*]\ufe0f?\u20e3")
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0f\ufe0e\u200d\u20e3\u200b\ufeff"))
CHAPTER_NUMBER = re.compile(r"(?:\bch(?:apter)?|第)\s*\.?\s*(\d+(?:\.\d+)*)", re.IGNORECASE)
LIST_MARKER = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|[0-9#*]\ufe0f?\u20e3\s*)")
EXAMPLE_LINE = re.compile(r"^(?:example|e\.g\.|for example|例如|举例|比如|加分点)", re.IGNORECASE)
EXAMPLE_SYMBOLS = ("📌", "🚀", "💡")


def is_cjk(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\uf900" <= char <= "\ufaff"
        or "\U00020000" <= char <= "\U0002ffff"
    )


def strip_symbols(text: str) -> str:
    """Drop emoji and other pictographs (✅ ❓ 📌 🔥 1️⃣), keeping letters, digits, punctuation."""
    text = KEYCAP.sub("", text).translate(_INVISIBLE)
    return "".join(ch for ch in text if unicodedata.category(ch) != "So")


def squash(text: str) -> str:
    return " ".join(text.split())


def plain_text(text: str) -> str:
    """Inline markdown reduced to its words: no emphasis, code ticks, emoji or extra spaces."""
    text = EMPHASIS.sub("", text).replace("`", "")
    return squash(strip_symbols(text))


def clean_question(text: str) -> str:
    """The question without its ❓, bold markers or numbering ("Q1:", "面试官问 1：")."""
    text = plain_text(text)
    for _ in range(2):  # "Q1: 1. ..." is rare but cheap to cover
        text = _NUMBERING.sub("", text, count=1).strip()
    return text


def normalize_question(text: str) -> str:
    """The form used to recognise a question already present.

    Casefolded and NFKC-normalized, without markers, numbering, whitespace or punctuation:
    only letters and digits remain, so "**❓ Q1: What is RAG?**" equals "what is rag".
    """
    text = unicodedata.normalize("NFKC", clean_question(text)).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def detect_language(text: str) -> str:
    """Return "zh" when the text is mostly Chinese (a character counts as two Latin letters)."""
    cjk = sum(1 for ch in text if is_cjk(ch))
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if cjk and cjk * 2 >= latin else "en"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
