"""The terminal's /chart (prints the PNG's path) and /quiz weak's note."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from bot.console.session import ConsoleSession, player_for
from bot.engine.quiz import Engine
from bot.progress.weak import NO_HISTORY_NOTE
from tests.progress.images import png_size


def session(engine: Engine, script: str, now: datetime, folder: Path) -> ConsoleSession:
    return ConsoleSession(
        engine=engine,
        player=player_for("ann"),
        stdin=io.StringIO(script),
        stdout=io.StringIO(),
        clock=lambda: now,
        chart_dir=folder,
    )


async def test_chart_prints_the_path_of_a_fresh_png(
    progress_engine: Engine, now: datetime, tmp_path: Path
) -> None:
    script = "The mean hides outliers, so p99 shows the tail\n\n\n/chart\n/quit\n"
    console = session(progress_engine, script, now, tmp_path)
    assert await console.run() == 0
    out = console.stdout.getvalue()  # type: ignore[attr-defined]
    path = Path(out.split("Your progress chart: ", 1)[1].splitlines()[0])
    assert path.parent == tmp_path
    assert png_size(path.read_bytes())[0] == 1080


async def test_quiz_weak_shows_its_note(
    progress_engine: Engine, now: datetime, tmp_path: Path
) -> None:
    console = session(progress_engine, "/quiz weak\n/quit\n", now, tmp_path)
    assert await console.run() == 0
    assert NO_HISTORY_NOTE in console.stdout.getvalue()  # type: ignore[attr-defined]
