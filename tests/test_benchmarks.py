"""Smoke test of the benchmarks contract: `python -m benchmarks --quick` prints one JSON
object per benchmark, each with its figures and "ok": true, well within CI's budget."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.__main__ import BENCHMARKS

ROOT = Path(__file__).resolve().parents[1]
QUICK_BUDGET_S = 60.0
"""DESIGN.md: the quick set runs in under a minute on a 2-core machine."""

REQUIRED = {
    "fanout": {
        "chats",
        "limit_per_s",
        "achieved_per_s",
        "ratio_to_limit",
        "violations",
        "missed",
        "duplicates",
        "cpu_s_per_1000_msgs",
        "paid_ratio_to_limit",
    },
    "answers": {
        "updates",
        "answers_per_s",
        "echo_per_s",
        "ratio_to_echo",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "echo_p99_ms",
        "server_limits",
    },
    "store": {"ratio", "attempts_per_s", "raw_per_s", "leaderboard_p99_ms"},
    "decks": {"load_s", "questions"},
    "idle": {"rss_mb", "chats"},
}


def test_the_quick_set_prints_one_ok_line_per_benchmark() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=QUICK_BUDGET_S * 3,  # a noisy CI machine gets slack; the budget is below
        check=False,
    )
    elapsed = time.monotonic() - started
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    results = [json.loads(line) for line in lines]
    assert [result["bench"] for result in results] == list(BENCHMARKS), done.stderr[-3000:]
    for result in results:
        name = result["bench"]
        assert result["ok"] is True, f"{name}: {result}\n{done.stderr[-3000:]}"
        assert "meets_target" in result, name
        assert isinstance(result["wall_s"], int | float), name
        missing = REQUIRED.get(name, set()) - result.keys()
        assert not missing, f"{name} lacks {sorted(missing)}"
    fanout = results[list(BENCHMARKS).index("fanout")]
    assert fanout["missed"] == 0 and fanout["duplicates"] == 0
    assert done.returncode == 0, done.stderr[-3000:]
    assert elapsed < QUICK_BUDGET_S * 1.5, f"the quick set took {elapsed:.0f} s"
