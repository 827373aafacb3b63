"""Uploaded files as decks: CSV with located errors, Anki packages read safely, notes and
YAML through the importer and loader, and the limits."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest

from bot.decks.ankipackage import MAX_COLLECTION_BYTES, plain_text
from bot.decks.csvdeck import read_rows
from bot.decks.loader import load_deck_text
from bot.decks.upload import (
    MAX_FILE_BYTES,
    MAX_QUESTIONS,
    DeckRejected,
    parse_upload,
    stem_id,
)


def rejected(raw: bytes, filename: str) -> DeckRejected:
    with pytest.raises(DeckRejected) as caught:
        parse_upload(raw, filename)
    return caught.value


def messages(error: DeckRejected) -> list[str]:
    return [str(issue) for issue in error.issues]


def test_csv_fields_know_where_they_start_across_quoted_newlines() -> None:
    rows, issues = read_rows('a,"b\nc",d\r\n"x ""y""",\n', "f.csv")

    assert issues == []
    assert [[(c.text, c.line, c.column) for c in row] for row in rows] == [
        [("a", 1, 1), ("b\nc", 1, 3), ("d", 2, 4)],
        [('x "y"', 3, 1), ("", 3, 11)],
    ]


def test_a_csv_deck_gets_stable_ids_topics_and_drafted_key_points() -> None:
    text = "Question,Answer,Topic\nWhy shard?,Spread load over machines,scaling\nWhat is RAFT?,A consensus protocol,\n"
    first = parse_upload(text.encode(), "Systems 101.csv")
    again = parse_upload(text.encode(), "Systems 101.csv")

    deck = first.deck
    assert deck.deck == "systems-101"
    assert [q.topic for q in deck.questions] == ["scaling", "Systems 101"]
    assert [q.id for q in deck.questions] == [q.id for q in again.deck.questions]
    assert all(q.key_points for q in deck.questions)
    assert load_deck_text(first.body.encode(), "x.yaml").deck == deck


def test_every_csv_problem_is_reported_with_its_line_and_column() -> None:
    text = 'question,answer,extra\nQ1,A1,\n"open,quote\n'
    error = rejected(text.encode(), "cards.csv")

    assert error.code == "invalid"
    assert messages(error) == [
        "cards.csv:1:17: unknown column 'extra': the columns are question, answer and "
        "(optional) topic, named on the first line",
        "cards.csv:3:1: this quoted field is never closed (a '\"' is missing)",
    ]


def test_a_csv_without_a_header_is_refused() -> None:
    error = rejected(b"What is a quorum?,A majority\n", "q.csv")
    assert messages(error)[0].startswith("q.csv:1:1: unknown column 'What is a quorum?'")


def test_duplicate_csv_questions_are_skipped_with_a_note() -> None:
    upload = parse_upload(b"question,answer\nWhy?,Because\nwhy ?,Again\n", "d.csv")
    assert len(upload.deck.questions) == 1
    assert upload.notes == ("d.csv:3: skipped, same question as line 2",)


def test_text_that_is_not_utf8_is_located() -> None:
    error = rejected(b"question,answer\nok,fine\nbad,\xff\xfe\n", "latin.csv")
    assert messages(error) == ["latin.csv:3:5: not UTF-8 text; save it as UTF-8"]


def test_notes_are_imported_like_content_import() -> None:
    notes = "# Book\n## ch1\n#### ❓ Q1: What is overfitting?\n✅ Answer:\n- Memorizing noise.\n"
    upload = parse_upload(notes.encode(), "my notes.md")
    assert upload.deck.deck == "my-notes"
    assert upload.deck.questions[0].id.startswith("my-notes-book-ch1-")
    assert upload.deck.questions[0].topic == "Book ch1"

    error = rejected(b"# Just a title\nno questions here\n", "empty.md")
    assert messages(error)[0].startswith("empty.md:1:1: no questions found")


def test_file_names_become_deck_ids_or_are_refused() -> None:
    assert stem_id("ML Notes (v2).md") == "ml-notes-v2"
    assert stem_id("../../etc/passwd.csv") == "passwd"
    assert rejected(b"question,answer\nq,a\n", "笔记.csv").code == "no_id"


def test_limits_on_size_type_and_questions() -> None:
    assert rejected(b"x" * (MAX_FILE_BYTES + 1), "big.yaml").code == "too_large"
    assert rejected(b"%PDF", "paper.pdf").code == "unsupported"
    rows = "".join(f"Question number {i}?,Answer {i}\n" for i in range(MAX_QUESTIONS + 1))
    error = rejected(f"question,answer\n{rows}".encode(), "many.csv")
    assert (error.code, error.count, error.limit) == ("too_many_questions", 501, 500)


def test_anki_html_becomes_plain_text_without_scripts() -> None:
    text, media = plain_text(
        "<div>One &amp; <b>two</b></div><script>alert(1)</script><img src=a.png>[sound:x.mp3]"
    )
    assert (text, media) == ("One & two", 2)


def test_an_anki_package_becomes_questions(tmp_path: Path) -> None:
    deck = genanki.Deck(1, "Top::Sub")
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["Front <i>1</i>", "Back 1"]))
    deck.add_note(
        genanki.Note(model=genanki.CLOZE_MODEL, fields=["{{c1::Paris}} is in France", ""])
    )
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["No back", ""]))
    path = tmp_path / "cards.apkg"
    genanki.Package(deck).write_to_file(str(path))

    upload = parse_upload(path.read_bytes(), "cards.apkg")

    assert [(q.question, q.answer, q.topic) for q in upload.deck.questions] == [
        ("Front 1", "Back 1", "Top / Sub"),
        ("[...] is in France", "Paris is in France", "Top / Sub"),
    ]
    assert upload.notes == ("1 note(s) without a front and back skipped",)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_stops_at_the_cap() -> None:
    bomb = _zip({"collection.anki2": b"\0" * (MAX_COLLECTION_BYTES + 1)})
    assert len(bomb) < 100_000
    error = rejected(bomb, "bomb.apkg")
    assert messages(error) == [
        "bomb.apkg:1:1: the collection inside is 33 MB unpacked; at most 33 MB can be read"
    ]


def test_a_zip_whose_header_lies_about_its_size_stops_while_inflating() -> None:
    data = bytearray(_zip({"collection.anki2": b"\0" * (MAX_COLLECTION_BYTES + 10)}))
    # shrink the declared size in the central directory and the local header
    declared = (MAX_COLLECTION_BYTES + 10).to_bytes(4, "little")
    data = data.replace(declared, (1000).to_bytes(4, "little"))
    error = rejected(bytes(data), "liar.apkg")
    assert error.code == "invalid"
    assert "1:1:" in messages(error)[0]


def test_packages_that_are_not_anki_collections_are_refused(tmp_path: Path) -> None:
    assert "not an Anki package" in messages(rejected(b"not a zip", "x.apkg"))[0]
    newest = _zip({"collection.anki21b": b"zstd"})
    assert "newest format" in messages(rejected(newest, "new.apkg"))[0]
    not_sqlite = _zip({"collection.anki2": b"hello"})
    assert "not an SQLite database" in messages(rejected(not_sqlite, "odd.apkg"))[0]
    db = tmp_path / "c.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE other (x)")
    no_notes = _zip({"collection.anki2": db.read_bytes()})
    assert "no readable notes" in messages(rejected(no_notes, "odd.apkg"))[0]
