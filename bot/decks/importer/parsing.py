"""Find the questions and answers in markdown notes (`parse_notes`).

A question is a heading or line marked with ❓; its answer runs to the next heading,
horizontal rule, question or non-question section ("Key Takeaways"). `#` titles give the
book and `##` (or chapter-like) headings the chapter, which together make the topic.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.decks.importer.answers import clean_answer
from bot.decks.importer.markdown import FENCE, LIST_MARKER, clean_question, plain_text

BOOK_PREFIX_MAX = 24
"""A `#` title at most this long is a book name and prefixes topics ("MLSD ch1.1")."""

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_QUESTION_MARKS = ("❓", "❔")
_QUESTION_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*[❓❔]")
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
_SECTION = re.compile(
    r"^(?:\d+\s*)?(?:(?:key|final|main)\s+)?(?:takeaways?|summary|summaries|conclusions?|"
    r"overview|next steps|总结|小结|要点总结)\b"
    r"|^key interview questions|^if an interviewer asks|句话总结|如果面试官问",
    re.IGNORECASE,
)
_CHAPTER_LIKE = re.compile(r"^(?:ch(?:apter)?\s*\.?\s*\d|第\s*\S+\s*章|week\s*\d)", re.I)


def clean_heading(text: str) -> str:
    return plain_text(_CLOSING_HASHES.sub("", text))


def _is_section_heading(text: str) -> bool:
    return bool(_SECTION.search(text))


def _is_section_line(line: str) -> bool:
    """A standalone label such as "📌 **Key Takeaways**" that starts a non-question section."""
    text = plain_text(line).rstrip(":：").strip()
    if not text or len(text) > 60 or LIST_MARKER.match(line):
        return False
    return bool(
        re.match(
            r"^(?:\d+\s*)?(?:(?:key|final|main)\s+)?(?:takeaways?|summary|conclusions?)"
            r"(?:\s*\(.*\))?$|^key takeaways\b|句话总结|^(?:总结|小结)$",
            text,
            re.IGNORECASE,
        )
    )


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
        book = book_prefix(self.book) if self.book else None
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


_BOOK_AND_CHAPTER = re.compile(
    r"^(.{1,24}?\s(?:ch(?:apter)?\s*\.?\s*\d+(?:\.\d+)*|第\s*\S{1,4}?\s*章))(?!\w)", re.IGNORECASE
)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")


def book_prefix(title: str) -> str | None:
    """What a `#` title puts before its chapters' topics, or None for a document title.

    A short title is a book name ("DMLS", "AI Engineering"). A longer one keeps its book
    and chapter ("DMLS ch4" of "DMLS ch4 Training Data and Sampling"), else its leading
    acronym ("DMLS" of "DMLS notes for the second interview round"); a long title with
    neither ("What a Week of Reading Taught Me") prefixes nothing.
    """
    if len(title) <= BOOK_PREFIX_MAX and len(title.split()) <= 4:
        return title
    with_chapter = _BOOK_AND_CHAPTER.match(title)
    if with_chapter:
        return with_chapter.group(1)
    first = title.split()[0]
    return first if _ACRONYM.match(first) else None


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
        opening = FENCE.match(line)
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
