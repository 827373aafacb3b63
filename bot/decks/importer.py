"""Turn markdown study notes into a deck: `quizbot content import NOTES.md --deck ID [-o OUT]`.

The notes are the kind people write while reading a book, chapter by chapter:

    # MLSD                                  <- book (a short `#` title prefixes topics)
    ## ch1.2                                <- chapter (becomes the topic "MLSD ch1.2")
    ### 📌 Key Takeaways                    <- not a question: ignored
    #### **❓ Q1: Why measure p95 latency?**   <- a question (❓ marks it)
    ✅ **Answer:**                          <- the answer label (dropped)
    - Mean latency hides outliers.          <- the answer, up to the next heading,
    ---                                        horizontal rule or non-question section

The work is split into pure steps, each usable on its own:

- `parse_notes` finds the questions (`NoteQuestion`: line, book, chapter, text, answer);
- `plan_import` decides what is new and what is already present, assigns stable ids and
  drafts key points (`ImportPlan`);
- `render_deck` / `render_questions` turn questions into readable YAML;
- `run_import` is the command: it reads and writes files, validates the result with the
  deck loader before writing anything, and reports.

Duplicates are found by `normalize_question` (NFKC, casefolded, markers, numbering,
whitespace and punctuation removed). Ids are `DECK-CHAPTER-HASH`, where HASH comes from
the normalized question text, so the same notes give the same ids on every run.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import yaml

from bot.decks.loader import ContentError, load_deck_text
from bot.decks.model import QUESTION_ID_MAX, Deck, KeyPoint, Question

if TYPE_CHECKING:
    from bot.decks.catalog import Catalog

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "ImportPlan",
    "NoteQuestion",
    "Outcome",
    "ParsedNotes",
    "clean_answer",
    "clean_question",
    "detect_language",
    "draft_key_points",
    "match_terms",
    "normalize_question",
    "parse_notes",
    "plan_import",
    "question_id",
    "render_deck",
    "render_questions",
    "run_import",
    "validate_deck_id",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

MIN_KEY_POINTS = 2
MAX_KEY_POINTS = 5
MAX_MATCH_TERMS = 3
POINT_WIDTH = 90
"""Longest key point, in display columns (a Chinese character counts as two)."""
BOOK_PREFIX_MAX = 24
"""A `#` title at most this long is a book name and prefixes topics ("MLSD ch1.1")."""
HASH_LENGTH = 8
SLUG_MAX = 20

_DECK_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DECK_ID_MAX = 32

# --------------------------------------------------------------------------------------
# Markdown line shapes
# --------------------------------------------------------------------------------------

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUESTION_MARKS = ("❓", "❔")
_QUESTION_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*[❓❔]")
_EMPHASIS = re.compile(r"\*\*|__")
_ANSWER_WORDS = r"answer|回答要点|回答|答案|要点|答"
_ANSWER_LABEL = re.compile(
    rf"^\s*✅\s*(?:\*\*|__)?\s*(?:{_ANSWER_WORDS})(?![A-Za-z])\s*(?:\*\*|__)?\s*[:：]?"
    r"\s*(?:\*\*|__)?\s?(.*)$",
    re.IGNORECASE,
)
_BARE_CHECK = re.compile(r"^\s*(?:\*\*|__)?\s*✅\s*(?:\*\*|__)?\s*[:：]?\s*$")
"""A line holding only a ✅ (an answer label without words): dropped wherever it stands."""
_BARE_ANSWER_LABEL = re.compile(
    rf"^\s*(?:\*\*|__)?\s*(?:{_ANSWER_WORDS}|a)\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s?(.*)$",
    re.IGNORECASE,
)
_NUMBERING = re.compile(
    r"^(?:"
    r"(?:q|question|问题|面试官问|问)\s*\d*\s*[:：.、)）\-–—]"
    r"|(?:q|question)\s*\d+\s+"
    r"|\d+\s*[:：.、)）]"
    r"|\(\d+\)"
    r")\s*",
    re.IGNORECASE,
)
_KEYCAP = re.compile(r"[0-9#*]\ufe0f?\u20e3")
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0f\ufe0e\u200d\u20e3\u200b\ufeff"))
_SECTION = re.compile(
    r"^(?:\d+\s*)?(?:(?:key|final|main)\s+)?(?:takeaways?|summary|summaries|conclusions?|"
    r"overview|next steps|总结|小结|要点总结)\b"
    r"|^key interview questions|^if an interviewer asks|句话总结|如果面试官问",
    re.IGNORECASE,
)
_CHAPTER_NUMBER = re.compile(r"(?:\bch(?:apter)?|第)\s*\.?\s*(\d+(?:\.\d+)*)", re.IGNORECASE)
_CHAPTER_LIKE = re.compile(r"^(?:ch(?:apter)?\s*\.?\s*\d|第\s*\S+\s*章|week\s*\d)", re.I)
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|[0-9#*]\ufe0f?\u20e3\s*)")
_EXAMPLE = re.compile(r"^(?:example|e\.g\.|for example|例如|举例|比如|加分点)", re.IGNORECASE)
_EXAMPLE_SYMBOLS = ("📌", "🚀", "💡")


def _is_cjk(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\uf900" <= char <= "\ufaff"
        or "\U00020000" <= char <= "\U0002ffff"
    )


def _strip_symbols(text: str) -> str:
    """Drop emoji and other pictographs (✅ ❓ 📌 🔥 1️⃣), keeping letters, digits, punctuation."""
    text = _KEYCAP.sub("", text).translate(_INVISIBLE)
    return "".join(ch for ch in text if unicodedata.category(ch) != "So")


def _squash(text: str) -> str:
    return " ".join(text.split())


def _plain(text: str) -> str:
    """Inline markdown reduced to its words: no emphasis, code ticks, emoji or extra spaces."""
    text = _EMPHASIS.sub("", text).replace("`", "")
    return _squash(_strip_symbols(text))


def clean_heading(text: str) -> str:
    return _plain(_CLOSING_HASHES.sub("", text))


def clean_question(text: str) -> str:
    """The question without its ❓, bold markers or numbering ("Q1:", "面试官问 1：")."""
    text = _plain(text)
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


def _is_section_heading(text: str) -> bool:
    return bool(_SECTION.search(text))


def _is_section_line(line: str) -> bool:
    """A standalone label such as "📌 **Key Takeaways**" that starts a non-question section."""
    text = _plain(line).rstrip(":：").strip()
    if not text or len(text) > 60 or _LIST_MARKER.match(line):
        return False
    return bool(
        re.match(
            r"^(?:\d+\s*)?(?:(?:key|final|main)\s+)?(?:takeaways?|summary|conclusions?)"
            r"(?:\s*\(.*\))?$|^key takeaways\b|句话总结|^(?:总结|小结)$",
            text,
            re.IGNORECASE,
        )
    )


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteQuestion:
    """One question found in the notes, with where it stands and what it belongs to."""

    line: int
    book: str | None
    chapter: str | None
    question: str
    answer: str
    raw_question: str = field(default="", compare=False)

    @property
    def topic_parts(self) -> tuple[str, ...]:
        book = self.book if self.book and _is_book_name(self.book) else None
        if self.chapter:
            return (book, self.chapter) if book else (self.chapter,)
        if self.book:
            return (self.book,)
        return ()

    def topic(self, default: str) -> str:
        return " ".join(self.topic_parts) or default


@dataclass(frozen=True, slots=True)
class ParsedNotes:
    titles: tuple[str, ...]
    """The `#` titles in order (book names or the document's title)."""
    questions: tuple[NoteQuestion, ...]


def _is_book_name(text: str) -> bool:
    return len(text) <= BOOK_PREFIX_MAX and len(text.split()) <= 4


@dataclass
class _Open:
    line: int
    book: str | None
    chapter: str | None
    raw: str
    lines: list[str] = field(default_factory=list)
    labelled: bool = False

    def close(self) -> NoteQuestion:
        return NoteQuestion(
            line=self.line,
            book=self.book,
            chapter=self.chapter,
            question=clean_question(self.raw),
            answer=clean_answer(self.lines),
            raw_question=self.raw,
        )


def _sanitize(text: str) -> str:
    """Unify line ends and drop control characters YAML would refuse or misread."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x85", "\n")
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    ).expandtabs(4)


def parse_notes(text: str) -> ParsedNotes:
    """Find every question (a ❓ heading or line) and its answer in markdown notes.

    A question's answer runs from the line after it to the next heading, horizontal rule,
    ❓ question or non-question section label ("Key Takeaways"); its "✅ Answer:" label is
    dropped. `#` headings set the book, `##` headings (and chapter-like ones such as
    "ch1.1" at any level) set the chapter; sections such as "Key Takeaways" set nothing.
    """
    titles: list[str] = []
    questions: list[NoteQuestion] = []
    book: str | None = None
    chapter: str | None = None
    current: _Open | None = None
    fence: str | None = None

    def finish() -> None:
        nonlocal current
        if current is not None:
            questions.append(current.close())
            current = None

    for number, line in enumerate(_sanitize(text).split("\n"), start=1):
        line = line.rstrip()
        if fence is not None:
            if current is not None:
                current.lines.append(line)
            if line.strip().startswith(fence):
                fence = None
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            if current is not None:
                current.lines.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            finish()
            level = len(heading.group(1))
            raw = heading.group(2) or ""
            if any(mark in raw for mark in _QUESTION_MARKS):
                current = _Open(number, book, chapter, raw)
                continue
            name = clean_heading(raw)
            if not name or _is_section_heading(name):
                continue
            if level == 1 and not _CHAPTER_LIKE.match(name):
                book, chapter = name, None
                titles.append(name)
            elif level <= 2 or _CHAPTER_LIKE.match(name):
                chapter = name
            continue
        if _RULE.match(line):
            finish()
            continue
        if _QUESTION_LINE.match(line):
            finish()
            current = _Open(number, book, chapter, re.sub(r"^\s*[-*+]\s+", "", line))
            continue
        if current is None:
            continue
        if _is_section_line(line):
            finish()
            continue
        if _BARE_CHECK.match(line):
            current.labelled = True
            continue
        if not current.labelled:
            label = _ANSWER_LABEL.match(line)
            if label is None and not any(s.strip() for s in current.lines):
                label = _BARE_ANSWER_LABEL.match(line)
            if label is not None:
                current.labelled = True
                if label.group(1).strip():
                    current.lines.append(label.group(1).rstrip())
                continue
        current.lines.append(line)
    finish()
    return ParsedNotes(titles=tuple(titles), questions=tuple(questions))


# --------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------


def _table_cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def _is_table_separator(cells: Sequence[str]) -> bool:
    return bool(cells) and all(re.fullmatch(r":?-{1,}:?", c.replace(" ", "")) for c in cells)


def _table_as_list(rows: Sequence[str], indent: str) -> list[str]:
    """A markdown table as one bullet per row: `- first — Header: cell; Header: cell`.

    Chat apps do not draw tables; a bullet per row reads well everywhere and keeps every
    cell next to its column name.
    """
    cells = [_table_cells(row) for row in rows]
    header: list[str] | None = None
    if len(cells) >= 2 and _is_table_separator(cells[1]):
        header = [_plain(cell) for cell in cells[0]]
        body = cells[2:]
    else:
        body = [row for row in cells if not _is_table_separator(row)]
    out = []
    for row in body:
        if not any(row):
            continue
        first, rest = row[0], row[1:]
        parts = []
        for index, cell in enumerate(rest, start=1):
            if not cell:
                continue
            if index < len(rest):
                cell = cell.rstrip(".。")
            name = header[index] if header and index < len(header) and header[index] else ""
            parts.append(f"{name}: {cell}" if name else cell)
        text = f"{first} — {'; '.join(parts)}" if first and parts else first or "; ".join(parts)
        out.append(f"{indent}- {text}")
    return out


def clean_answer(lines: Iterable[str]) -> str:
    """Answer lines as tidy Markdown: tables as bullet rows, one blank line at most, dedented."""
    result: list[str] = []
    table: list[str] = []
    table_indent = ""
    in_code = False

    def flush_table() -> None:
        if table:
            result.extend(_table_as_list(table, table_indent))
            table.clear()

    for line in lines:
        line = line.rstrip()
        if _FENCE.match(line):
            flush_table()
            in_code = not in_code
            result.append(line)
            continue
        stripped = line.strip()
        if not in_code and stripped.startswith("|") and stripped.count("|") >= 2:
            if not table:
                table_indent = line[: len(line) - len(line.lstrip())]
            table.append(line)
            continue
        flush_table()
        result.append(line)
    flush_table()

    tidy: list[str] = []
    for line in result:
        if not line.strip():
            if tidy and tidy[-1]:
                tidy.append("")
            continue
        tidy.append(line)
    while tidy and not tidy[-1]:
        tidy.pop()
    indents = [len(line) - len(line.lstrip()) for line in tidy if line]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in tidy).strip()


# --------------------------------------------------------------------------------------
# Language and key points
# --------------------------------------------------------------------------------------


def detect_language(text: str) -> str:
    """Return "zh" when the text is mostly Chinese (a character counts as two Latin letters)."""
    cjk = sum(1 for ch in text if _is_cjk(ch))
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if cjk and cjk * 2 >= latin else "en"


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
    cases use system systems model models approach approaches
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
"""Function words, and words too generic in study notes to show an idea was covered."""

_GENERIC_LABEL_WORDS = _STOPWORDS | {"e.g", "eg", "vs", "1", "2", "3", "4", "5"}
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#'’.-]*[A-Za-z0-9+#]|[A-Za-z]")
_BOLD_TERM = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_PAREN_TERM = re.compile(r"[(（]([^()（）]{2,40})[)）]")
_CJK_SPLITTER_TEXT = """
    你可以 如何 可以 可能 需要 进行 通过 以及 或者 而非 而是 但是 因为 所以 如果 并且 对于 比如
    例如 什么 时候 应该 这个 一个 我们 提到 举例 存在 适用于 用于 使用 导致 具有 包括 结合
    的 了 和 与 或 即 并 而 但 如 及 等 让 在
"""
_CJK_SPLITTERS = re.compile("|".join(_CJK_SPLITTER_TEXT.split()))
"""Chinese function words: long runs of Chinese are cut at them (longest listed first)."""


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shorten(text: str, width: int = POINT_WIDTH) -> str:
    if _display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _display_width(out + ch) > width - 1:
            break
        out += ch
    if " " in out and not _is_cjk(out[-1]):
        out = out[: out.rfind(" ")]
    return out.rstrip(" ,，;；:：、-—") + "…"


def _point_text(line: str) -> str:
    text = _LIST_MARKER.sub("", line, count=1)
    return _plain(text)


def _clean_term(term: str) -> str:
    term = _plain(term).strip(" .,;:!?，。；：！？、-—→")
    return term


def _is_generic(term: str) -> bool:
    words = [w.casefold() for w in re.findall(r"[A-Za-z0-9.]+", term)]
    has_cjk = any(_is_cjk(ch) for ch in term)
    return not has_cjk and all(w in _GENERIC_LABEL_WORDS for w in words)


def _phrase(term: str) -> str | None:
    """A bold or label phrase usable as a match term: short, not generic, parentheses off."""
    term = _clean_term(re.sub(r"\s*[(（].*$", "", term))
    if not term or _is_generic(term):
        return None
    if len(term) > 32 or len(term.split()) > 4:
        return None
    return term


def _paren_phrase(text: str) -> str | None:
    """A parenthesized aside as a term ("Masked LM"), unless it is Chinese or a list."""
    text = re.sub(
        r"^(?:e\.g\.|i\.e\.|eg|ie|如|例如|比如)[,，:：]?\s*", "", text.strip(), flags=re.I
    )
    if not text or _is_cjk(text[0]) or re.search(r"[,，、;；]", text):
        return None
    return _phrase(text)


def _cjk_pieces(text: str) -> list[str]:
    """Short Chinese substrings: runs of Chinese split at function words, 2-6 characters."""
    pieces: list[str] = []
    for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", text):
        for part in _CJK_SPLITTERS.split(run):
            if len(part) < 2:
                continue
            if len(part) <= 6:
                pieces.append(part)
            else:
                pieces.extend([part[:4], part[-4:]])
    return pieces


def match_terms(line: str, avoid: Iterable[str] = ()) -> list[str]:
    """A few distinctive words or phrases from one answer line, best first.

    Bold terms come first, then a leading label ("Scalability: ..."), then (in Chinese
    lines) short Chinese substrings, then acronyms and long uncommon words. Terms already
    used (`avoid`) are taken only when nothing else is left.
    """
    body = _LIST_MARKER.sub("", line, count=1)
    body = _KEYCAP.sub("", body)
    plain = _plain(body)
    chinese = detect_language(plain) == "zh"
    bold = [_phrase(a or b) for a, b in _BOLD_TERM.findall(body)]
    label_match = re.match(r"^(.{2,40}?)\s*(?:[:：]|→|->|—)\s*\S", plain) or re.match(
        r"^((?:[A-Z0-9][\w-]*\s?){1,3})\s*[(（]", plain
    )
    label = [_phrase(label_match.group(1))] if label_match else []
    parens = [_paren_phrase(t) for t in _PAREN_TERM.findall(plain)]
    words = _WORD.findall(plain)
    acronyms = [
        w
        for w in words
        if (len(w) >= 3 and sum(ch.isupper() for ch in w) >= 2)
        or (any(ch.isdigit() for ch in w) and any(ch.isalpha() for ch in w))
    ]
    long_words = sorted(
        (w for w in words if len(w) >= 5 and w.casefold() not in _STOPWORDS and w not in acronyms),
        key=lambda w: -len(w),
    )
    if chinese:
        ordered = [*bold, *label, *_cjk_pieces(plain), *parens, *acronyms, *long_words]
    else:
        ordered = [*bold, *label, *parens, *acronyms, *long_words]
    candidates: list[str] = []
    for term in ordered:
        if term and term.casefold() not in (c.casefold() for c in candidates):
            candidates.append(term)
    used = {term.casefold() for term in avoid}

    def pick(allow_used: bool) -> list[str]:
        chosen: list[str] = []
        for term in candidates:
            folded = term.casefold()
            if not allow_used and folded in used:
                continue
            if any(folded in c.casefold() for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == MAX_MATCH_TERMS:
                break
        return chosen

    return pick(False) or pick(True)


_SPLITS = (
    r"(?<=[.!?;])\s+|(?<=[。！？；])",  # sentences
    r",\s+(?=(?:but|while|whereas|since|because|so that|and then)\b)|(?<=，)(?=但|而)",  # clauses
)
"""How a one-line answer is cut into several key points: by sentence, else by clause."""


def _drop_conjunction(clause: str) -> str:
    """ "but adds latency" -> "Adds latency"."""
    clause = re.sub(
        r"^(?:but|while|whereas|since|because|so that|and then)\s+|^[但而]", "", clause.strip()
    )
    return clause[:1].upper() + clause[1:]


def _key_point_lines(answer: str) -> list[str]:
    """Candidate lines for key points, most telling first (at most MAX_KEY_POINTS)."""
    tiers: dict[str, list[str]] = {"top": [], "nested": [], "example": [], "header": []}
    in_code = False
    for line in answer.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        text = _point_text(line)
        if in_code or not text or not any(ch.isalnum() for ch in text):
            continue
        stripped = line.strip()
        if stripped.startswith(_EXAMPLE_SYMBOLS) or _EXAMPLE.match(text):
            tiers["example"].append(line)
        elif text.endswith((":", "：")):
            tiers["header"].append(line)
        elif line.startswith(" "):
            tiers["nested"].append(line)
        else:
            tiers["top"].append(line)
    chosen = tiers["top"][:MAX_KEY_POINTS]
    for tier in ("nested", "example", "header"):
        if len(chosen) >= MIN_KEY_POINTS:
            break
        chosen += tiers[tier][: MIN_KEY_POINTS - len(chosen)]
    if len(chosen) == 1:
        text = _point_text(chosen[0])
        for pattern in _SPLITS:
            parts = [_drop_conjunction(p) for p in re.split(pattern, text) if len(p.strip()) >= 8]
            if len(parts) >= 2:
                return parts[:MAX_KEY_POINTS]
    return chosen


def draft_key_points(answer: str) -> list[KeyPoint]:
    """Draft 2-5 key points from an answer's lines (fewer only if the answer is that short).

    Each point is its line shortened; its match terms come from `match_terms`. Lines that
    yield no usable term are left out, but an answer with content always gets one point.
    """
    points: list[KeyPoint] = []
    used: list[str] = []
    for line in _key_point_lines(answer):
        terms = match_terms(line, avoid=used)
        text = _shorten(_point_text(line))
        if not terms or not text:
            continue
        used.extend(terms)
        points.append(KeyPoint(point=text, match=terms))
    if not points:
        whole = _plain(answer)
        terms = match_terms(whole) or [_shorten(whole, 24)] if whole else []
        if terms:
            points.append(KeyPoint(point=_shorten(whole), match=terms))
    return points


# --------------------------------------------------------------------------------------
# Ids and the import plan
# --------------------------------------------------------------------------------------


def validate_deck_id(deck_id: str) -> str | None:
    """None when `deck_id` can name a deck and prefix question ids, else what is wrong."""
    if not _DECK_ID.match(deck_id) or len(deck_id) > _DECK_ID_MAX:
        return (
            f"invalid deck id {deck_id!r}: use lowercase letters, digits and '-', "
            f"starting with a letter or digit, at most {_DECK_ID_MAX} characters"
        )
    return None


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^a-z0-9.]+|\.(?!\d)|(?<!\d)\.", "-", text)
    return re.sub(r"-{2,}", "-", text).strip("-.")


def _chapter_slug(note: NoteQuestion) -> str:
    """The id part for a topic: "mlsd-ch3.1" for "MLSD chapter 3.1 data source", "week-1" for "WEEK 1"."""
    parts = []
    for part in note.topic_parts:
        number = _CHAPTER_NUMBER.search(part)
        slug = f"ch{number.group(1)}" if number else _slug(part)
        if len(slug) > SLUG_MAX:
            slug = slug[: SLUG_MAX + 1].rsplit("-", 1)[0].strip("-.")
        if slug:
            parts.append(slug)
    return "-".join(parts)


def question_id(deck_id: str, chapter_slug: str, normalized: str, taken: set[str]) -> str:
    """`DECK-CHAPTER-HASH`, at most 48 characters, not in `taken`.

    HASH is the start of the SHA-256 of the normalized question text, so the id stays the
    same on every run; it grows longer only in the (unlikely) event of a clash.
    """
    digest = hashlib.sha256(normalized.encode("utf-8")).hexdigest()
    if chapter_slug == deck_id:
        chapter_slug = ""
    chapter_slug = chapter_slug.removeprefix(f"{deck_id}-")
    for length in range(HASH_LENGTH, len(digest) + 1, 2):
        tail = digest[:length]
        room = QUESTION_ID_MAX - len(deck_id) - len(tail) - 2
        slug = chapter_slug[:room].rstrip("-.") if room > 0 else ""
        candidate = "-".join(part for part in (deck_id, slug, tail) if part)
        candidate = candidate[:QUESTION_ID_MAX]
        if candidate not in taken:
            return candidate
    raise ValueError(f"cannot make a unique id for {normalized!r}")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one question found in the notes."""

    note: NoteQuestion
    id: str | None
    """The new id, or the id of the question it duplicates."""
    question: Question | None = None
    """The question to add, or None when skipped."""
    skipped: str | None = None
    """Why it was skipped."""


@dataclass(frozen=True, slots=True)
class ImportPlan:
    outcomes: tuple[Outcome, ...]
    language: str
    """The deck's language (the existing deck's, else the most common among new questions)."""
    warnings: tuple[str, ...] = ()

    @property
    def added(self) -> tuple[Question, ...]:
        return tuple(o.question for o in self.outcomes if o.question is not None)

    @property
    def skipped(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.question is None)


def plan_import(
    notes: Sequence[NoteQuestion],
    deck_id: str,
    *,
    out_deck: Deck | None = None,
    out_name: str = "the output deck",
    existing: Catalog | None = None,
    default_topic: str = "notes",
    source: str = "notes",
) -> ImportPlan:
    """Decide, for every question found, its id and whether it is new.

    A question is skipped when its normalized text is already in `out_deck` (the deck being
    appended to), in `existing` (the configured decks), or earlier in the same notes, or
    when it has no answer. New questions get stable ids, a topic, their language and draft
    key points.
    """
    present: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    if out_deck is not None:
        for q in out_deck.questions:
            present.setdefault(normalize_question(q.question), (q.id, f"already in {out_name}"))
            taken.add(q.id)
    if existing is not None:
        for q in existing.questions:
            deck = existing.deck_of[q.id].deck
            present.setdefault(normalize_question(q.question), (q.id, f"already in deck '{deck}'"))
            taken.add(q.id)

    languages = [detect_language(f"{n.question}\n{n.answer}") for n in notes]
    if out_deck is not None:
        language = out_deck.language
    else:
        language = "zh" if languages.count("zh") > languages.count("en") else "en"

    outcomes: list[Outcome] = []
    for note, detected in zip(notes, languages, strict=True):
        normalized = normalize_question(note.question)
        if not normalized:
            outcomes.append(Outcome(note, None, skipped="the question has no text"))
            continue
        if normalized in present:
            known_id, reason = present[normalized]
            outcomes.append(Outcome(note, known_id, skipped=reason))
            continue
        new_id = question_id(deck_id, _chapter_slug(note), normalized, taken)
        if not note.answer:
            outcomes.append(Outcome(note, new_id, skipped="no answer under it"))
            continue
        taken.add(new_id)
        present[normalized] = (new_id, f"same as line {note.line} of {source}")
        question = Question(
            id=new_id,
            topic=note.topic(default_topic),
            language=None if detected == language == "en" else detected,
            question=note.question,
            answer=note.answer,
            key_points=draft_key_points(note.answer),
        )
        outcomes.append(Outcome(note, new_id, question=question))

    warnings: list[str] = []
    if out_deck is None and existing is not None and any(d.deck == deck_id for d in existing.decks):
        warnings.append(
            f"note: a configured deck already has the id '{deck_id}'; two files with the "
            "same deck id cannot both be loaded (append with -o to that deck's file instead)"
        )
    return ImportPlan(outcomes=tuple(outcomes), language=language, warnings=tuple(warnings))


# --------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------


class _FlowList(list[str]):
    """A short list written on one line: `match: [mean, average, outlier]`."""


class _DeckDumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, `|` blocks for multi-line text."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_flow(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


_DeckDumper.add_representer(str, _represent_str)
_DeckDumper.add_representer(_FlowList, _represent_flow)


def _dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_DeckDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
        indent=2,
    )


