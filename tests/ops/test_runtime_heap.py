"""The start-up heap is frozen once per process, so full garbage collections stop walking
the decks, the grader's vocabulary and the libraries again and again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROGRAM = """
import asyncio, gc, json, sys
from bot.config import Settings
from bot.ops.runtime import open_engine

async def main():
    settings = Settings.from_env({"QUIZBOT_DB": sys.argv[1]})
    before = gc.get_freeze_count()
    async with open_engine(settings):
        first = gc.get_freeze_count()
    made_later = [[n] for n in range(100_000)]  # tracked containers made after start-up
    async with open_engine(settings):
        second = gc.get_freeze_count()
    print(json.dumps({"before": before, "first": first, "second": second,
                      "later_tracked": all(gc.is_tracked(x) for x in made_later)}))

asyncio.run(main())
"""


def test_opening_the_engine_freezes_the_start_up_heap_once(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(tmp_path / "quiz.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["before"] == 0
    assert counts["first"] > 10_000  # the decks, the grader, the libraries
    # A second engine freezes nothing more (else the 100,000 lists made since would count).
    assert counts["second"] < counts["first"] + 50_000
    assert counts["later_tracked"] is True
