"""Two `quizbot run` replicas in webhook mode on one PostgreSQL database are one bot.

The replicas are real processes (`python -m bot run --webhook-url ...`), the Bot API is
the test server in this process, which counts every send over Telegram's limits. The
chats subscribe through either replica (their `/subscribe` updates are posted to one
webhook or the other, as a load balancer would). Then both replicas are restarted (a
deploy) after the chats' push time: at start each finds the push due (it fired a few
minutes ago, the catch-up any start does) and they share the fan-out, their sends paced
by the one budget they share through the database. One replica is SIGKILLed about a
third of the way; once its claims' lease has run out it is started again and finishes
them. Then it is restarted once more, the same day, and sends nothing new.

The overall limit is raised on both sides (`RATE` a second, as a paid broadcast allows)
so the test takes seconds; the per-chat and per-group limits are Telegram's. The clock
is the real one: the push time is chosen from it, a few minutes before now in a zone
where it is midday (tests/e2e/fleet.py), so no local midnight is near.
"""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from tests.botapi import BotApiServer, RateLimits
from tests.e2e.fleet import chat_of, daily_statuses, is_question, midday_slots, question_sends
from tests.helpers import clean_environ, free_port
from tests.postgres import Server

TOKEN = "7300000003:AAHe2eReplicasTestTokenNeverLogged_q"
SECRET = "replicas-webhook-secret"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
MINI_DECK = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"
PEOPLE, GROUPS = 270, 30
CHATS = PEOPLE + GROUPS
FIRST_PERSON = 310_000_001
FIRST_GROUP = 5_200_000_001
ADMIN = 320_000_001
"""The person who subscribes every group (its administrator)."""
RATE = 100
"""Sends a second overall, on both sides (Telegram: 30; paid broadcast: up to 1000)."""
WORKERS = 32
"""Concurrent sends of each replica's fan-out (and so about how many claims it holds)."""
LEASE_S = 4.0
"""The replicas' claim lease (QUIZBOT_REPLICA_LEASE_SECONDS; in production minutes)."""
START_TIMEOUT = 60.0
WAIT_TIMEOUT = 60.0
QUIET_S = 3.0
"""How long a restarted replica is watched for sends it should not make."""


def wait_until(what: str, condition: Callable[[], bool], timeout: float, poll: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll)


@dataclass
class Replica:
    """One `quizbot run` process, restartable, its output in `log_path`."""

    name: str
    env: dict[str, str]
    port: int
    health_port: int
    folder: Path
    process: subprocess.Popen[str] | None = None
    runs: int = 0

    @property
    def hook(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram/hook"

    @property
    def log_path(self) -> Path:
        return self.folder / f"{self.name}-{self.runs}.log"

    def start(self) -> None:
        self.runs += 1
        command = [sys.executable, "-m", "bot", "run", "--webhook-url", self.hook]
        command += ["--listen", f"127.0.0.1:{self.port}"]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.folder,
                env={**self.env, "QUIZBOT_HEALTH_PORT": str(self.health_port)},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )

    def started(self) -> bool:
        assert self.process is not None and self.process.poll() is None, self.output()[-3000:]
        if "quizbot started" not in self.log_path.read_text():
            return False
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def output(self) -> str:
        logs = sorted(self.folder.glob(f"{self.name}-*.log"))
        return "".join(path.read_text() for path in logs)

    def questions_sent(self) -> int:
        """Daily questions this run has sent so far, from its own /metrics."""
        return self.metric('quizbot_deliveries_total{outcome="sent"}')

    def metric(self, sample: str) -> int:
        """One sample of this run's /metrics (0 if it is not there)."""
        metrics = _get(f"http://127.0.0.1:{self.health_port}/metrics")
        found = re.search(rf"^{re.escape(sample)} (\S+)$", metrics, re.M)
        return int(float(found[1])) if found else 0


def _get(url: str) -> str:
    async def fetch() -> str:
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            return await response.text()

    return asyncio.run(fetch())


