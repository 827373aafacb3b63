"""`quizbot content grade PATH [PATH ...] --question ID`, run in a subprocess.

Answers come from standard input, one per line; the output is one JSON object per answer,
in input order, with at least "score", "covered" and "missed" (the key points' texts).
Exit 2 for an unknown question id, 1 (every problem listed) for broken decks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.test_cli_content import BROKEN, ROOT, clean_env

DECK = """\
deck: tryout
title: Trying key points
questions:
  - id: tryout-latency
    topic: Latency
    question: Why do production teams report latency as percentiles?
    answer: The mean hides slow outliers; p99 shows the tail.
    key_points:
      - point: The mean hides slow outliers
        match: [average, outlier]
      - point: High percentiles such as p99 show the tail
      - point: Histograms keep percentiles mergeable
        optional: true
  - id: tryout-poll
    topic: Latency
    question: Which number shows the tail?
    answer: p99
    choices: [mean, p99]
    correct: 1
"""


def grade_cli(tmp_path: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "content", "grade", *args],
        input=stdin,
        capture_output=True,
        env=clean_env(tmp_path),
        cwd=tmp_path,
        timeout=120,
    )


def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "tryout.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def test_each_answer_gets_one_json_line_in_input_order(tmp_path: Path) -> None:
    answers = [
        "Averages get skewed by a few outliers, and p99 exposes the slow tail.",
        "",
        "My cat likes milk.",
        "the 99th percentile shows the slowest requests in the tail",
    ]
    stdin = "\n".join(answers).encode() + b"\n"

    result = grade_cli(
        tmp_path, str(deck_file(tmp_path)), "--question", "tryout-latency", stdin=stdin
    )

    assert result.returncode == 0, result.stderr.decode()
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(lines) == 4
    strong, empty, off_topic, other_words = lines
    assert strong["covered"] == [
        "The mean hides slow outliers",
        "High percentiles such as p99 show the tail",
    ]
    assert strong["missed"] == ["Histograms keep percentiles mergeable"]
    assert strong["score"] == 1.0
    assert strong["evidence"][0] == "Averages get skewed by a few outliers"
    assert empty == {
        "score": 0.0,
        "covered": [],
        "missed": [
            "The mean hides slow outliers",
            "High percentiles such as p99 show the tail",
            "Histograms keep percentiles mergeable",
        ],
        "evidence": [],
        "credits": [0.0, 0.0, 0.0],
    }
    assert off_topic["score"] < 0.2
    assert off_topic["covered"] == []
    assert "High percentiles such as p99 show the tail" in other_words["covered"]
    assert 0.0 < other_words["score"] < strong["score"]


def test_an_unknown_question_id_exits_2_and_names_it(tmp_path: Path) -> None:
    result = grade_cli(
        tmp_path, str(deck_file(tmp_path)), "--question", "tryout-nope", stdin=b"x\n"
    )
    assert result.returncode == 2
    assert result.stdout == b""
    assert "'tryout-nope'" in result.stderr.decode()


def test_a_question_without_key_points_exits_2(tmp_path: Path) -> None:
    result = grade_cli(
        tmp_path, str(deck_file(tmp_path)), "--question", "tryout-poll", stdin=b"x\n"
    )
    assert result.returncode == 2
    assert "no key points" in result.stderr.decode()


def test_broken_decks_exit_1_with_every_problem_located_and_no_traceback(tmp_path: Path) -> None:
    result = grade_cli(tmp_path, str(BROKEN), "--question", "anything", stdin=b"x\n")
    assert result.returncode == 1
    errors = result.stderr.decode()
    assert "Traceback" not in errors
    assert ".yaml:" in errors
    assert result.stdout == b""


def test_bytes_that_are_not_utf8_are_graded_not_fatal(tmp_path: Path) -> None:
    stdin = b"the average \xff\xfe hides outliers\r\nsecond\n"
    result = grade_cli(
        tmp_path, str(deck_file(tmp_path)), "--question", "tryout-latency", stdin=stdin
    )
    assert result.returncode == 0, result.stderr.decode()
    first, second = (json.loads(line) for line in result.stdout.decode().splitlines())
    assert "The mean hides slow outliers" in first["covered"]
    assert second["covered"] == []


def test_the_bundled_decks_are_graded_from_a_folder(tmp_path: Path) -> None:
    stdin = "数据不够的时候不适合用机器学习\n".encode()
    result = grade_cli(
        tmp_path, str(ROOT / "content"), "--question", "dmls-ch1-1-when-not-to-use-ml", stdin=stdin
    )
    assert result.returncode == 0, result.stderr.decode()
    (line,) = (json.loads(text) for text in result.stdout.decode().splitlines())
    assert line["covered"] == ["没有可用的数据"]