def _question_data(question: Question) -> dict[str, Any]:
    data = question.model_dump(exclude_defaults=True)
    for point in data.get("key_points", []):
        point["match"] = _FlowList(point["match"])
    if "tags" in data:
        data["tags"] = _FlowList(data["tags"])
    return data


def render_questions(questions: Iterable[Question], indent: int = 2) -> str:
    """Questions as YAML list items, each line indented by `indent` spaces."""
    text = _dump([_question_data(q) for q in questions])
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def render_deck(deck: Deck) -> str:
    """A whole deck as readable YAML (block style, Unicode as is, `|` multi-line answers)."""
    head = deck.model_dump(exclude_defaults=True, exclude={"questions"})
    head.setdefault("language", deck.language)
    ordered = {
        key: head[key] for key in ("deck", "title", "language", "description") if key in head
    }
    return _dump(ordered) + "questions:\n" + render_questions(deck.questions)


def _append_position(text: str) -> int | None:
    """The column of the `-` of the deck's `questions` items when appending text is safe."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return None
    key, value = node.value[-1]
    if not (
        isinstance(key, yaml.ScalarNode)
        and key.value == "questions"
        and isinstance(value, yaml.SequenceNode)
        and not value.flow_style
        and value.value
    ):
        return None
    mark = value.start_mark
    lines = text.split("\n")
    if mark.line >= len(lines) or lines[mark.line][mark.column : mark.column + 1] != "-":
        return None
    return mark.column


def merge_into(existing_text: str, existing: Deck, new: Sequence[Question]) -> tuple[str, bool]:
    """The deck file with `new` questions appended; (text, True) when appended as text.

    Appending keeps the file exactly as it was (comments, formatting, hand-edited key
    points). When the file's shape does not allow it (questions not last, flow style), the
    whole deck is written anew from its loaded values, and (text, False) is returned.
    """
    column = _append_position(existing_text)
    if column is not None:
        text = existing_text if existing_text.endswith("\n") else existing_text + "\n"
        text += render_questions(new, indent=column)
        try:
            merged = load_deck_text(text.encode("utf-8"), "merged").deck
        except ContentError:
            merged = None
        if merged is not None and merged == existing.model_copy(
            update={"questions": [*existing.questions, *new]}
        ):
            return text, True
    combined = existing.model_copy(update={"questions": [*existing.questions, *new]})
    return render_deck(combined), False


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------


class _Failed(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def _read_notes(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _Failed(f"{path}: no such notes file") from None
    except IsADirectoryError:
        raise _Failed(f"{path}: is a folder, not a notes file") from None
    except OSError as exc:
        raise _Failed(f"{path}: cannot read the notes ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _Failed(f"{path}:{line}: not valid UTF-8; save the notes as UTF-8") from None


def _read_out(path: Path) -> tuple[str, Deck] | None:
    """The deck already in OUT (text and value), or None when OUT is new or empty."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _Failed(f"{path}: cannot read the output deck ({exc.strerror})") from None
    if not raw.strip():
        return None
    try:
        loaded = load_deck_text(raw, str(path))
    except ContentError as exc:
        first = exc.issues[0]
        more = f" (and {len(exc.issues) - 1} more problems)" if len(exc.issues) > 1 else ""
        raise _Failed(f"{first}{more}; fix the deck, or choose another -o file") from None
    return raw.decode("utf-8-sig"), loaded.deck


