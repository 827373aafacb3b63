"""idle: the running bot's resident memory with 10,000 chats scheduled.

`quizbot run` in a subprocess (the shipped decks, real wall clock) against the test Bot
API server, on a database with 10,000 subscribed chats (a fifth of them groups) spread
over every quarter hour of the day in four timezones (a few hundred schedule slots, each
an APScheduler job). Once the bot holds its long poll (so its scheduler has started) and
a moment has passed for the start-up catch-up, VmRSS is read from /proc several times.

Catch-up is turned off (QUIZBOT_CATCHUP_HOURS=0) and no slot fires within minutes of the
run, so the bot is idle: nothing is sent while it is measured.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from benchmarks import quizbot
from benchmarks.apiserver import ServerProcess
from benchmarks.seed import seed_chats, split
from benchmarks.stats import median

CHATS = 10_000
QUICK_CHATS = 2_000
"""`--quick` schedules a fifth of the chats: the same code, not the figure of the target."""
GROUP_SHARE = 0.2
TIMEZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Shanghai")
QUIET_MINUTES = 10
"""No slot fires this many minutes either side of the start."""
SETTLE_S = 2.0
QUICK_SETTLE_S = 1.0
SAMPLES = 5
TARGET_RSS_MB = 150.0


def quiet_slots(now: datetime) -> list[tuple[str, str]]:
    """Every quarter hour in each timezone, less those firing near `now`."""
    slots = []
    for zone in TIMEZONES:
        local = now.astimezone(ZoneInfo(zone))
        minute_now = local.hour * 60 + local.minute
        for minute in range(0, 24 * 60, 15):
            gap = abs(minute - minute_now)
            if min(gap, 24 * 60 - gap) > QUIET_MINUTES:
                slots.append((f"{minute // 60:02d}:{minute % 60:02d}", zone))
    return slots


def _log_file(path: Path) -> BinaryIO:
    return path.open("wb")


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB."""
    found = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


async def run(*, quick: bool) -> dict[str, Any]:
    now = datetime.now(UTC)
    slots = quiet_slots(now)
    chats = QUICK_CHATS if quick else CHATS
    people, groups = split(chats, GROUP_SHARE)
    with tempfile.TemporaryDirectory(prefix="quizbot-idle-") as folder:
        db_path = Path(folder) / "idle.db"
        seeded = await seed_chats(
            db_path, people=people, groups=groups, now=now - timedelta(days=3), slots=slots
        )
        async with ServerProcess() as server:
            await server.call("add_bot", token=quizbot.TOKEN, username=quizbot.USERNAME)
            await server.call("add_groups", ids=seeded.groups)
            env = {
                **os.environ,
                "TELEGRAM_BOT_TOKEN": quizbot.TOKEN,
                "QUIZBOT_TELEGRAM_API_URL": server.url,
                "QUIZBOT_DB": str(db_path),
                "QUIZBOT_CATCHUP_HOURS": "0",
                "QUIZBOT_LOG_LEVEL": "INFO",
            }
            env.pop("QUIZBOT_CONTENT", None)
            log_path = Path(folder) / "bot.log"
            with _log_file(log_path) as log:
                started = time.perf_counter()
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot",
                    "run",
                    env=env,
                    stdout=log,
                    stderr=log,
                )
                try:
                    await server.call("wait_polling", token=quizbot.TOKEN, within=60.0)
                    ready_s = time.perf_counter() - started
                    await asyncio.sleep(QUICK_SETTLE_S if quick else SETTLE_S)
                    samples = []
                    for _ in range(SAMPLES):
                        samples.append(_status(process.pid))
                        await asyncio.sleep(0.2)
                    alive = process.returncode is None
                finally:
                    if process.returncode is None:
                        process.terminate()
                    try:
                        code = await asyncio.wait_for(process.wait(), 20)
                    except TimeoutError:
                        process.kill()
                        code = await process.wait()
            sends = await server.call("sends", token=quizbot.TOKEN)
        logged = log_path.read_text(encoding="utf-8", errors="replace")
    rss_mb = median([s["VmRSS"] for s in samples]) / 1024
    result: dict[str, Any] = {
        "chats": chats,
        "slots": len(slots),
        "rss_mb": round(rss_mb, 1),
        "peak_rss_mb": round(max(s["VmHWM"] for s in samples) / 1024, 1),
        "ready_s": round(ready_s, 2),
        "sent_while_idle": sends["accepted"],
        "exit_code": code,
    }
    result["ok"] = alive and code == 0 and "quizbot started" in logged
    result["meets_target"] = result["ok"] and chats == CHATS and rss_mb < TARGET_RSS_MB
    if not result["ok"]:
        result["log_tail"] = logged[-3000:]
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(asyncio.run(run(quick=True))))
