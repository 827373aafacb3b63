"""The console's `/quiz zh` and `/lang quiz zh|en|all`, in a real subprocess: the setting
is kept in the database, so the next session asks in that language too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.console.test_console import play

CHINESE_QUESTION = "什么时候应该使用机器学习？"
FIRST_ENGLISH = "Why do production teams report latency as percentiles?"


def test_quiz_zh_asks_the_chinese_question_and_quiz_zh_on_an_english_topic_says_so(
    tmp_path: Path,
) -> None:
    run = play(tmp_path / "quiz.db", "/quiz zh\n/quiz zh latency\n/quit\n")

    assert run.returncode == 0, run.stderr
    assert FIRST_ENGLISH in run.stdout  # the session opens with the first question
    assert CHINESE_QUESTION in run.stdout
    assert "The decks here have no Chinese question about latency." in run.stdout
    assert "Traceback" not in run.stderr


def stored_setting(db: Path) -> str | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT question_languages FROM chats WHERE platform = 'console'")
        return row.fetchone()[0]


def test_the_setting_is_shown_set_kept_for_the_next_session_and_reset(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    first = play(db, "/lang quiz\n/lang quiz zh\n/lang quiz fr\n/quit\n")
    after_first = stored_setting(db)
    second = play(db, "/skip\n/quiz en\n/lang quiz all\n/quit\n")

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "📚 Questions here come in every language." in first.stdout
    assert "📚 Done: daily questions and /quiz here now come in Chinese only" in first.stdout
    assert "Usage: /lang quiz zh|en|all:" in first.stdout  # fr is no content language
    assert after_first == "zh"
    # The question left open by the first session comes back; after /skip the next one is
    # the Chinese one (the setting was kept), and /quiz en still asks an English one.
    questions = [line for line in second.stdout.splitlines() if line.startswith("Question ")]
    assert questions == [
        "Question 1 · DMLS ch1.2 latency · New",
        "Question 2 · DMLS ch1.1 何时使用机器学习 · New",
        "Question 3 · DMLS ch1.2 latency · New",
    ]
    assert CHINESE_QUESTION in second.stdout
    assert "How does batching affect inference?" in second.stdout
    assert "📚 Done: questions here now come in every language." in second.stdout
    assert stored_setting(db) is None
