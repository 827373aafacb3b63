"""`quizbot run` killed (SIGKILL) in the middle of a 2,000-chat daily fan-out, then
started again: every chat gets its question, only the sends in flight at the kill go out
twice, and Telegram's limits are never exceeded.

The bot is the real process (`python -m bot run`) against the test Bot API server in this
process; everything is judged at the server. The overall limit is raised tenfold on both
sides (300 a second, like a paid broadcast) so a fan-out takes seconds; the windows stay
Telegram's (one second overall and per chat, a minute per group) and so do the per-chat
and per-group limits. (A server sped up with `RateLimits(speedup=...)` would instead check
30 sends per 0.1 s, a smoothness the bot's per-second limiter never promised: it lets a
burst of up to ~60 sends into 0.1 s while keeping every second under 300.)

A send is "in flight at the kill" when the server accepted it from the killed process but
the process had not yet recorded it as sent (its daily delivery was still 'claimed' in the
database when the process died): the restarted bot finishes every such claim, so those
chats, and only those, get the question twice.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest

from tests.botapi import BotApiServer, RateLimits
from tests.e2e.fleet import (
    Fleet,
    chat_of,
    daily_statuses,
    fleet_of,
    is_question,
    midday_slots,
    question_sends,
    register_groups,
    seed_blocking,
)
from tests.helpers import clean_environ

TOKEN = "7300000001:AAHe2eCrashTestTokenNeverLogged_xyz"
PEOPLE, GROUPS = 1_600, 400
CHATS = PEOPLE + GROUPS
MINI_DECK = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"
RATE = 300
"""Sends a second overall, on both sides (Telegram: 30)."""
SERVER_LIMITS = RateLimits(overall_per_second=RATE)
WINDOW = 1.0 / SERVER_LIMITS.speedup
"""The server's overall (and per-chat) window in seconds."""
BOT_RATES = {
    "QUIZBOT_RATE_PER_SECOND": str(RATE),
    "QUIZBOT_RATE_PER_GROUP_PER_MINUTE": str(SERVER_LIMITS.group_per_minute),
    "QUIZBOT_RATE_PER_CHAT_PER_SECOND": str(SERVER_LIMITS.per_chat_per_second),
}
START_TIMEOUT = 60.0
FANOUT_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0
LOG_LEVEL = "DEBUG"


@dataclass(frozen=True, slots=True)
class Template:
    db_path: Path
    fleet: Fleet


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """One seeded database, copied for each test (seeding is the slow part of setup)."""
    now = datetime.now(UTC)
    fleet = fleet_of(PEOPLE, GROUPS, midday_slots(now))
    db_path = tmp_path_factory.mktemp("fleet") / "template.db"
    seed_blocking(db_path, fleet, now)
    return Template(db_path, fleet)


@pytest.fixture
def server(template: Template) -> Iterator[BotApiServer]:
    with BotApiServer(rate_limits=SERVER_LIMITS).in_thread() as api:
        api.add_bot(TOKEN, username="quiz_crash_bot")
        register_groups(api, template.fleet)
        yield api


def start_bot(server: BotApiServer, db_path: Path, log: IO[str]) -> subprocess.Popen[str]:
    """`python -m bot run`, configured only through its environment (nothing inherited
    from the developer's QUIZBOT_* settings or a quizbot.toml)."""
    env = clean_environ()
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        QUIZBOT_TELEGRAM_API_URL=server.url,
        QUIZBOT_DB=str(db_path),
        QUIZBOT_CONTENT=str(MINI_DECK),
        QUIZBOT_LOG_LEVEL=LOG_LEVEL,
        **BOT_RATES,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=db_path.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> int | None:
    """SIGTERM and wait; SIGKILL if it will not stop. The exit code (None if it had to be
    killed)."""
    if process.poll() is not None:
        return process.returncode
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        return None


def wait_until(what: str, condition: Callable[[], bool], timeout: float, poll: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll)


class SendCounter:
    """Counts the server's accepted question sends as they arrive (incrementally)."""

    def __init__(self, server: BotApiServer, process: subprocess.Popen[str]) -> None:
        self.server = server
        self.process = process
        self.seen = 0
        self.sends = 0

    def reached(self, count: int) -> bool:
        assert self.process.poll() is None, "the bot exited before the kill"
        new = self.server.calls(since=self.seen)
        self.seen += len(new)
        self.sends += sum(1 for call in new if is_question(call) and call.ok)
        return self.sends >= count


def settled(server: BotApiServer, quiet: float = 0.3, timeout: float = 5.0) -> int:
    """The server's call count once no call has been recorded for `quiet` seconds (the
    last requests of a killed client may still be answered)."""
    deadline = time.monotonic() + timeout
    mark = server.mark()
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = server.mark()
        if now == mark:
            break
        mark = now
    return mark


