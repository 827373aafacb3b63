"""decks: loading and validating 10,000 questions across 20 files.

The load runs in a fresh child process so that its peak memory is its own.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.stats import median, peak_rss_mb

FILES = 20
QUESTIONS = 10_000
QUICK_QUESTIONS = 2_000
"""`--quick` loads a fifth of the set: the same code, not the figure the target is about."""
TARGET_LOAD_S = 1.0


async def run(*, quick: bool) -> dict[str, Any]:
    questions = QUICK_QUESTIONS if quick else QUESTIONS
    with tempfile.TemporaryDirectory(prefix="quizbot-decks-") as folder:
        write_decks(Path(folder), FILES, questions)
        runs = [await _load_in_child(Path(folder)) for _ in range(1 if quick else 3)]
    loaded = {r["questions"] for r in runs}
    result = {
        "files": FILES,
        "questions": questions,
        "load_s": round(median([r["load_s"] for r in runs]), 3),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
        "ok": loaded == {questions},
    }
    result["meets_target"] = questions == QUESTIONS and result["load_s"] < TARGET_LOAD_S
    return result


def write_decks(folder: Path, files: int, questions: int) -> None:
    per_file = questions // files
    for number in range(files):
        lines = [f"deck: bench-{number}", f"title: Benchmark deck {number}", "questions:"]
        for index in range(per_file):
            qid = f"bench-{number}-{index}"
            lines += [
                f"  - id: {qid}",
                f"    topic: Bench ch{index % 12} topic",
                "    tags: [bench, load]",
                f"    question: What does question {index} of deck {number} ask about latency?",
                "    answer: |",
                "      Percentiles show the tail; the mean hides slow outliers.",
                "      - p95 and p99",
                "    key_points:",
                "      - point: The mean hides outliers",
                "        match: [outlier, mean is misleading]",
                "      - point: Percentiles show the tail",
                "        match: [p99, tail]",
            ]
        (folder / f"deck{number:02d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


async def _load_in_child(folder: Path) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.bench_decks",
        str(folder),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"deck load failed with exit code {process.returncode}")
    return json.loads(out)


def _child(folder: Path) -> None:
    from bot.decks import Catalog

    started = time.perf_counter()
    catalog = Catalog.load([folder])
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "questions": len(catalog.questions),
                "load_s": elapsed,
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    _child(Path(sys.argv[1]))
