"""`quizbot export-anki DECK OUT.apkg`: a deck as an Anki package (genanki).

One note per question: the front is the question (and its choices), the back the model
answer. Deck and note-type ids are derived from the deck id, and each note's guid from
the question id, so importing a newer export into Anki updates the notes already there
instead of adding copies. Deck text is HTML-escaped; the deck's small Markdown subset
(**bold**, *italic*, `code`, `- ` bullets, `1.` lists, `#` headings) becomes HTML.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from bot.decks.markdown import Line, html_spans, parse, parse_inline
from bot.decks.model import Deck, Question

if TYPE_CHECKING:
    import genanki

FIELDS = ("Question", "Choices", "Answer", "Explanation", "Topic", "Id")
LETTERS = "ABCDEFGHIJ"

FRONT = """\
<div class="question">{{Question}}</div>
{{#Choices}}<div class="choices">{{Choices}}</div>{{/Choices}}"""
BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}
<div class="topic">{{Topic}}</div>"""
CSS = """\
.card { font-family: -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;
  font-size: 18px; text-align: left; color: #1f2328; background: #fff; line-height: 1.45; }
.question { font-weight: 600; }
.choices ol { list-style: none; padding-left: 0; }
.correct { color: #1a7f37; font-weight: 600; }
.explanation { margin-top: .8em; color: #57606a; font-style: italic; }
.topic { margin-top: 1.2em; font-size: 13px; color: #8c959f; }
code { background: #f6f8fa; padding: 0 .25em; border-radius: 3px; }
"""


def stable_id(kind: str, deck_id: str) -> int:
    """A 31-bit id (Anki's range for generated ids) derived from the deck id."""
    digest = hashlib.sha256(f"quizbot:{kind}:{deck_id}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def markdown_html(text: str) -> str:
    """The deck's Markdown subset as HTML: lists become <ul>/<ol>, other lines <br>."""
    out: list[str] = []
    for kind, items in _blocks(parse(text)):
        if kind in ("ul", "ol"):
            out.append(f"<{kind}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{kind}>")
        else:
            out.append("<br>".join(items))
    return "".join(out)


_BLOCKS = {"bullet": "ul", "numbered": "ol"}


def _blocks(lines: list[Line]) -> Iterator[tuple[str, list[str]]]:
    """Runs of bullet items, numbered items and other lines, each line as HTML."""
    kind, items = "", []
    for line in lines:
        this = _BLOCKS.get(line.kind, "p")
        if line.kind == "heading":
            item = f"<b>{html_spans(line.spans, {'bold'})}</b>"
        else:
            item = html_spans(line.spans)
        if this != kind and items:
            yield kind, items
            items = []
        kind = this
        items.append(item)
    if items:
        yield kind, items


def inline_html(text: str) -> str:
    """Escape, then mark up `code`, **bold** and *italic*."""
    return html_spans(parse_inline(text))


def note_fields(question: Question) -> list[str]:
    """The note's fields, in `FIELDS` order, as HTML."""
    choices = ""
    answer = markdown_html(question.answer)
    if question.choices is not None:
        choices = (
            "<ol>"
            + "".join(
                f"<li>{LETTERS[i]}. {inline_html(choice)}</li>"
                for i, choice in enumerate(question.choices)
            )
            + "</ol>"
        )
        if question.correct is not None:
            right = question.choices[question.correct]
            letter = LETTERS[question.correct]
            answer = f'<div class="correct">{letter}. {inline_html(right)}</div>' + answer
    return [
        markdown_html(question.question),
        choices,
        answer,
        html.escape(question.explanation or ""),
        html.escape(question.topic),
        html.escape(question.id),
    ]


def _tag(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip())


def build_deck(deck: Deck) -> genanki.Deck:
    import genanki

    model = genanki.Model(
        stable_id("model", deck.deck),
        f"quizbot {deck.deck}",
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Question → Answer", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
    )
    anki_deck = genanki.Deck(
        stable_id("deck", deck.deck), deck.title, description=html.escape(deck.description or "")
    )
    for question in deck.questions:
        tags = [_tag(tag) for tag in question.tags] + [_tag(f"quizbot::{deck.deck}")]
        anki_deck.add_note(
            genanki.Note(
                model=model,
                fields=note_fields(question),
                guid=genanki.guid_for("quizbot", question.id),
                tags=tags,
            )
        )
    return anki_deck


def write_package(deck: Deck, out: Path) -> int:
    """Write `deck` to `out` (.apkg); returns the number of notes."""
    import genanki

    anki_deck = build_deck(deck)
    out.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(anki_deck).write_to_file(str(out))
    return len(anki_deck.notes)
