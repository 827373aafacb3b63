"""The HTTP server: ``{url}/bot{token}/{method}`` over aiohttp, recording every call.

Run it on the current event loop (``async with BotApiServer() as server``) or in a thread
with its own loop (``with BotApiServer().in_thread() as server``) for code that blocks
the test's thread (a bot in a subprocess, a synchronous benchmark). The waiting helpers
work from any loop or thread either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from .errors import ApiError, conflict, not_found, server_error, unauthorized
from .faults import Fault, FaultPlan, FaultRule
from .files import download
from .inject import Injectors
from .limits import SENDING_METHODS, RateLimiter, RateLimits, Violations
from .methods import BotApi
from .params import UploadedFile, read_params
from .signals import Signal
from .state import BotAccount, UpdateRecord, User, World

_LOGGER = logging.getLogger(__name__)
_TOKEN_RE = re.compile(r"^(\d{1,20}):[A-Za-z0-9_-]{1,100}$")


@dataclass
class RecordedCall:
    """One request the server answered (or dropped).

    ``params`` are parsed to Python values (``reply_markup``/``entities``/``options``
    JSON-decoded, numbers and booleans typed, uploads as ``UploadedFile``). ``time`` is the
    monotonic time the request arrived, ``responded_at`` when its answer was decided.
    ``response`` is the JSON body sent (None when the connection was dropped or the body
    was not JSON). ``fault`` names the scripted fault that hit it, if any.
    """

    method: str
    params: dict[str, Any]
    token: str
    time: float
    responded_at: float
    chat_id: int | str | None
    thread_id: int | None
    status: int
    response: dict[str, Any] | None
    files: dict[str, UploadedFile] = field(default_factory=dict)
    fault: str | None = None
    http_method: str = "POST"

    @property
    def ok(self) -> bool:
        return bool(self.response and self.response.get("ok"))

    @property
    def result(self) -> Any:
        """The ``result`` of a successful call (None otherwise)."""
        return self.response.get("result") if self.response else None

    @property
    def error(self) -> str | None:
        """The error ``description`` of a failed call."""
        if self.response and not self.response.get("ok"):
            return str(self.response.get("description"))
        return None

    @property
    def dropped(self) -> bool:
        return self.fault == "drop"


class BotApiServer(Injectors):
    """A Telegram Bot API server for tests and benchmarks.

    >>> async with BotApiServer() as server:
    ...     bot = telegram.Bot(TOKEN, base_url=server.base_url)
    ...     server.inject_command(user_id, "start")
    ...     call = await server.wait_for_call("sendMessage", chat_id=user_id)

    Tokens: any well-formed token (``123456:ABC...``) is accepted and gets a bot user
    (id = the number before the colon) on first use; ``add_bot`` sets its name first.
    With ``strict_tokens=True`` only tokens registered with ``add_bot`` work (others get
    401 Unauthorized). A malformed token gets 404 Not Found, as from Telegram.

    Chats: a positive chat id nobody registered is taken as a private chat with that user
    (``auto_private_chats``); groups, supergroups and channels must be registered with
    ``add_chat`` or a call answers 400 ``chat not found``.

    ``rate_limits`` defaults to Telegram's limits, enforced (``RateLimits(mode="off")`` to
    ignore them). ``monotonic`` is the clock of rate limits and of every recorded time (a
    test may pass a fake one); ``wall`` gives the ``date`` fields. With
    ``strict_html_ampersand`` a bare ``&`` in HTML is refused (see ``markup``).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limits: RateLimits | None = None,
        strict_tokens: bool = False,
        auto_private_chats: bool = True,
        strict_html_ampersand: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        first_update_id: int = 100_000_001,
    ) -> None:
        self.host = host
        self.port = port
        self.strict_tokens = strict_tokens
        self._rate_limits = rate_limits or RateLimits()
        self._monotonic = monotonic
        self._lock = threading.RLock()
        self._signal = Signal()
        self._world = World(first_update_id=first_update_id)
        self._api = BotApi(
            self._world,
            monotonic=monotonic,
            wall=wall,
            strict_ampersand=strict_html_ampersand,
            auto_private_chats=auto_private_chats,
        )
        self._faults = FaultPlan()
        self._calls: list[RecordedCall] = []
        #: Exceptions the server itself raised while answering (answered as 500).
        self.errors: list[Exception] = []
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None
        self.url = ""

    # ---------------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        """What PTB's ``base_url`` wants: ``f"{url}/bot"``."""
        return f"{self.url}/bot"

    async def start(self) -> BotApiServer:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        self.url = f"http://{self.host}:{self.port}"
        self._closing = False
        return self

    async def stop(self) -> None:
        """Release pending long polls, then close every connection."""
        self._closing = True
        self._signal.notify()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> BotApiServer:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def start_in_thread(self) -> BotApiServer:
        """Run the server in a daemon thread with its own event loop; returns once it
        listens."""
        if self._thread is not None:
            raise RuntimeError("already running in a thread")
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        thread = threading.Thread(target=run, name="botapi-server", daemon=True)
        thread.start()
        if not ready.wait(timeout=10):
            raise RuntimeError("the Bot API server thread did not start")
        if failure:
            thread.join()
            raise failure[0]
        self._thread, self._thread_loop = thread, loop
        return self

    def stop_thread(self) -> None:
        """Stop a server started with ``start_in_thread``."""
        thread, loop = self._thread, self._thread_loop
        if thread is None or loop is None:
            return
        asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._thread = self._thread_loop = None

    @contextlib.contextmanager
    def in_thread(self) -> Iterator[BotApiServer]:
        """``with BotApiServer().in_thread() as server:`` runs it in a background thread."""
        self.start_in_thread()
        try:
            yield self
        finally:
            self.stop_thread()

    # ------------------------------------------------------------------ configuration

    def _register_bot(self, token: str) -> BotAccount:
        bot = self._world.bots.get(token)
        if bot is not None:
            return bot
        match = _TOKEN_RE.match(token)
        if match is None:
            raise ValueError(f"malformed bot token {token!r}")
        bot_id = int(match.group(1))
        user = User(
            id=bot_id, first_name=f"Test Bot {bot_id}", username=f"test{bot_id}_bot", is_bot=True
        )
        bot = BotAccount(token=token, user=user, limiter=RateLimiter(self._rate_limits))
        self._world.bots[token] = bot
        return bot

    def set_rate_limits(self, limits: RateLimits) -> None:
        """Switch limit configuration (windows restart; violation counts stay)."""
        with self._lock:
            self._rate_limits = limits
            for bot in self._world.bots.values():
                bot.limiter.reset(limits)

    @property
    def rate_limits(self) -> RateLimits:
        return self._rate_limits

    @property
    def violations(self) -> Violations:
        """Rate-limit violations summed over all bots."""
        with self._lock:
            total = Violations()
            for bot in self._world.bots.values():
                total = total + bot.limiter.violations
            return total

    def violations_for(self, token: str) -> Violations:
        with self._lock:
            return self._bot(token).limiter.violations

    def add_fault(
        self,
        fault: Fault,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        token: str | None = None,
        every: int = 1,
        skip: int = 0,
        times: int | None = None,
    ) -> FaultRule:
        """Script a fault: ``server.add_fault(Fault.retry_after(3), method="sendMessage",
        times=1)`` fails the next sendMessage with 429. ``every=3`` hits every third
        matching call; ``skip`` lets that many through first; ``times`` caps it."""
        if every < 1:
            raise ValueError("every must be at least 1")
        with self._lock:
            return self._faults.add(
                FaultRule(
                    fault=fault,
                    method=method,
                    chat_id=chat_id,
                    token=token,
                    every=every,
                    skip=skip,
                    times=times,
                )
            )

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    # ---------------------------------------------------------------------- observing

    def calls(
        self,
        method: str | None = None,
        chat_id: int | str | None = None,
        *,
        token: str | None = None,
        since: int = 0,
    ) -> list[RecordedCall]:
        """Recorded calls in arrival order of their answers, filtered."""
        with self._lock:
            return [
                call for call in self._calls[since:] if _call_matches(call, method, chat_id, token)
            ]

    def mark(self) -> int:
        """The number of calls so far: pass as ``since=`` to look only at later ones."""
        with self._lock:
            return len(self._calls)

    def sent_messages(
        self, chat_id: int | None = None, *, token: str | None = None
    ) -> list[dict[str, Any]]:
        """The Message results of successful sends (send*, in order), as answered."""
        return [
            call.result
            for call in self.calls(chat_id=chat_id, token=token)
            if call.ok and call.method.lower() in SENDING_METHODS
        ]

    def chat_history(self, chat_id: int, *, token: str | None = None) -> list[dict[str, Any]]:
        """The chat as it stands: every stored message (users' and bots'), edits applied,
        deleted ones gone, by message id."""
        with self._lock:
            chat = self._api.resolve_chat(chat_id)
            bot_id = self._bot(token).user.id if chat.type == "private" else 0
            log = self._world.log(chat, bot_id)
            return [json.loads(json.dumps(log[key].data)) for key in sorted(log)]

    def updates(self, token: str | None = None) -> list[UpdateRecord]:
        """Every update queued for the bot, delivered or not, in order."""
        with self._lock:
            return list(self._bot(token).history)

    def pending_updates(self, token: str | None = None) -> list[UpdateRecord]:
        """Updates not yet confirmed by an ``offset``."""
        with self._lock:
            return list(self._bot(token).updates)

    def _find_call(
        self,
        method: str | None,
        predicate: Callable[[RecordedCall], bool] | None,
        chat_id: int | str | None,
        token: str | None,
        since: int,
        count: int,
    ) -> RecordedCall | None:
        found = 0
        for call in self.calls(method, chat_id, token=token, since=since):
            if predicate is None or predicate(call):
                found += 1
                if found == count:
                    return call
        return None

    async def wait_for_call(
        self,
        method: str | None = None,
        predicate: Callable[[RecordedCall], bool] | None = None,
        timeout: float = 5.0,
        *,
        chat_id: int | str | None = None,
        token: str | None = None,
        since: int = 0,
        count: int = 1,
    ) -> RecordedCall:
        """The ``count``-th recorded call (from index ``since``) matching ``method``,
        ``chat_id`` and ``predicate``, waiting up to ``timeout`` seconds for it.

        Raises ``TimeoutError`` listing the calls seen."""
        try:
            return await self._signal.wait_for(
                lambda: self._find_call(method, predicate, chat_id, token, since, count),
                timeout,
            )
        except TimeoutError:
            raise TimeoutError(self._timeout_message(method, chat_id, timeout)) from None

    def wait_for_call_blocking(
        self,
        method: str | None = None,
        predicate: Callable[[RecordedCall], bool] | None = None,
        timeout: float = 5.0,
        *,
        chat_id: int | str | None = None,
        token: str | None = None,
        since: int = 0,
        count: int = 1,
    ) -> RecordedCall:
        """``wait_for_call`` for a thread without an event loop."""
        try:
            return self._signal.wait_for_blocking(
                lambda: self._find_call(method, predicate, chat_id, token, since, count),
                timeout,
            )
        except TimeoutError:
            raise TimeoutError(self._timeout_message(method, chat_id, timeout)) from None

    def _timeout_message(
        self, method: str | None, chat_id: int | str | None, timeout: float
    ) -> str:
        seen = ", ".join(
            f"{call.method}({call.chat_id})->{call.status}" for call in self.calls()[-15:]
        )
        return (
            f"no {method or 'call'} (chat {chat_id}) within {timeout}s; "
            f"last calls: {seen or 'none'}"
        )

    async def wait_polling(self, token: str | None = None, timeout: float = 5.0) -> None:
        """Wait until the bot (any bot when ``token`` is None) holds a long ``getUpdates``
        open: it is up and listening."""

        def polling() -> bool:
            with self._lock:
                bots = self._world.bots.values()
                return any(b.held_polls > 0 for b in bots if token is None or b.token == token)

        try:
            await self._signal.wait_for(polling, timeout)
        except TimeoutError:
            raise TimeoutError(f"the bot did not long-poll within {timeout}s") from None

    def _all_consumed(self, token: str | None) -> bool:
        with self._lock:
            bots = [self._bot(token)] if token is not None else list(self._world.bots.values())
            return all(not bot.updates for bot in bots)

    async def wait_updates_consumed(
        self,
        token: str | None = None,
        timeout: float = 5.0,
    ) -> None:
        """Wait until every injected update (of ``token``'s bot, or of all bots) was
        confirmed by a ``getUpdates`` offset. PTB confirms a batch with its next poll, i.e.
        once it has fetched it, not when handlers finished."""
        try:
            await self._signal.wait_for(lambda: self._all_consumed(token), timeout)
        except TimeoutError:
            pending = [record.update_id for record in self._pending(token)]
            raise TimeoutError(f"updates not confirmed within {timeout}s: {pending}") from None

    def wait_updates_consumed_blocking(
        self, token: str | None = None, timeout: float = 5.0
    ) -> None:
        try:
            self._signal.wait_for_blocking(lambda: self._all_consumed(token), timeout)
        except TimeoutError:
            pending = [record.update_id for record in self._pending(token)]
            raise TimeoutError(f"updates not confirmed within {timeout}s: {pending}") from None

    def _pending(self, token: str | None) -> list[UpdateRecord]:
        with self._lock:
            bots = [self._bot(token)] if token is not None else list(self._world.bots.values())
            return [record for bot in bots for record in bot.updates]

    # ------------------------------------------------------------------------- HTTP

    async def _not_found(self, request: web.Request) -> web.Response:
        return _json_response(not_found().payload(), 404)

    async def _download(self, request: web.Request) -> web.Response:
        """A file's bytes at its ``file_path`` (as from getFile), like api.telegram.org."""
        try:
            self._authorize(request.match_info["token"])
        except ApiError as error:
            return _json_response(error.payload(), error.code)
        with self._lock:
            data = download(self._world, request.match_info["path"])
        if data is None:
            return _json_response(not_found().payload(), 404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        received = self._monotonic()
        token = request.match_info["token"]
        method_name = request.match_info["method"]
        params: dict[str, Any] = {}
        fault_name: str | None = None
        drop = False
        try:
            bot = self._authorize(token)
            params = await read_params(request)
            method = self._api.canonical(method_name)
            if method is None:
                raise not_found()
            method_name = method
            with self._lock:
                fault = self._faults.pick(method, _chat_key(params.get("chat_id")), token)
            if fault is not None:
                fault_name = _fault_name(fault)
                if fault.kind == "html_error" and fault.api_error is not None:
                    self._record(
                        method_name,
                        params,
                        token,
                        received,
                        request,
                        fault.api_error.code,
                        None,
                        fault_name,
                    )
                    return web.Response(
                        text=fault.html, status=fault.api_error.code, content_type="text/html"
                    )
                if fault.kind == "error" and fault.api_error is not None:
                    raise fault.api_error
                if fault.kind == "slow":
                    await self._sleep(fault.delay)
                if fault.kind == "hang":
                    await self._until_gone(request)
                    self._record(method_name, params, token, received, request, 0, None, "hang")
                    return web.Response(status=504)  # nobody is listening any more
                drop = fault.kind == "drop"
            if method == "getUpdates":
                text = _encode(
                    {"ok": True, "result": await self._get_updates(bot, params, request)}
                )
            else:
                # Encoded under the lock: the result may share the world's objects.
                with self._lock:
                    text = _encode({"ok": True, "result": self._api.call(bot, method, params)})
            if fault is not None and fault.kind == "slow_after":
                await self._sleep(fault.delay)
            status = 200
        except ApiError as exc:
            text, status = _encode(exc.payload()), exc.code
        except Exception as exc:  # a bug in the server: answer 500 and keep it for the test
            _LOGGER.exception("Bot API test server failed on %s", method_name)
            with self._lock:
                self.errors.append(exc)
            text, status = _encode(server_error(500).payload()), 500
        if drop:
            self._record(method_name, params, token, received, request, 0, None, fault_name)
            transport = request.transport
            if transport is not None:
                transport.abort()
            return web.Response(status=200)
        self._record(
            method_name, params, token, received, request, status, json.loads(text), fault_name
        )
        return web.Response(text=text, status=status, content_type="application/json")

    def _authorize(self, token: str) -> BotAccount:
        with self._lock:
            bot = self._world.bots.get(token)
            if bot is not None:
                return bot
            if _TOKEN_RE.match(token) is None:
                raise not_found()
            if self.strict_tokens:
                raise unauthorized()
            return self._register_bot(token)

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        token: str,
        received: float,
        request: web.Request,
        status: int,
        body: dict[str, Any] | None,
        fault: str | None,
    ) -> None:
        """Record a call; ``body`` must be the call's own copy of the answer."""
        thread = params.get("message_thread_id")
        call = RecordedCall(
            method=method,
            params=params,
            token=token,
            time=received,
            responded_at=self._monotonic(),
            chat_id=params.get("chat_id"),
            thread_id=thread if isinstance(thread, int) else None,
            status=status,
            response=body,
            files={k: v for k, v in params.items() if isinstance(v, UploadedFile)},
            fault=fault,
            http_method=request.method,
        )
        with self._lock:
            self._calls.append(call)
        self._signal.notify()

    async def _until_gone(self, request: web.Request) -> None:
        """Wait until the client closes the connection (or the server stops)."""
        while not self._closing:
            transport = request.transport
            if transport is None or transport.is_closing():
                return
            await self._sleep(0.05)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await self._signal.wait_for(lambda: self._closing, seconds)

    async def _get_updates(
        self, bot: BotAccount, params: dict[str, Any], request: web.Request
    ) -> list[dict[str, Any]]:
        with self._lock:
            self._api.check_polling(bot)
            bot.poll_generation += 1
            generation = bot.poll_generation
            batch = self._api.take_updates(bot, params)
            timeout = params.get("timeout") or 0
            if batch or timeout <= 0 or self._closing:
                result = self._api.mark_delivered(batch)
                self._signal.notify()
                return result
        limit_only = {"limit": params.get("limit")}

        def ready() -> list[UpdateRecord] | str | None:
            with self._lock:
                if bot.poll_generation != generation:
                    return "conflict"
                if self._closing:
                    return "closing"
                transport = request.transport
                if transport is None or transport.is_closing():
                    return "client gone"  # e.g. a stopped PTB updater: leave updates queued
                return self._api.take_updates(bot, limit_only) or None

        with self._lock:
            bot.held_polls += 1
        self._signal.notify()
        try:
            outcome = await self._signal.wait_for(ready, float(timeout))
        except TimeoutError:
            return []
        finally:
            with self._lock:
                bot.held_polls -= 1
        if outcome == "conflict":
            raise conflict(
                "terminated by other getUpdates request; make sure that only one bot "
                "instance is running"
            )
        if not isinstance(outcome, list):
            return []
        with self._lock:
            return self._api.mark_delivered(outcome)


def _call_matches(
    call: RecordedCall, method: str | None, chat_id: int | str | None, token: str | None
) -> bool:
    if method is not None and call.method.lower() != method.lower():
        return False
    if chat_id is not None and call.chat_id != chat_id:
        return False
    return token is None or call.token == token


def _chat_key(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def _fault_name(fault: Fault) -> str:
    if fault.kind in ("error", "html_error") and fault.api_error is not None:
        return f"error {fault.api_error.code}"
    return fault.kind


def _encode(body: dict[str, Any]) -> str:
    """A JSON answer as Telegram writes it (UTF-8, not ASCII-escaped)."""
    return json.dumps(body, ensure_ascii=False)


def _json_response(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(
        text=_encode(body),
        status=status,
        content_type="application/json",
    )
