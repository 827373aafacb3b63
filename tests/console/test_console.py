"""`quizbot console` driven through a pipe, as a script would, in a real subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def play(db: Path, script: str, *, user: str = "ann") -> subprocess.CompletedProcess[str]:
    return quizbot(db, script, "console", "--user", user)


LOCALE = ("QUIZBOT_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


def quizbot(
    db: Path, script: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `quizbot ARGS` on the mini deck with no token, `script` as its input, in an
    English locale unless `env` says otherwise."""
    environment = {name: value for name, value in os.environ.items() if name not in LOCALE}
    env = {
        **environment,
        "LANG": "C.UTF-8",
        "QUIZBOT_DB": str(db),
        "QUIZBOT_CONTENT": str(FIXTURES / "mini.yaml"),
        "PYTHONIOENCODING": "utf-8",
        **(env or {}),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=script,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


THREE_QUESTIONS = "\n".join(
    [
        "The mean hides outliers, so p99 shows the tail",  # mini-latency: strong
        "",
        "4",  # rate Easy
        "Batching gives more throughput",  # mini-batching: partial
        "",
        "",  # accept the proposed rating
        "2",  # mini-parquet: multiple choice, right
        "",
        "",
        "/quit",
        "",
    ]
)


def test_console_plays_three_questions_with_feedback_and_ratings(tmp_path: Path) -> None:
    run = play(tmp_path / "quiz.db", THREE_QUESTIONS)

    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "Why do production teams report latency as percentiles?" in out
    assert "Score: 2/2 key points (100%)" in out
    assert "Rated Easy" in out
    assert "How does batching affect inference?" in out
    assert "Score: 1/2 key points (50%)" in out
    assert "  ✗ Waiting adds latency" in out
    assert "  ✓ Higher throughput (you said: “Batching gives more throughput”)" in out
    assert "Rated Hard" in out  # the proposal for half the points, accepted with Enter
    assert "✓ Correct!" in out
    assert "Bye! 🔥 streak 1 day" in out
    assert "Traceback" not in run.stderr


def test_console_keeps_streak_and_history_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    play(db, THREE_QUESTIONS)

    again = play(db, "/stats\n/quit\n")

    assert again.returncode == 0, again.stderr
    assert "Answered 3 times · 3/4 questions seen" in again.stdout
    assert "🔥 streak 1 day" in again.stdout
    with sqlite3.connect(db) as conn:
        attempts = conn.execute("SELECT question_id FROM attempts ORDER BY id").fetchall()
        ratings = conn.execute("SELECT rating FROM reviews ORDER BY id").fetchall()
    assert [a[0] for a in attempts] == ["mini-latency", "mini-batching", "mini-parquet"]
    assert [r[0] for r in ratings] == [4, 2, 3]


def test_console_shows_the_unanswered_question_again_after_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    first = play(db, THREE_QUESTIONS)
    assert "Question 4 · DMLS ch1.1 何时使用机器学习" in first.stdout  # shown, then /quit

    again = play(db, "/quit\n")

    assert "Question 1 · DMLS ch1.1 何时使用机器学习" in again.stdout
    assert "什么时候应该使用机器学习？" in again.stdout


def test_console_lists_topics_for_an_unknown_filter(tmp_path: Path) -> None:
    run = play(tmp_path / "quiz.db", "/quiz quantum\n/quit\n")

    assert "Nothing matches 'quantum'." in run.stdout
    assert "DMLS ch3.1 data formats (1)" in run.stdout


def test_console_ends_cleanly_at_end_of_input(tmp_path: Path) -> None:
    run = play(tmp_path / "quiz.db", "")

    assert run.returncode == 0
    assert "Bye!" in run.stdout
    assert run.stderr == ""


def test_start_without_a_token_plays_the_console_quiz(tmp_path: Path) -> None:
    run = quizbot(
        tmp_path / "quiz.db",
        "The mean hides outliers, so p99 shows the tail\n\n4\n/quit\n",
        "start",
    )

    assert run.returncode == 0, run.stderr
    assert "TELEGRAM_BOT_TOKEN is not set: starting the quiz in this terminal." in run.stdout
    assert "Bye!" in run.stdout
    assert "Traceback" not in run.stderr
    with sqlite3.connect(tmp_path / "quiz.db") as db:
        assert db.execute("SELECT count(*) FROM attempts").fetchone()[0] == 1


def test_console_refuses_to_start_on_a_broken_deck(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: x\ntitle: t\nquestions: []\n", encoding="utf-8")
    env = {**os.environ, "QUIZBOT_DB": str(tmp_path / "q.db"), "QUIZBOT_CONTENT": str(broken)}

    run = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert run.returncode == 1
    assert f"{broken}:3:12: questions: must have at least 1 item(s)" in run.stderr
    assert not (tmp_path / "q.db").exists()


def play_decks(
    db: Path, script: str, *args: str, user: str = "ann"
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QUIZBOT_DB": str(db),
        "QUIZBOT_CONTENT": f"{FIXTURES / 'mini.yaml'}:{FIXTURES / 'open.yaml'}",
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", "--user", user, *args],
        input=script,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def test_console_deck_option_asks_only_from_that_deck_and_remembers_it(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    run = play_decks(db, "/quit\n", "--deck", "open")

    assert run.returncode == 0, run.stderr
    assert "Questions now come from open (1 question)." in run.stdout
    assert "Tell me about a project you are proud of." in run.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT decks FROM chats").fetchone() == ('["open"]',)

    again = play_decks(db, "/skip\n/quit\n")  # no option: the choice stays
    assert "percentiles" not in again.stdout and "batching" not in again.stdout


def test_console_deck_use_at_the_prompt_switches_decks(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    run = play_decks(
        db, "/deck use open\n/decks\n/deck use nope\n/deck all\n/quit\n", "--deck", "mini"
    )

    out = run.stdout
    assert run.returncode == 0, run.stderr
    assert "Questions now come from mini (4 questions)." in out
    assert "Questions now come from open (1 question)." in out
    assert "✅ open" in out and "▫️ mini" in out
    assert "This chat cannot use nope." in out
    assert "Questions now come from mini, open (5 questions)." in out


def test_console_unknown_deck_option_stops_with_a_clear_message(tmp_path: Path) -> None:
    run = play_decks(tmp_path / "quiz.db", "", "--deck", "nope")

    assert run.returncode == 2
    assert "This chat cannot use nope." in run.stdout
    assert "Traceback" not in run.stderr


def test_quit_at_the_rating_prompt_ends_the_session(tmp_path: Path) -> None:
    run = play_decks(tmp_path / "quiz.db", "The mean hides outliers\n\n/quit\n", "--deck", "mini")

    assert run.returncode == 0, run.stderr
    assert "Please answer 1-4" not in run.stdout
    assert "Bye!" in run.stdout


def test_console_unknown_topic_keeps_the_open_question_and_suggests(tmp_path: Path) -> None:
    run = play(
        tmp_path / "quiz.db", "/quiz latncy\nThe mean hides outliers and p99 the tail\n\n\n/quit\n"
    )

    out = run.stdout
    assert run.returncode == 0, run.stderr
    assert "Nothing matches 'latncy'. Closest: DMLS ch1.2 latency, latency." in out
    assert "Your question is still open:" in out
    assert "Score: 2/2 key points (100%)" in out  # the answer went to the first question
