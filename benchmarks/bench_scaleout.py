"""scaleout: two replicas of the bot on one PostgreSQL database share one slot's fan-out
at Telegram's paid broadcast limit (1000 messages/s).

N chats (a fifth of them groups) share the 09:00 UTC slot in a PostgreSQL database. Two
replicas (`benchmarks.replica`: the real bot built as `quizbot run` builds it, each in a
process of its own) run the push due at 09:00 at the same moment: each claims chats
batch by batch (a chat is claimed once, by whichever replica gets it), and both take
their send slots from the one budget they share in the database
(`scheduler.sharedlimits`). The test Bot API server runs in a third process and refuses
every send over the limit: one second's window of `LIMIT_PER_S` overall, Telegram's 1 a
second per chat and 20 a minute per group, whichever replica sent it.

achieved_per_s = messages accepted by the server / (the first replica's start of the
push -> the last message's arrival); `cpu_ms_per_msg` is the CPU both replicas spent
on the push divided by the messages (the server's and PostgreSQL's not included;
`server_cpu_ms_per_msg` is the server's). The load average is reported with the
figures: on a shared 2-core machine the ratio depends on what else runs.

Needs PostgreSQL: `QUIZBOT_TEST_POSTGRES` (a server URL) or its server binaries (as the
tests find them, tests/postgres.py); without either the line says so, `ok` false.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks import quizbot
from benchmarks.apiserver import ServerProcess
from benchmarks.bench_fanout import _process_cpu_s
from benchmarks.replica import ReplicaProcess
from benchmarks.seed import seed_chats, split
from bot.store.pgdatabase import PostgresStore
from tests.botapi import RateLimits
from tests.postgres import Server, server_session

LIMIT_PER_S = 1000
"""Telegram's paid broadcast: up to 1000 messages a second, for the bot as a whole."""
REPLICAS = 2
GROUP_SHARE = 0.2
FIRE = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
TARGET_RATIO = 0.9


async def run(*, quick: bool, chats: int | None = None) -> dict[str, Any]:
    chats = chats or (800 if quick else 10_000)
    with contextmanager(server_session)() as server:
        if isinstance(server, str):
            return {
                "ok": False,
                "meets_target": False,
                "skipped": True,
                "reason": f"no PostgreSQL to scale out on: {server}",
            }
        return await _round(server, chats)


async def _round(server: Server, chats: int) -> dict[str, Any]:
    people, groups = split(chats, GROUP_SHARE)
    url = await server.create_database()
    try:
        seeded = await seed_chats(url, people=people, groups=groups, now=FIRE - timedelta(days=2))
        person_ids, group_ids = seeded.people, seeded.groups
        async with ServerProcess(RateLimits(overall_per_second=LIMIT_PER_S)) as api:
            await api.call("add_bot", token=quizbot.TOKEN, username=quizbot.USERNAME)
            await api.call("add_groups", ids=group_ids)
            replicas = [ReplicaProcess() for _ in range(REPLICAS)]
            for replica in replicas:
                await replica.__aenter__()
            try:
                await asyncio.gather(
                    *(
                        r.call(
                            "start",
                            api_url=api.url,
                            db_url=url,
                            limit=LIMIT_PER_S,
                            fire=FIRE.isoformat(),
                        )
                        for r in replicas
                    )
                )
                server_cpu = _process_cpu_s(api.pid)
                pushes = await asyncio.gather(*(r.call("push") for r in replicas))
                server_cpu = _process_cpu_s(api.pid) - server_cpu
                load = os.getloadavg()[0]
            finally:
                for replica in replicas:
                    await replica.__aexit__(None, None, None)
            sends = await api.call("sends", token=quizbot.TOKEN)
        statuses = await _statuses(url)
    finally:
        await server.drop_database(url)
    return _figures(chats, groups, person_ids + group_ids, pushes, sends, statuses) | {
        "server_cpu_ms_per_msg": round(server_cpu / max(1, sends["accepted"]) * 1000, 3),
        "load_avg_1m": round(load, 1),
    }


def _figures(
    chats: int,
    groups: int,
    chat_ids: list[int],
    pushes: list[dict[str, Any]],
    sends: dict[str, Any],
    statuses: dict[str, int],
) -> dict[str, Any]:
    per_chat = {int(chat): int(count) for chat, count in sends["per_chat"]}
    missed = sum(1 for chat in chat_ids if per_chat.get(chat, 0) == 0)
    duplicates = sum(count - 1 for count in per_chat.values() if count > 1)
    sent = sends["accepted"]
    started = min(push["started"] for push in pushes)
    delivering = sends["last"] - started
    achieved = sent / delivering if sent and delivering > 0 else 0.0
    cpu = sum(push["cpu_s"] for push in pushes)
    ok = (
        missed == 0
        and duplicates == 0
        and statuses.get("sent", 0) == chats
        and sends["server_errors"] == 0
        and sends["violations"] == 0
        and all(push["paced_by_the_common_budget"] for push in pushes)
    )
    ratio = round(achieved / LIMIT_PER_S, 3)
    return {
        "replicas": len(pushes),
        "chats": chats,
        "groups": groups,
        "limit_per_s": LIMIT_PER_S,
        "achieved_per_s": round(achieved, 1),
        "ratio_to_limit": ratio,
        "delivering_s": round(delivering, 2),
        "cpu_ms_per_msg": round(cpu / max(1, sent) * 1000, 3),
        "sent_by_replica": [push["sent"] for push in pushes],
        "cpu_share_by_replica": [
            round(push["cpu_s"] / push["elapsed_s"], 2) if push["elapsed_s"] > 0 else 0.0
            for push in pushes
        ],
        "claimed_by_the_other": sum(push["tally"].get("claimed before", 0) for push in pushes),
        "budget_statements": sum(push["reservations"] for push in pushes),
        "dropped_slots": sum(push["dropped_slots"] for push in pushes),
        "violations": sends["violations"],
        "refused": sends["refused"],
        "missed": missed,
        "duplicates": duplicates,
        "db_statuses": statuses,
        "server_limits": f"{LIMIT_PER_S}/s overall (1 s window), 1/s per chat, 20/min per group",
        "ok": ok,
        "meets_target": ok and ratio >= TARGET_RATIO,
    }


async def _statuses(url: str) -> dict[str, int]:
    store = await PostgresStore.open(url)
    try:
        async with store.read() as tx:
            rows = await tx.session.all(
                "SELECT status, count(*) FROM deliveries WHERE kind = 'daily' GROUP BY status"
            )
        return {str(row[0]): int(row[1]) for row in rows}
    finally:
        await store.close()


if __name__ == "__main__":
    import json
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else None
    print(json.dumps(asyncio.run(run(quick=True, chats=count))))
