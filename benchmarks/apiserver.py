"""The test Bot API server in a child process, driven over a pipe.

The benchmarks measure the bot's own CPU and throughput, so the server (which enforces
Telegram's limits, records every call and generates load) runs in its own process, on the
other core, and never competes with the bot for the GIL or the event loop.

Parent side:

    async with ServerProcess(RateLimits(overall_per_second=300)) as server:
        await server.call("add_bot", token=TOKEN, username="quiz_bench_bot")
        url = server.url

Each request is one JSON line on the child's stdin ({"op": ..., **args}); each answer one
JSON line on its stdout ({"ok": true, "result": ...} or {"ok": false, "error": ...}).
`python -m benchmarks.apiserver` is the child.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import sys
import time
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any

from benchmarks.stats import percentile
from tests.botapi import BotApiServer, RateLimits, RecordedCall
from tests.botapi.limits import SENDING_METHODS

Handler = Callable[..., Coroutine[Any, Any, Any]]
READ_LIMIT = 64 * 1024 * 1024


class ServerError(RuntimeError):
    """The child answered a request with an error."""


class ServerProcess:
    """The parent's handle on a `python -m benchmarks.apiserver` child."""

    def __init__(self, limits: RateLimits | None = None) -> None:
        self.limits = limits or RateLimits()
        self.url = ""
        self.pid = 0
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    child_module = "benchmarks.apiserver"
    """What the child runs (`python -m`); it answers requests with `serve_requests`."""

    async def spawn(self) -> None:
        """Start the child, its stdin and stdout piped to this handle."""
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            self.child_module,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=READ_LIMIT,
        )
        self.pid = self._process.pid

    async def __aenter__(self) -> ServerProcess:
        await self.spawn()
        started = await self.call("start", limits=dataclasses.asdict(self.limits))
        self.url = str(started["url"])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()

    async def call(self, op: str, **args: Any) -> Any:
        """Send one request and wait for its answer."""
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise RuntimeError("the server process is not running")
        async with self._lock:
            process.stdin.write(json.dumps({"op": op, **args}).encode() + b"\n")
            await process.stdin.drain()
            line = await process.stdout.readline()
        if not line:
            raise ServerError(f"the server process exited (code {process.returncode})")
        answer = json.loads(line)
        if not answer.get("ok"):
            raise ServerError(f"{op}: {answer.get('error')}")
        return answer.get("result")


# -- the child -------------------------------------------------------------------------


