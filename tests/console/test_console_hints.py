"""`?` for a hint and /idk at the console's answer prompt, in a real subprocess."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.console.test_console import play


def attempts(db: Path) -> list[tuple[str, float, int]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT question_id, score, points FROM attempts ORDER BY id"
        ).fetchall()


def test_an_empty_line_offers_a_hint_and_i_dont_know_instead_of_a_silent_prompt(
    tmp_path: Path,
) -> None:
    run = play(tmp_path / "quiz.db", "\n/quit\n")

    assert run.returncode == 0, run.stderr
    assert "Nothing typed. Type your answer, `?` for a hint" in run.stdout
    assert "/idk to see the model answer" in run.stdout
    assert attempts(tmp_path / "quiz.db") == []


def test_a_hint_shows_the_first_key_point_and_caps_the_answer(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    script = "?\nThe mean hides outliers, so p99 shows the tail\n\n\n/quit\n"

    run = play(db, script)

    assert run.returncode == 0, run.stderr
    assert "Hint: The mean hides slow outliers" in run.stdout
    assert "scores at most 50%, 5 points" in run.stdout
    assert "Score: 2/2 key points (50%)" in run.stdout
    assert "Rated Hard" in run.stdout  # the capped score proposes Hard
    assert attempts(db) == [("mini-latency", 0.5, 5)]


def test_i_dont_know_shows_the_model_answer_rates_again_and_moves_on(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"

    run = play(db, "/idk\n/quit\n")

    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "The mean hides slow outliers; p95 and p99 show the tail users feel." in out
    assert "Rated Again" in out
    assert "🔥 streak 1 day" in out
    assert "How does batching affect inference?" in out  # the next question
    assert attempts(db) == [("mini-latency", 0.0, 0)]
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT rating FROM reviews").fetchall() == [(1,)]