@pytest.mark.parametrize("kill_at", [CHATS // 10, CHATS // 2, CHATS * 9 // 10])
def test_sigkill_mid_fanout_then_restart_delivers_once_except_in_flight(
    server: BotApiServer, template: Template, tmp_path: Path, kill_at: int
) -> None:
    fleet = template.fleet
    db_path = tmp_path / "quiz.db"
    shutil.copyfile(template.db_path, db_path)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    started = time.monotonic()

    # -- first run: killed once the server has accepted `kill_at` questions ---------------
    with first_log.open("w") as log:
        first = start_bot(server, db_path, log)
        try:
            counter = SendCounter(server, first)
            wait_until(
                f"{kill_at} question sends",
                lambda: counter.reached(kill_at),
                START_TIMEOUT,
                poll=0.001,
            )
            first.kill()
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(timeout=10)
    boundary = settled(server)
    first_sends = question_sends(server.calls()[:boundary])
    at_kill = daily_statuses(db_path)
    unmarked = {chat for chat, statuses in at_kill.items() if statuses == ["claimed"]}
    # A new process cannot know what the killed one sent in its last second, so it starts
    # no sooner than one window after that (as a supervisor's restart delay would); a
    # quicker restart may draw a 429 or two, which the bot waits out like any other.
    last_killed = max(call.time for call in server.calls()[:boundary] if is_question(call))
    time.sleep(max(0.0, last_killed + WINDOW - time.monotonic()))

    # -- second run: finishes the claims left unsent, then the rest of the fan-out --------
    with second_log.open("w") as log:
        second = start_bot(server, db_path, log)
        try:

            def fanout_done() -> bool:
                assert second.poll() is None, "the restarted bot exited"
                statuses = daily_statuses(db_path)
                gone_wrong = {c: s for c, s in statuses.items() if s not in (["claimed"], ["sent"])}
                assert not gone_wrong, list(gone_wrong.items())[:5]
                return len(statuses) == CHATS and all(s == ["sent"] for s in statuses.values())

            wait_until("every daily question marked sent", fanout_done, FANOUT_TIMEOUT, 0.2)
            exit_code = stop(second)
        finally:
            if second.poll() is None:
                second.kill()
                second.wait(timeout=10)
    elapsed = time.monotonic() - started

    calls = server.calls()
    second_sends = question_sends(calls[boundary:])
    total = first_sends + second_sends
    twice = {chat for chat, count in total.items() if count == 2}
    in_flight = {chat for chat in twice if first_sends[chat] == 1 and second_sends[chat] == 1}
    output = first_log.read_text() + second_log.read_text()
    killed_order = [chat_of(c) for c in calls[:boundary] if is_question(c) and c.ok]
    from_end = [len(killed_order) - killed_order.index(chat) for chat in in_flight]

    print(
        f"\nkill at {kill_at}: {len(killed_order)} questions accepted from the killed bot,"
        f" {len(unmarked)} claimed but not marked sent at the kill;"
        f" {len(in_flight)} chats got two (in flight at the kill"
        f"{f', all within its last {max(from_end)} sends' if from_end else ''});"
        f" {sum(second_sends.values())} sent after the restart; {elapsed:.1f} s"
    )

    assert exit_code == 0, output[-3000:]
    assert TOKEN not in output
    assert "quizbot stopped" in output

    missing = [chat for chat in fleet.chats if total[chat] == 0]
    assert not missing, f"{len(missing)} chats never got their question, e.g. {missing[:5]}"
    assert set(total) <= set(fleet.chats), "a question went to a chat nobody subscribed"
    assert max(total.values()) <= 2
    assert max(first_sends.values()) == 1, "the killed bot sent a chat two questions"
    assert max(second_sends.values()) == 1, "the restarted bot sent a chat two questions"
    # Two questions only where the first was in flight: accepted by the server, but the
    # killed bot had not recorded it as sent.
    assert twice == in_flight
    assert in_flight <= unmarked, sorted(in_flight - unmarked)[:5]
    marked_sent = {chat for chat, statuses in at_kill.items() if statuses == ["sent"]}
    assert not marked_sent & set(second_sends), "a question marked sent went out again"
    assert all(statuses in (["claimed"], ["sent"]) for statuses in at_kill.values())

    refused = [call for call in calls if is_question(call) and not call.ok]
    assert not refused, [
        (chat_of(c), c.error, f"{c.time - last_killed:+.3f} s after the killed bot's last send")
        for c in refused[:5]
    ]
    assert server.violations.total == 0, server.violations
    assert server.errors == []
