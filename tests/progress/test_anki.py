"""`quizbot export-anki`: a deck as a valid Anki package, one note per question."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from bot.decks.catalog import Catalog
from bot.progress.anki import (
    FIELDS,
    build_deck,
    markdown_html,
    note_fields,
    stable_id,
    write_package,
)
from tests.conftest import FIXTURES


def collection(package: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(package) as archive:
        assert "collection.anki2" in archive.namelist()
        assert archive.testzip() is None
        archive.extract("collection.anki2", tmp_path)
    return sqlite3.connect(tmp_path / "collection.anki2")


def test_the_package_holds_one_note_per_question(progress_catalog: Catalog, tmp_path: Path) -> None:
    deck = progress_catalog.decks[1]
    out = tmp_path / "out" / "drill.apkg"
    assert write_package(deck, out) == len(deck.questions) == 7
    db = collection(out, tmp_path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    notes = db.execute("SELECT guid, flds, tags FROM notes").fetchall()
    assert len(notes) == 7
    assert db.execute("SELECT count(*) FROM cards").fetchone() == (7,)
    fields = {flds.split("\x1f")[FIELDS.index("Id")]: flds.split("\x1f") for _, flds, _ in notes}
    assert set(fields) == {q.id for q in deck.questions}
    queue = fields["drill-queue-why"]
    assert queue[FIELDS.index("Topic")] == "Queues &lt;and&gt; streams"
    order = fields["drill-queue-order"]
    assert "<li>B. No, only within a partition</li>" in order[FIELDS.index("Choices")]
    assert order[FIELDS.index("Answer")].startswith('<div class="correct">B. No, only within')
    hit = fields["drill-cache-hit"][FIELDS.index("Answer")]
    assert hit == (
        "The share of reads served from the cache:<ul><li><b>hits</b> divided by all lookups"
        "</li><li>higher means fewer slow trips to the origin</li></ul>"
    )
    tags = {tag for _, _, tag_text in notes for tag in tag_text.split()}
    assert {"cache", "db", "queue", "quizbot::drill"} <= tags
    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
    assert list(models) == [str(stable_id("model", "drill"))]
    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    assert decks[str(stable_id("deck", "drill"))]["name"] == deck.title


def test_ids_are_stable_and_distinct(progress_catalog: Catalog) -> None:
    mini, drill = progress_catalog.decks
    assert stable_id("deck", "drill") == stable_id("deck", "drill")
    ids = {stable_id(kind, d.deck) for kind in ("deck", "model") for d in (mini, drill)}
    assert len(ids) == 4
    assert all((1 << 30) <= value < (1 << 31) for value in ids)
    first, again = build_deck(drill), build_deck(drill)
    assert [n.guid for n in first.notes] == [n.guid for n in again.notes]
    assert len({n.guid for n in first.notes}) == len(drill.questions)


def test_deck_text_is_escaped_then_marked_up() -> None:
    assert markdown_html("a <b> & `x<y` **bold** *it*") == (
        "a &lt;b&gt; &amp; <code>x&lt;y</code> <b>bold</b> <i>it</i>"
    )
    assert markdown_html("Intro\n- one\n- two\n1. first\n# Head\nend") == (
        "Intro<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol><b>Head</b><br>end"
    )


def test_a_chinese_question_keeps_its_text(progress_catalog: Catalog) -> None:
    question = progress_catalog.by_id["mini-ml-when"]
    fields = note_fields(question)
    assert fields[0] == "什么时候应该使用机器学习？"
    assert fields[FIELDS.index("Choices")] == ""


def test_the_cli_writes_a_shipped_deck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIZBOT_CONTENT", str(FIXTURES / "progress.yaml"))
    out = tmp_path / "drill.apkg"
    assert main(["export-anki", "drill", str(out)]) == 0
    assert "Wrote 7 notes from deck drill" in capsys.readouterr().out
    assert zipfile.is_zipfile(out)


def test_the_cli_names_the_known_decks_for_an_unknown_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIZBOT_CONTENT", f"{FIXTURES / 'mini.yaml'}:{FIXTURES / 'progress.yaml'}")
    assert main(["export-anki", "nope", str(tmp_path / "x.apkg")]) == 1
    err = capsys.readouterr().err
    assert "there is no deck 'nope'; known decks: drill, mini" in err
    assert not (tmp_path / "x.apkg").exists()
