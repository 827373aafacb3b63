"""Run benchmarks and print one JSON object per line."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
import time
import traceback
from typing import Any

BENCHMARKS = ("fanout", "scaleout", "answers", "store", "decks", "idle", "charts", "grading")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="small sizes: the set in under 60 s")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    failed = 0
    for name in args.names or BENCHMARKS:
        result = run_one(name, quick=args.quick)
        failed += not result.get("ok", False)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if failed else 0


def run_one(name: str, *, quick: bool) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        figures = asyncio.run(module.run(quick=quick))
    except Exception as exc:  # a broken benchmark still prints its line
        traceback.print_exc(file=sys.stderr)
        figures = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"bench": name, **figures, "wall_s": round(time.perf_counter() - started, 2)}


if __name__ == "__main__":
    raise SystemExit(main())