def _write_atomically(path: Path, text: str) -> None:
    directory = path.parent
    if not directory.is_dir():
        raise _Failed(f"{path}: cannot write the deck: no folder {directory}")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise _Failed(f"{path}: cannot write the deck ({exc.strerror})") from None


def _check(text: str, name: str) -> Deck:
    """Validate the YAML about to be written with the real loader (a bug if it fails)."""
    try:
        return load_deck_text(text.encode("utf-8"), name).deck
    except ContentError as exc:
        raise _Failed(
            f"internal error: the generated deck does not load: {exc.issues[0]}"
        ) from None


def _report_lines(plan: ImportPlan, notes: Path) -> Iterator[str]:
    outcomes = plan.outcomes
    new = len(plan.added)
    yield (
        f"Found {len(outcomes)} question{'s' if len(outcomes) != 1 else ''} in {notes}: "
        f"{new} new, {len(outcomes) - new} skipped."
    )
    for outcome in outcomes:
        text = outcome.note.question or outcome.note.raw_question.strip()
        if outcome.question is not None:
            yield f"  new   {outcome.id}  {text}"
        else:
            where = f"{notes}:{outcome.note.line}"
            yield f"  skip  {outcome.id or '-'}  {text}  ({where}: {outcome.skipped})"
    yield from plan.warnings