class _Child:
    def __init__(self) -> None:
        self.server: BotApiServer | None = None

    @property
    def api(self) -> BotApiServer:
        if self.server is None:
            raise RuntimeError("not started")
        return self.server

    async def start(self, limits: dict[str, Any]) -> dict[str, Any]:
        self.server = await BotApiServer(
            rate_limits=RateLimits(**limits), strict_html_ampersand=False
        ).start()
        return {"url": self.server.url}

    async def add_bot(self, token: str, username: str) -> None:
        self.api.add_bot(token, username=username)

    async def add_groups(self, ids: list[int], members: list[int] | None = None) -> None:
        for chat_id in ids:
            self.api.add_chat(
                "group", chat_id=chat_id, members={m: "member" for m in members or ()}
            )

    async def add_users(self, ids: list[int]) -> None:
        for user_id in ids:
            self.api.add_user(user_id, f"Player {user_id}")

    async def wait_polling(self, token: str, within: float) -> float:
        """Wait until the bot holds a long poll; returns the seconds waited."""
        api = self.api
        started = time.monotonic()

        def holding() -> bool:
            with api._lock:
                bot = api._world.bots.get(token)
                return bot is not None and bot.held_polls > 0

        await api._signal.wait_for(holding, within)
        return time.monotonic() - started

    async def sends(self, token: str) -> dict[str, Any]:
        """Every send the bot made: accepted ones per chat, refused ones, violations."""
        per_chat: dict[int, int] = {}
        accepted: list[float] = []
        refused = 0
        for call in self.api.calls(token=token):
            if call.method.lower() not in SENDING_METHODS:
                continue
            if call.ok and isinstance(call.chat_id, int):
                per_chat[call.chat_id] = per_chat.get(call.chat_id, 0) + 1
                accepted.append(call.time)
            else:
                refused += 1
        violations = self.api.violations_for(token)
        return {
            "per_chat": [[chat_id, count] for chat_id, count in per_chat.items()],
            "accepted": len(accepted),
            "first": min(accepted, default=0.0),
            "last": max(accepted, default=0.0),
            "refused": refused,
            "violations": violations.total,
            "violations_by_kind": {
                "overall": violations.overall,
                "per_chat": violations.per_chat,
                "per_group": violations.per_group,
            },
            "server_errors": len(self.api.errors),
        }

    async def load(
        self,
        token: str,
        chats: list[int],
        count: int,
        rate: float | None,
        texts: list[str],
        within: float,
        detail: bool = False,
    ) -> dict[str, Any]:
        """Inject `count` private messages round-robin over `chats` (paced at `rate` a
        second, or all at once when None) and wait for the bot's reply to each: a send
        into that chat replying to that message. Latency: update available -> reply call
        arrived."""
        api = self.api
        mark = api.mark()
        waiting: dict[tuple[int, int], float] = {}
        replied: dict[tuple[int, int], float] = {}
        started = time.monotonic()
        for index in range(count):
            if rate is not None:
                due = started + index / rate
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            chat = chats[index % len(chats)]
            record = api.inject_message(chat, texts[index % len(texts)], token=token)
            waiting[(chat, int(record.body["message_id"]))] = record.available_at
        injected = time.monotonic()
        seen = mark
        deadline = injected + within
        while True:
            calls = api.calls(token=token, since=seen)
            seen = api.mark()  # one thread: nothing is recorded in between
            for call in calls:
                key = _reply_key(call)
                if key in waiting and key not in replied:
                    replied[key] = call.time
            if len(replied) == len(waiting) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.01)
        latencies = [(replied[key] - waiting[key]) * 1000 for key in replied]
        first = min(waiting.values(), default=started)
        last = max(replied.values(), default=first)
        result: dict[str, Any] = {
            "updates": count,
            "replied": len(replied),
            "inject_s": injected - started,
            "span_s": last - first,
            "per_s": len(replied) / (last - first) if last > first else 0.0,
            "p50_ms": percentile(latencies, 0.50),
            "p95_ms": percentile(latencies, 0.95),
            "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies, default=0.0),
        }
        if detail:  # (seconds since the first update, latency ms) of each reply
            result["timeline"] = sorted(
                (waiting[key] - first, (replied[key] - waiting[key]) * 1000) for key in replied
            )
        return result

    async def counts(self) -> dict[str, int]:
        return {"calls": self.api.mark(), "errors": len(self.api.errors)}

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
            self.server = None


def _freeze_heap() -> None:
    """Collect, and keep what the server holds so far (every recorded call) out of later
    collections. The child collects only here, between the parent's requests (`_serve`
    turns automatic collection off): a full collection walks the whole heap, which grows
    with each call recorded, and by the end of a run one took over 100 ms. Meanwhile no
    update was handed out and no send answered, so the bot being measured got bursts no
    real Bot API server sends, and sends held up during one arrived bunched into the next
    second, over the rate limit."""
    gc.collect()
    gc.freeze()


def _reply_key(call: RecordedCall) -> tuple[int, int] | None:
    if not call.ok or call.method.lower() not in SENDING_METHODS:
        return None
    reply = call.params.get("reply_parameters")
    if not isinstance(reply, dict) or not isinstance(call.chat_id, int):
        return None
    return (call.chat_id, int(reply.get("message_id", 0)))


async def serve_requests(handlers: dict[str, Handler], stop: Handler) -> None:
    """The child's side of the pipe: each JSON line on stdin runs `handlers[op](**args)`
    and its result (or its error, which the parent raises) goes back as one JSON line on
    stdout, until stdin closes; then `stop()`."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=READ_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        while line := await reader.readline():
            request = json.loads(line)
            op = request.pop("op")
            try:
                answer = {"ok": True, "result": await handlers[op](**request)}
            except Exception as exc:  # answered to the parent, which raises it
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
    finally:
        await stop()


async def _serve() -> None:
    gc.disable()  # see _freeze_heap: collections happen between requests only
    child = _Child()
    handlers: dict[str, Handler] = {
        "start": child.start,
        "add_bot": child.add_bot,
        "add_groups": child.add_groups,
        "add_users": child.add_users,
        "wait_polling": child.wait_polling,
        "sends": child.sends,
        "load": child.load,
        "counts": child.counts,
    }
    await serve_requests(
        {op: _then_freeze(handler) for op, handler in handlers.items()}, child.stop
    )


def _then_freeze(handler: Handler) -> Handler:
    async def handle(**args: Any) -> Any:
        try:
            return await handler(**args)
        finally:
            _freeze_heap()

    return handle


if __name__ == "__main__":
    asyncio.run(_serve())
