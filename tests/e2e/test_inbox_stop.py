"""`quizbot run` stopped (SIGTERM, then SIGKILL after Docker's 10 s) or killed outright
with updates in hand: every update Telegram was told had arrived is handled, every answer
is recorded once and gets its acknowledgement, and the stop itself stays within its grace.

The bot is the real process (`python -m bot run`) against the test Bot API server in this
process, with Telegram's real rate limits; everything is judged at the server and in the
database the process leaves behind.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest

from benchmarks.seed import seed_chats, seed_open_questions
from tests.botapi import BotApiServer, Fault
from tests.helpers import clean_environ
from tests.telegram.conftest import ADMIN, ALICE, MINI_DECK, TOKEN

BOT_USERNAME = "quiz_inbox_bot"
GOOD_ANSWER = "The mean hides outliers, and p99 shows the tail."
DOCKER_STOP_TIMEOUT = 10.0
"""Seconds Docker waits after SIGTERM before SIGKILL."""
START_TIMEOUT = 30.0


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    with BotApiServer().in_thread() as api:  # Telegram's real limits
        api.add_bot(TOKEN, username=BOT_USERNAME)
        yield api


def start_bot(
    server: BotApiServer, db_path: Path, log: IO[str], **settings: str
) -> subprocess.Popen[str]:
    """`python -m bot run`, configured only through its environment."""
    env = clean_environ()
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        QUIZBOT_TELEGRAM_API_URL=server.url,
        QUIZBOT_DB=str(db_path),
        QUIZBOT_CONTENT=str(MINI_DECK),
        QUIZBOT_LOG_LEVEL="INFO",
        **settings,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=db_path.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process


def started(server: BotApiServer, process: subprocess.Popen[str], since: int) -> None:
    """Wait for the bot's start-up call (its command menu); its long poll follows."""

    def up() -> bool:
        assert process.poll() is None, "quizbot run exited at start"
        return bool(server.calls("setMyCommands", since=since))

    wait_until(up, START_TIMEOUT)


def docker_stop(process: subprocess.Popen[str]) -> tuple[int | None, float]:
    """SIGTERM, then SIGKILL after 10 s like `docker stop`: (exit code, or None if it had
    to be killed; seconds it took)."""
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        code: int | None = process.wait(timeout=DOCKER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        code = None
    return code, time.monotonic() - began


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.02)


def query(db_path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db_path, timeout=10)) as conn:
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError:  # not created yet
            return []


def attempts_by_user(db_path: Path) -> Counter[int]:
    rows = query(
        db_path,
        "SELECT u.external_id FROM attempts a JOIN users u ON u.id = a.user_id",
    )
    return Counter(int(str(row[0])) for row in rows)


def inbox_pending(db_path: Path) -> int:
    rows = query(db_path, "SELECT count(*) FROM inbox WHERE status = 'pending'")
    return int(str(rows[0][0])) if rows else 0


def test_answers_recorded_before_a_sigkill_get_their_feedback_after_the_restart(
    server: BotApiServer, tmp_path: Path
) -> None:
    """100 people answer at once; the feedback never gets out (the API hangs) and the
    process is killed. The restarted bot sends each of them their feedback, once."""
    db_path, log_path = tmp_path / "quiz.db", tmp_path / "quizbot.log"
    now = datetime.now(UTC)
    seeded = seed_blocking(db_path, 100, now)
    with log_path.open("w") as log:
        first = start_bot(server, db_path, log)
        try:
            started(server, first, 0)
            server.add_fault(Fault.hang(), method="sendMessage")
            answers = [server.inject_message(person, GOOD_ANSWER) for person in seeded]
            wait_until(lambda: sum(attempts_by_user(db_path).values()) == len(seeded), 20)
            first.kill()  # SIGKILL: no chance to finish anything
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
        acknowledged = [
            update
            for update in answers
            if update.update_id not in {u.update_id for u in server.pending_updates(TOKEN)}
        ]
        left_pending = inbox_pending(db_path)
        server.clear_faults()

        mark = server.mark()
        second = start_bot(server, db_path, log)
        try:
            started(server, second, mark)

            def everyone_has_feedback() -> bool:
                calls = server.calls("sendMessage", since=mark)
                sent = {int(c.chat_id or 0) for c in calls if c.ok}
                return sent >= set(seeded)

            wait_until(everyone_has_feedback, 30)
            code, took = docker_stop(second)
        finally:
            if second.poll() is None:
                second.kill()
    output = log_path.read_text()

    feedback = Counter(int(c.chat_id or 0) for c in server.calls("sendMessage", since=mark) if c.ok)
    assert len(acknowledged) == len(seeded)  # all confirmed to "Telegram" before the kill
    assert left_pending == len(seeded)  # none had finished: all still in the inbox
    assert not [c for c in server.calls()[:mark] if c.method == "sendMessage" and c.ok]
    assert attempts_by_user(db_path) == Counter({person: 1 for person in seeded})
    assert feedback == Counter({person: 1 for person in seeded}), "lost or repeated feedback"
    assert code == 0 and took < DOCKER_STOP_TIMEOUT
    assert inbox_pending(db_path) == 0
    assert server.pending_updates(TOKEN) == []
    assert "Traceback" not in output and TOKEN not in output