def run_import(
    notes: Path,
    deck_id: str,
    out: Path | None,
    existing: Catalog | None,
    stdout: TextIO,
    *,
    stderr: TextIO | None = None,
) -> int:
    """`quizbot content import NOTES --deck ID [-o OUT]`; returns the exit code.

    With OUT, the report goes to `stdout` and the deck to OUT (a new deck, or the new
    questions appended to the deck already there). Without OUT the deck YAML goes to
    `stdout` and the report to `stderr`, so the output can be redirected into a file.
    Errors are one line on `stderr`: exit 1 when the work fails (missing notes, no
    questions, invalid deck id, unusable OUT), 2 for usage problems (OUT is a folder or
    the notes file itself).
    """
    err = stderr if stderr is not None else sys.stderr
    report = stdout if out is not None else err
    try:
        return _run(notes, deck_id, out, existing, stdout, report)
    except _Failed as failure:
        print(f"quizbot content import: {failure}", file=err)
        return failure.code


def _run(
    notes: Path,
    deck_id: str,
    out: Path | None,
    existing: Catalog | None,
    stdout: TextIO,
    report: TextIO,
) -> int:
    problem = validate_deck_id(deck_id)
    if problem:
        raise _Failed(f"--deck: {problem}", EXIT_USAGE)
    if out is not None:
        if out.is_dir():
            raise _Failed(f"-o {out}: is a folder; name a .yaml file", EXIT_USAGE)
        if out.exists() and notes.exists() and out.resolve() == notes.resolve():
            raise _Failed(f"-o {out}: is the notes file itself; name a .yaml file", EXIT_USAGE)
        if not out.parent.is_dir():
            raise _Failed(f"-o {out}: cannot write the deck: no folder {out.parent}")
    parsed = parse_notes(_read_notes(notes))
    if not parsed.questions:
        raise _Failed(
            f"{notes}: no questions found (a question is a heading or line marked with ❓, "
            "e.g. '#### ❓ Q1: ...', followed by its answer)"
        )
    current = _read_out(out) if out is not None else None
    out_deck = current[1] if current else None
    if out_deck is not None and out_deck.deck != deck_id:
        raise _Failed(
            f"{out}: holds deck '{out_deck.deck}', not '{deck_id}'; "
            f"use --deck {out_deck.deck} to append to it, or another -o file"
        )
    plan = plan_import(
        parsed.questions,
        deck_id,
        out_deck=out_deck,
        out_name=str(out),
        existing=existing,
        default_topic=notes.stem,
        source=str(notes),
    )
    for line in _report_lines(plan, notes):
        print(line, file=report)
    added = plan.added
    if not added:
        where = f"{out} unchanged" if out is not None else "no deck written"
        print(f"Nothing new to import; {where}.", file=report)
        return EXIT_OK

    if current is not None and out is not None:
        text, appended = merge_into(current[0], current[1], added)
        deck = _check(text, str(out))
        _write_atomically(out, text)
        how = "" if appended else " (rewrote the whole file: its layout did not allow appending)"
        print(
            f"Appended {len(added)} question{'s' if len(added) != 1 else ''} to {out}; "
            f"deck '{deck.deck}' now has {len(deck.questions)}{how}.",
            file=report,
        )
        return EXIT_OK

    title = " / ".join(dict.fromkeys(parsed.titles)) or deck_id
    new_deck = Deck(deck=deck_id, title=title, language=plan.language, questions=list(added))
    text = render_deck(new_deck)
    _check(text, str(out) if out is not None else "<stdout>")
    if out is None:
        stdout.write(text)
        stdout.flush()
        print(f"Wrote deck '{deck_id}' ({len(added)} questions) to standard output.", file=report)
    else:
        _write_atomically(out, text)
        print(f"Wrote deck '{deck_id}' ({len(added)} questions) to {out}.", file=report)
    return EXIT_OK