@pytest.fixture
def database(postgres_server: Server) -> Iterator[str]:
    url = asyncio.run(postgres_server.create_database())
    try:
        yield url
    finally:
        asyncio.run(postgres_server.drop_database(url))


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    with BotApiServer(rate_limits=RateLimits(overall_per_second=RATE)).in_thread() as api:
        api.add_bot(TOKEN, username="quiz_replicas_bot")
        for n in range(GROUPS):
            group = -(FIRST_GROUP + n)
            api.add_chat("group", chat_id=group, title=f"Group {n}", members={ADMIN: "creator"})
        yield api


@pytest.fixture
def replicas(server: BotApiServer, database: str, tmp_path: Path) -> Iterator[list[Replica]]:
    push_time, zone = midday_slots(datetime.now(UTC))[0]
    env = clean_environ()
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        QUIZBOT_TELEGRAM_API_URL=server.url,
        QUIZBOT_DB=database,
        QUIZBOT_CONTENT=str(MINI_DECK),
        QUIZBOT_WEBHOOK_SECRET=SECRET,
        QUIZBOT_PUSH_TIME=push_time,
        QUIZBOT_TIMEZONE=zone,
        QUIZBOT_RATE_PER_SECOND=str(RATE),
        QUIZBOT_SEND_WORKERS=str(WORKERS),
        QUIZBOT_REPLICA_LEASE_SECONDS=str(LEASE_S),
        QUIZBOT_HEALTH_HOST="127.0.0.1",
    )
    found = [Replica(name, env, free_port(), free_port(), tmp_path) for name in ("a", "b")]
    try:
        yield found
    finally:
        for replica in found:
            replica.kill()


def subscribe_through(replicas: list[Replica], server: BotApiServer) -> None:
    """Every chat sends /subscribe, the updates spread over both webhooks."""
    people = [FIRST_PERSON + n for n in range(PEOPLE)]
    groups = [-(FIRST_GROUP + n) for n in range(GROUPS)]
    updates = [server.inject_command(person, "subscribe").payload for person in people]
    updates += [
        server.inject_command(group, "subscribe", mention=True, from_user=ADMIN).payload
        for group in groups
    ]

    async def post_all() -> list[int]:
        gate = asyncio.Semaphore(16)
        async with aiohttp.ClientSession() as session:

            async def post(index: int, update: dict[str, object]) -> int:
                url = replicas[index % 2].hook
                async with (
                    gate,
                    session.post(url, json=update, headers={HEADER: SECRET}) as response,
                ):
                    return response.status

            return await asyncio.gather(*(post(i, u) for i, u in enumerate(updates)))

    statuses = asyncio.run(post_all())
    assert set(statuses) == {200}


