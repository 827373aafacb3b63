"""answers: typed answers through the real bot, beside a bare PTB echo bot.

Both bots poll the same test Bot API server (its own process) under separate tokens. Each
private message to the quiz bot answers an open question: the bot grades it against the
key points, commits the attempt (streak, card, review) and replies with the feedback and
rating buttons. The echo bot is PTB's minimum: one handler that replies with the text.

A warm-up round (one answer per player, every question met once) comes first, unmeasured.
Throughput: a burst of messages injected at once, replies counted until the last one
(first update available -> last reply), alternating echo and quiz rounds, medians.
Latency: the same number of messages paced at half the echo bot's measured rate, from
the update becoming available at the server to the reply arriving there. The paced
messages go in blocks that alternate between the bots (echo, grading echo, quiz, echo...),
so that whatever else slows the machine for a while falls on all alike; each bot's
percentiles are over all of its blocks.

A third bot paces along as a floor: the grading echo, the echo bot with the quiz's grader
(`bot.engine.grading.grade`, the same vocabulary and model) run on each message against a
bundled question before it replies, and updates handled concurrently as the quiz bot
does. It stores nothing. What the quiz bot's figures cannot fall below while it grades
in the answer path is about where the grading echo's are.

The server's rate limits are off and the bot's send limiter is raised for this one: it
measures the answer path, not Telegram's limits (the fanout benchmark does those).
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from benchmarks import quizbot
from benchmarks.apiserver import ServerProcess
from benchmarks.seed import seed_chats, seed_open_questions
from benchmarks.stats import median, percentile
from bot.config import bundled_content_dir
from bot.decks.catalog import Catalog
from bot.decks.model import Question
from bot.engine.grading import grade
from bot.telegram.app import running
from scheduler.limits import Limits
from tests.botapi import RateLimits

ECHO_TOKEN = "7100000002:AAEchoBenchmarkToken_abcdefghijklmnopqrs"
GRADING_ECHO_TOKEN = "7100000003:AAGradingEchoBenchmarkToken_abcdefghij"
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
UNLIMITED = Limits(per_second=1e6, per_group_per_minute=1e6, per_chat_per_second=1e6)
TARGET_RATIO = 0.8
TARGET_P99_FACTOR = 1.5
ANSWERS = (
    "The mean hides slow outliers, so teams watch the p99 tail and percentiles instead.",
    "Use retrieval (RAG) with external knowledge, prompt engineering, and fine-tuning on"
    " domain-specific data; an LLM is autoregressive and tracks long-range context.",
    "Batching raises throughput but each request waits for the batch to fill, so latency"
    " grows; multimodal models handle images, audio and video as well as text.",
    "不知道，但我认为数据中有可学习的模式 and the features drift over time",
)


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


EchoHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text, do_quote=True)


def _grading_echo(questions: Sequence[Question]) -> EchoHandler:
    """The echo's handler, grading the text against one of `questions` (by chat) first."""

    async def grade_then_echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.text is not None:
            question = questions[message.chat_id % len(questions)]
            grade(message.text, question.key_points, question.question)
            await message.reply_text(message.text, do_quote=True)

    return grade_then_echo


@asynccontextmanager
async def _echo_bot(
    url: str, token: str = ECHO_TOKEN, handler: EchoHandler = _echo, *, concurrent: bool = False
) -> AsyncIterator[None]:
    """A bare PTB bot: the builder's defaults (but for `concurrent`) and one handler."""
    app = (
        Application.builder()
        .token(token)
        .base_url(f"{url}/bot")
        .concurrent_updates(concurrent)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handler))
    updater = app.updater
    assert updater is not None
    await app.initialize()
    await updater.start_polling(timeout=10)
    await app.start()
    try:
        yield
    finally:
        await updater.stop()
        await app.stop()
        await app.shutdown()