def test_docker_stop_with_a_groups_backlog_loses_no_acknowledged_answer(
    server: BotApiServer, tmp_path: Path
) -> None:
    """A group: one member queues 40 /quiz, 20 others ask one each (a backlog of a minute
    and more at 20 messages a minute) and 20 more answer. `docker stop` right after all
    of it was confirmed: the bot stops by itself within its grace, keeps the backlog in
    the inbox, and every answer is recorded and acknowledged."""
    db_path, log_path = tmp_path / "quiz.db", tmp_path / "quizbot.log"
    askers = [100_000_600 + n for n in range(20)]
    answerers = [100_000_700 + n for n in range(20)]
    members = {ADMIN: "administrator", ALICE: "member"}
    members.update({member: "member" for member in askers + answerers})
    group = int(server.add_chat("group", title="Study group", members=members)["id"])
    with log_path.open("w") as log:
        first = start_bot(server, db_path, log)
        try:
            started(server, first, 0)
            mark = server.mark()
            server.inject_command(group, "quiz", "latency", from_user=ADMIN)
            question = server.wait_for_call_blocking(
                "sendMessage", chat_id=group, since=mark, timeout=10
            )
            question_id = int(question.result["message_id"])
            for _ in range(40):
                server.inject_command(group, "quiz", from_user=ALICE)
            for member in askers:
                server.inject_command(group, "quiz", from_user=member)
            replies = {
                member: server.inject_reply(group, question_id, GOOD_ANSWER, from_user=member)
                for member in answerers
            }
            wait_until(lambda: server.pending_updates(TOKEN) == [], 10)  # all acknowledged
            code, took = docker_stop(first)
        finally:
            if first.poll() is None:
                first.kill()
        backlog = inbox_pending(db_path)
        first_output = log_path.read_text()

        mark = server.mark()
        second = start_bot(server, db_path, log, QUIZBOT_STOP_GRACE="1")
        try:
            started(server, second, mark)
            replayed_from = backlog

            def replaying() -> bool:
                return inbox_pending(db_path) < replayed_from

            wait_until(replaying, 90)
            second_code, _ = docker_stop(second)
        finally:
            if second.poll() is None:
                second.kill()

    reacted = {
        int(call.params["message_id"])
        for call in server.calls("setMessageReaction", group)
        if call.ok
    }
    assert code == 0, "had to be killed"
    assert took < DOCKER_STOP_TIMEOUT
    assert backlog > 0  # the questions still waiting for the group's budget were kept
    assert attempts_by_user(db_path) == Counter({member: 1 for member in answerers})
    assert {int(r.payload["message"]["message_id"]) for r in replies.values()} <= reacted
    # The group's budget holds across the restart. (A per-chat 429 can happen: the send
    # limiter spaces one chat's sends by its own clock, a few ms off the server's.)
    assert server.violations.per_group == 0 and server.violations.overall == 0
    assert second_code == 0
    assert server.pending_updates(TOKEN) == []  # confirmed at each stop, long poll or not
    assert "Traceback" not in first_output
    assert "could not confirm" not in first_output


def seed_blocking(db_path: Path, people: int, now: datetime) -> list[int]:
    """`people` private chats, each with the latency question open."""
    import asyncio

    async def seed() -> list[int]:
        seeded = await seed_chats(db_path, people=people, groups=0, now=now, subscribed=False)
        await seed_open_questions(db_path, seeded.people, ["mini-latency"], 1, now)
        return list(seeded.people)

    return asyncio.run(seed())