def test_two_replicas_share_the_fanout_within_the_limits_and_a_killed_one_loses_nothing(
    server: BotApiServer, replicas: list[Replica], database: str
) -> None:
    a, b = replicas
    started = time.monotonic()
    for replica in replicas:
        replica.start()
    wait_until("both replicas up", lambda: a.started() and b.started(), START_TIMEOUT, 0.2)
    phases = {"up": time.monotonic() - started}

    # -- the chats subscribe through either replica ------------------------------------
    subscribe_through(replicas, server)
    chats = {FIRST_PERSON + n for n in range(PEOPLE)} | {-(FIRST_GROUP + n) for n in range(GROUPS)}

    def replied() -> bool:
        return {chat_of(c) for c in server.calls() if c.method == "sendMessage" and c.ok} >= chats

    wait_until("a reply in every chat", replied, WAIT_TIMEOUT, 0.2)
    phases["subscribed"] = time.monotonic() - started
    assert daily_statuses(database) == {}  # subscribing sent no question
    assert a.stop() == 0 and b.stop() == 0

    # -- both start again after the push time: they share its fan-out ----------------------
    before = server.mark()
    for replica in replicas:
        replica.start()
    seen = before
    questions = 0
    a_sent = 0

    def a_third_out() -> bool:
        """A third of the questions are out, some of them from replica a."""
        nonlocal seen, questions, a_sent
        new = server.calls(since=seen)
        seen += len(new)
        questions += sum(1 for call in new if is_question(call) and call.ok)
        if questions < CHATS // 3:
            return False
        a_sent = a.questions_sent() if a.started() else 0
        return a_sent > 0

    wait_until("a third of the questions, some from a", a_third_out, START_TIMEOUT, 0.005)
    a.kill()
    killed_at = time.monotonic()
    phases["killed"] = killed_at - started
    at_kill = daily_statuses(database)
    unmarked = {chat for chat, statuses in at_kill.items() if statuses == ["claimed"]}
    boundary = server.mark()

    def only_the_killed_ones_claimed() -> bool:
        statuses = daily_statuses(database)
        claimed = {chat for chat, s in statuses.items() if s == ["claimed"]}
        return len(statuses) == CHATS and claimed <= unmarked

    wait_until("the survivor's part of the fan-out", only_the_killed_ones_claimed, 60, 0.2)
    b_sent = b.questions_sent()
    b_slots = b.metric("quizbot_send_slots_used_total")
    b_statements = b.metric("quizbot_send_budget_statements_total")
    phases["survivor done"] = time.monotonic() - started

    # -- the killed replica, started once its claims' lease ran out, finishes them --------
    time.sleep(max(0.0, killed_at + LEASE_S - time.monotonic()))
    a.start()

    def all_sent() -> bool:
        statuses = daily_statuses(database)
        return len(statuses) == CHATS and all(s == ["sent"] for s in statuses.values())

    wait_until("every question marked sent", all_sent, WAIT_TIMEOUT, 0.2)
    phases["all sent"] = time.monotonic() - started
    wait_until("the restarted replica up", a.started, START_TIMEOUT, 0.2)
    assert a.stop() == 0

    # -- restarted the same day, it sends nothing new ------------------------------------
    done = server.mark()
    a.start()

    def caught_up() -> bool:
        """Up, and its start-up catch-up of the push has run (and found 0 chats due)."""
        return a.started() and "daily push" in a.log_path.read_text()

    wait_until("the replica up again, its catch-up run", caught_up, START_TIMEOUT, 0.2)
    assert re.search(r"daily push \S+ \S+ for \S+: 0 chats", a.log_path.read_text())
    time.sleep(QUIET_S)
    after_restart = [c for c in server.calls(since=done) if is_question(c)]
    assert a.stop() == 0 and b.stop() == 0
    elapsed = time.monotonic() - started

    calls = server.calls()
    sends = question_sends(calls[before:])
    first = question_sends(calls[before:boundary])
    twice = {chat for chat, count in sends.items() if count == 2}
    output = a.output() + b.output()
    rounded = {phase: round(seconds, 1) for phase, seconds in phases.items()}
    print(
        f"\n{CHATS} chats; before the kill {sum(first.values())} questions"
        f" (replica a {a_sent}+ of them), replica b {b_sent} in all;"
        f" {len(unmarked)} claimed unsent at the kill, {len(twice)} sent twice;"
        f" {elapsed:.1f} s; phases ended at {rounded}"
    )

    assert after_restart == []
    missing = chats - set(sends)
    assert not missing, f"{len(missing)} chats never got their question: {sorted(missing)[:5]}"
    assert set(sends) <= chats
    assert max(sends.values()) <= 2
    assert twice <= unmarked, "only a question in flight at the kill may go out twice"
    assert all(first[chat] == 1 for chat in twice)
    assert a_sent > 0 and b_sent > 0, "both replicas sent part of the fan-out"
    assert b_slots >= b_sent and 0 < b_statements < b_slots  # slots taken a batch at a time
    assert all(statuses == ["sent"] for statuses in daily_statuses(database).values())

    refused = [call for call in calls if not call.ok and call.method.startswith("send")]
    assert not refused, [(chat_of(c), c.error) for c in refused[:5]]
    assert server.violations.total == 0, server.violations
    assert server.errors == []
    assert TOKEN not in output and SECRET not in output
    assert "Traceback" not in output, output[-3000:]