async def run(*, quick: bool) -> dict[str, Any]:
    rounds = 1 if quick else 3
    burst = 200 if quick else 1000
    paced = 120 if quick else 2000
    blocks = 2 if quick else 4
    people = 100 if quick else 500
    per_person = (rounds * burst + paced + people) // people + 2
    catalog = Catalog.load([bundled_content_dir()])
    free_text = [q.id for q in catalog.questions if not q.is_multiple_choice and q.key_points]
    with tempfile.TemporaryDirectory(prefix="quizbot-answers-") as folder:
        db_path = Path(folder) / "answers.db"
        seeded = await seed_chats(
            db_path, people=people, groups=0, now=NOW - timedelta(days=1), subscribed=False
        )
        await seed_open_questions(db_path, seeded.people, free_text, per_person, NOW)
        async with ServerProcess(RateLimits(mode="off")) as server:
            await server.call("add_bot", token=quizbot.TOKEN, username=quizbot.USERNAME)
            await server.call("add_bot", token=ECHO_TOKEN, username="echo_bench_bot")
            await server.call("add_bot", token=GRADING_ECHO_TOKEN, username="grading_echo_bot")
            await server.call("add_users", ids=seeded.people)
            clock = quizbot.Clock(NOW)
            app = quizbot.build(server.url, db_path, clock, UNLIMITED, with_scheduler=True)
            grading_echo = _grading_echo([catalog.by_id[id_] for id_ in free_text])
            async with (
                _echo_bot(server.url),
                _echo_bot(server.url, GRADING_ECHO_TOKEN, grading_echo, concurrent=True),
                running(app, poll_timeout=10.0),
            ):
                for token in (ECHO_TOKEN, GRADING_ECHO_TOKEN, quizbot.TOKEN):
                    await server.call("wait_polling", token=token, within=10.0)

                async def load(
                    token: str, count: int, rate: float | None, detail: bool = False
                ) -> dict[str, Any]:
                    cpu = _cpu_s()
                    result: dict[str, Any] = await server.call(
                        "load",
                        token=token,
                        chats=seeded.people,
                        count=count,
                        rate=rate,
                        texts=list(ANSWERS),
                        within=120.0,
                        detail=detail,
                    )
                    result["cpu_ms"] = (_cpu_s() - cpu) / max(1, result["replied"]) * 1000
                    return result

                # Warm-up, not measured: one answer each, which meets every question once
                # (the grader compiles a question's key points the first time it grades it).
                await load(ECHO_TOKEN, people, None)
                await load(GRADING_ECHO_TOKEN, people, None)
                await load(quizbot.TOKEN, people, None)
                echo_bursts, quiz_bursts = [], []
                for _ in range(rounds):
                    echo_bursts.append(await load(ECHO_TOKEN, burst, None))
                    quiz_bursts.append(await load(quizbot.TOKEN, burst, None))
                echo_rate = median([r["per_s"] for r in echo_bursts])
                pace = max(1.0, echo_rate / 2)
                echo_blocks, grading_blocks, quiz_blocks = [], [], []
                for _ in range(blocks):
                    echo_blocks.append(await load(ECHO_TOKEN, paced // blocks, pace, detail=True))
                    grading_blocks.append(
                        await load(GRADING_ECHO_TOKEN, paced // blocks, pace, detail=True)
                    )
                    quiz_blocks.append(
                        await load(quizbot.TOKEN, paced // blocks, pace, detail=True)
                    )
                echo_paced, quiz_paced = _pooled(echo_blocks), _pooled(quiz_blocks)
                grading_paced = _pooled(grading_blocks)
            attempts = await _attempts(db_path)
    answers_rate = median([r["per_s"] for r in quiz_bursts])
    expected = rounds * burst + paced  # measured; the warm-up's are checked as well
    replied = sum(r["replied"] for r in quiz_bursts) + quiz_paced["replied"]
    echoed = sum(r["replied"] for r in echo_bursts) + echo_paced["replied"]
    result: dict[str, Any] = {
        "updates": expected,
        "answers_per_s": round(answers_rate, 1),
        "echo_per_s": round(echo_rate, 1),
        "ratio_to_echo": round(answers_rate / echo_rate, 3) if echo_rate else 0.0,
        "paced_per_s": round(pace, 1),
        "p50_ms": round(quiz_paced["p50_ms"], 2),
        "p95_ms": round(quiz_paced["p95_ms"], 2),
        "p99_ms": round(quiz_paced["p99_ms"], 2),
        "echo_p50_ms": round(echo_paced["p50_ms"], 2),
        "echo_p99_ms": round(echo_paced["p99_ms"], 2),
        "grading_echo_p50_ms": round(grading_paced["p50_ms"], 2),
        "grading_echo_p99_ms": round(grading_paced["p99_ms"], 2),
        "cpu_ms_per_answer": round(median([r["cpu_ms"] for r in quiz_bursts]), 2),
        "cpu_ms_per_echo": round(median([r["cpu_ms"] for r in echo_bursts]), 2),
        "rounds": rounds,
        "replied": replied,
        "attempts": attempts,
        "server_limits": "off (answer path only); bot send limiter raised",
    }
    result["ok"] = (
        replied == expected
        and attempts == expected + people
        and echoed == expected
        and grading_paced["replied"] == paced
    )
    result["meets_target"] = (
        result["ok"]
        and result["ratio_to_echo"] >= TARGET_RATIO
        and result["p99_ms"] <= TARGET_P99_FACTOR * result["echo_p99_ms"]
    )
    return result


def _pooled(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """One bot's paced blocks as one: replies counted, percentiles over every latency."""
    latencies = [latency for block in blocks for _, latency in block["timeline"]]
    return {
        "replied": sum(block["replied"] for block in blocks),
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
    }


async def _attempts(db_path: Path) -> int:
    from bot.store import Store

    store = await Store.open(db_path)
    try:
        async with store.read() as tx:
            rows = await tx.conn.execute_fetchall("SELECT count(*) FROM attempts")
            return int(next(iter(rows))[0])
    finally:
        await store.close()


if __name__ == "__main__":
    import asyncio
    import json
    import sys

    started = time.perf_counter()
    out = asyncio.run(run(quick="--full" not in sys.argv))
    out["wall_s"] = round(time.perf_counter() - started, 2)
    print(json.dumps(out))
