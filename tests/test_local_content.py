"""The README's deck workflow after `pip install .`: decks written into `./content` are the
ones every command reads, and a start says which decks it loaded and from where."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "tests" / "decks" / "fixtures" / "notes" / "reading-notes.md"
MINI_DECK = ROOT / "tests" / "fixtures" / "mini.yaml"


def quizbot(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QUIZBOT_", "TELEGRAM_", "DISCORD_"))
    }
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_without_a_content_folder_the_bundled_decks_are_read(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()  # an empty folder is not a deck source

    run = quizbot(tmp_path, "content", "check")

    assert run.returncode == 0, run.stderr
    assert "dmls: " in run.stdout and "aie: " in run.stdout


def test_imported_notes_in_content_are_what_the_bot_reads(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    shutil.copy(NOTES, tmp_path / "notes" / "ch4.md")
    (tmp_path / "content").mkdir()

    imported = quizbot(
        tmp_path, "content", "import", "notes/ch4.md", "--deck", "mine", "-o", "content/mine.yaml"
    )
    assert imported.returncode == 0, imported.stderr
    check = quizbot(tmp_path, "content", "check")
    console = quizbot(tmp_path, "console", stdin="/quit\n")

    assert check.returncode == 0, check.stderr
    assert "  mine: " in check.stdout and "dmls" not in check.stdout
    assert console.returncode == 0, console.stderr
    first = console.stdout.splitlines()[0]
    assert first.startswith("Decks from content: mine (") and "questions)" in first


def test_quizbot_content_wins_over_the_content_folder(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    shutil.copy(MINI_DECK, tmp_path / "content" / "mini.yaml")
    elsewhere = tmp_path / "elsewhere.yaml"
    shutil.copy(ROOT / "content" / "aie.yaml", elsewhere)

    env_run = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check"],
        cwd=tmp_path,
        env={**os.environ, "QUIZBOT_CONTENT": str(elsewhere)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert env_run.returncode == 0, env_run.stderr
    assert "  aie: " in env_run.stdout and "mini" not in env_run.stdout
