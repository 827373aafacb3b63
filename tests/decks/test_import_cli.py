"""`quizbot content import` run for real, in a subprocess, against configured content."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NOTES = Path(__file__).resolve().parent / "fixtures" / "notes"
GOOD = Path(__file__).resolve().parent / "fixtures" / "good"


def quizbot(*args: str, content: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QUIZBOT_", "TELEGRAM_", "DISCORD_"))
    }
    env |= {
        "QUIZBOT_CONTENT": str(content),
        "QUIZBOT_DB": str(tmp_path / "quizbot.db"),
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def test_importing_under_the_id_of_a_configured_deck_exits_2_and_writes_nothing(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "basics.yaml").write_bytes((GOOD / "basics.yaml").read_bytes())
    out = content / "basics-notes.yaml"
    result = quizbot(
        "content",
        "import",
        str(NOTES / "reading-notes.md"),
        "--deck",
        "basics",
        "-o",
        str(out),
        content=content,
        tmp_path=tmp_path,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "quizbot content import: --deck basics: the configured content already has a deck "
        "'basics' (two decks with one id cannot both be loaded); use --deck basics-notes for "
        "a new deck, or -o that deck's own file to add to it"
    ]
    assert not out.exists()
    assert sorted(p.name for p in content.iterdir()) == ["basics.yaml"]


def test_the_suggested_id_imports_into_a_deck_the_content_check_accepts(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "basics.yaml").write_bytes((GOOD / "basics.yaml").read_bytes())
    out = content / "basics-notes.yaml"
    imported = quizbot(
        "content",
        "import",
        str(NOTES / "reading-notes.md"),
        "--deck",
        "basics-notes",
        "-o",
        str(out),
        content=content,
        tmp_path=tmp_path,
    )
    assert imported.returncode == 0, imported.stderr
    assert "Wrote deck 'basics-notes' (42 questions)" in imported.stdout
    checked = quizbot("content", "check", content=content, tmp_path=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "basics-notes:" in checked.stdout


def test_update_from_the_command_line_reports_and_keeps_a_checkable_deck(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    notes = tmp_path / "notes.md"
    original = (NOTES / "reading-notes.md").read_text(encoding="utf-8")
    notes.write_text(original, encoding="utf-8")
    out = content / "dmls.yaml"
    args = ("content", "import", str(notes), "--deck", "dmls", "-o", str(out))
    assert quizbot(*args, content=content, tmp_path=tmp_path).returncode == 0
    ids = out.read_text(encoding="utf-8").count("  - id: dmls-")
    notes.write_text(
        original.replace("蓄水池抽样适合数据流", "蓄水池抽样适合无界的数据流"), encoding="utf-8"
    )
    updated = quizbot(*args, "--update", content=content, tmp_path=tmp_path)
    assert updated.returncode == 0, updated.stderr
    assert "0 new, 1 updated, 41 unchanged, 0 skipped" in updated.stdout
    assert "蓄水池抽样适合无界的数据流" in out.read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8").count("  - id: dmls-") == ids
    checked = quizbot("content", "check", content=content, tmp_path=tmp_path)
    assert checked.returncode == 0, checked.stderr
