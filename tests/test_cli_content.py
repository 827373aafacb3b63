"""The real command line, run in a subprocess: `python -m bot` and the installed `quizbot`.

`quizbot content check [PATH ...]` prints a summary, or every error on its own line as
`FILE:LINE:COL: message` and exits 1 (DESIGN.md, "Command line").
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import __version__
from bot.decks import ContentError, load_decks

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "decks" / "fixtures"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"
SCRIPT = Path(sys.executable).parent / ("quizbot.exe" if os.name == "nt" else "quizbot")
ISSUE_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>\S.*)$")

Run = Callable[..., subprocess.CompletedProcess[str]]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The current environment without any quizbot, Telegram or Discord setting."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QUIZBOT_", "TELEGRAM_", "DISCORD_"))
    }
    env["QUIZBOT_DB"] = str(tmp_path / "quizbot.db")
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def _command(entry: str) -> list[str]:
    if entry == "module":
        return [sys.executable, "-m", "bot"]
    assert SCRIPT.exists(), f"install the project (README) so quizbot is next to {sys.executable}"
    return [str(SCRIPT)]


@pytest.fixture(params=["module", "script"])
def run(request: pytest.FixtureRequest, tmp_path: Path) -> Run:
    command = _command(request.param)

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=clean_env(tmp_path, **env),
            cwd=tmp_path,
            timeout=120,
        )

    return run


def expected_issues(*paths: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_decks(paths)
    return [str(issue) for issue in caught.value.issues]


# --- content check ----------------------------------------------------------------------


def test_good_deck_prints_a_summary_and_exits_0(run: Run) -> None:
    result = run("content", "check", str(GOOD / "basics.yaml"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "OK: 3 questions (1 multiple choice) in 1 deck, 2 topics."
    assert lines[1].strip().startswith("basics: Production ML basics (3 questions)")
    assert result.stderr == ""


def test_good_folder_counts_every_deck(run: Run) -> None:
    result = run("content", "check", str(GOOD))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 7 questions (2 multiple choice) in 3 decks, 5 topics.")
    assert "zh-notes: 机器学习系统设计（中文笔记） (3 questions)" in result.stdout


def test_broken_folder_prints_each_error_on_its_own_line_and_exits_1(run: Run) -> None:
    expected = expected_issues(BROKEN)

    result = run("content", "check", str(BROKEN))

    assert result.returncode == 1
    assert result.stdout == ""
    *issue_lines, summary = result.stderr.splitlines()
    assert issue_lines == expected
    assert summary == f"{len(expected)} errors found."
    for line in issue_lines:
        match = ISSUE_LINE.match(line)
        assert match, line
        assert Path(match["file"]).is_file()
        assert int(match["line"]) >= 1 and int(match["column"]) >= 1
    assert len(issue_lines) >= 20  # one per kind of error, and more


def test_a_single_broken_deck_names_file_line_column_and_field(run: Run) -> None:
    path = BROKEN / "explanation_too_long.yaml"
    result = run("content", "check", str(path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}:10:18: questions[0].explanation: must be at most 200 characters "
        "(this one has 207)",
        "1 error found.",
    ]


def test_a_missing_path_is_a_located_error(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-deck.yaml"
    result = run("content", "check", str(GOOD), str(missing))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{missing}:1:1: no such deck file or folder",
        "1 error found.",
    ]


def test_good_and_broken_together_still_fail(run: Run) -> None:
    result = run("content", "check", str(GOOD), str(BROKEN / "bad_id.yaml"))
    assert result.returncode == 1
    assert "questions[0].id: 'Latency P99'" in result.stderr
    assert "OK:" not in result.stdout


def test_configured_content_is_checked_without_arguments(run: Run) -> None:
    joined = f"{GOOD / 'minimal.yaml'}:{GOOD / 'zh.yaml'}"  # several paths, joined with ':'
    result = run("content", "check", QUIZBOT_CONTENT=joined)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 4 questions (1 multiple choice) in 2 decks")


def test_the_shipped_decks_pass(run: Run) -> None:
    result = run("content", "check")
    assert result.returncode == 0, result.stderr
    count = int(result.stdout.split()[1])
    assert result.stdout.startswith("OK: ") and count >= 46  # every question in the notes


# --- the rest of the command line's contract --------------------------------------------


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"quizbot {__version__}"


def test_help(run: Run) -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("run", "console", "content", "backup"):
        assert command in result.stdout


@pytest.mark.parametrize("token", [None, "", "   "])
def test_run_without_a_token_explains_botfather_and_the_console(
    run: Run, token: str | None
) -> None:
    env = {} if token is None else {"TELEGRAM_BOT_TOKEN": token}
    result = run("run", **env)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "BotFather" in result.stderr
    assert "quizbot console" in result.stderr


def test_nasty_markdown_passes_since_it_always_renders_well_formed(run: Run) -> None:
    result = run("content", "check", str(ROOT / "tests" / "fixtures" / "nasty_markdown.yaml"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 1 question (0 multiple choice) in 1 deck")


def test_markup_a_platform_would_refuse_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were rendering ever to cross tags again, loading (and so `content check` and the
    bot's start) would name the field, not send it."""
    import bot.decks.markdown as markdown

    def crossing(text: str) -> str:  # the renderer this deck once broke
        bold = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"<b>\1</b>", markdown.escape_html(text))
        return re.sub(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", r"<i>\1</i>", bold)

    monkeypatch.setattr(markdown, "telegram_html", crossing)
    deck = tmp_path / "crossing.yaml"
    deck.write_text(
        "deck: crossing\n"
        "title: Crossing\n"
        "questions:\n"
        "  - id: crossing-1\n"
        "    topic: Markup\n"
        "    question: Plain?\n"
        "    answer: |\n"
        "      **a *b** c*\n",
        encoding="utf-8",
    )
    assert expected_issues(deck) == [
        f"{deck}:7:13: questions[0].answer: as Telegram markup: </b> crosses <i> (tags must nest)"
    ]
