"""Bot API calls with JSON bodies over kept-alive HTTP/1.1 connections of our own.

aiohttp's client costs about 0.75 ms of CPU per call on this machine at the fan-out's
rate (request and response objects, header multidicts, a write task and a read timer per
call); a POST of a JSON body over a kept connection needs one write and a small parser
for the answer: about a third of that (benchmarks/RESULTS.md). `KeepAlivePool` is that:
up to `size` persistent connections to one server (TLS for https, verified as aiohttp
verifies), each carrying one request at a time.

Timeouts mean what they mean for the rest of the transport: `connect` for opening a
connection, `pool` for waiting while every connection is busy (both raise `TimedOut`
before anything was sent), `read` from the request's write to the end of its answer
(`TimedOut`; the connection is dropped, since its state is unknown). A connection that
breaks before the whole answer came back raises `NetworkError`. Nothing is ever sent
twice: a request that failed on a kept connection is reported, not retried on another.
Proxies are not spoken here (the caller uses aiohttp when one is configured).
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from urllib.parse import urlsplit

from telegram.error import NetworkError, TimedOut

HEAD_LIMIT = 64 * 1024
"""Bytes an answer's status line and headers may take."""


class ConnectionBroken(Exception):
    """The connection failed during an exchange (the message says how): the request may
    or may not have taken effect. The cause of the `NetworkError` raised."""


class _Connection(asyncio.Protocol):
    """One kept connection: a request written at once, its answer parsed as it comes."""

    __slots__ = (
        "_body",
        "_buffer",
        "_chunked",
        "_length",
        "_status",
        "_waiter",
        "keep",
        "transport",
    )

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.keep = True
        """False once the connection cannot carry another request."""
        self._waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self._buffer = bytearray()
        self._status = 0
        self._length: int | None = None
        self._chunked = False
        self._body: bytearray | None = None  # set once the head is read

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.keep = False
        waiter, self._waiter = self._waiter, None
        if waiter is None or waiter.done():
            return
        if self._body is not None and self._length is None and not self._chunked:
            waiter.set_result((self._status, bytes(self._body)))  # an answer ended by close
        else:
            reason = f"{type(exc).__name__}: {exc}" if exc else "closed by the server"
            waiter.set_exception(ConnectionBroken(f"connection lost before the answer ({reason})"))

    def eof_received(self) -> bool:
        return False  # close our side too

    def exchange(self, request: bytes) -> asyncio.Future[tuple[int, bytes]]:
        """Write `request`; the future of its answer (status, body)."""
        assert self.transport is not None
        waiter = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        self._body = None
        self.transport.write(request)
        return waiter

    def abort(self) -> None:
        self.keep = False
        if self.transport is not None:
            self.transport.abort()

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:  # nothing was asked: the connection is out of step
            self.abort()
            return
        if self._body is None:
            buffer = self._buffer
            buffer += data
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > HEAD_LIMIT:
                    self._fail("an answer's headers over the size limit")
                return
            try:
                self._read_head(bytes(buffer[:end]))
            except ValueError:
                self._fail("an answer that is not HTTP/1.1")
                return
            self._body = bytearray(buffer[end + 4 :])
            buffer.clear()
        else:
            self._body += data
        self._try_finish()

    def _read_head(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        status_line = lines[0]
        if not status_line.startswith(b"HTTP/1."):
            raise ValueError(status_line)
        self._status = int(status_line[9:12])
        if status_line[7:8] == b"0":
            self.keep = False  # HTTP/1.0 closes unless told otherwise; do not rely on it
        self._length = None
        self._chunked = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                self._length = int(value)
            elif name == b"transfer-encoding":
                self._chunked = b"chunked" in value.lower()
            elif name == b"connection" and b"close" in value.lower():
                self.keep = False
        if self._chunked:
            self._length = None
        elif self._length is None and (self._status in (204, 304) or self._status < 200):
            self._length = 0
        if self._length is None and not self._chunked:
            self.keep = False  # the answer ends when the server closes

    def _try_finish(self) -> None:
        body = self._body
        assert body is not None
        if self._chunked:
            done = _unchunk(body)
            if done is None:
                return
            result, extra = done
        elif self._length is not None:
            if len(body) < self._length:
                return
            result, extra = bytes(body[: self._length]), len(body) - self._length
        else:
            return  # until the server closes
        if extra:  # more than the answer asked for: the connection is out of step
            self.keep = False
        waiter, self._waiter = self._waiter, None
        self._body = None
        if waiter is not None and not waiter.done():
            waiter.set_result((self._status, result))

    def _fail(self, reason: str) -> None:
        waiter, self._waiter = self._waiter, None
        self.abort()
        if waiter is not None and not waiter.done():
            waiter.set_exception(ConnectionBroken(reason))


def _unchunk(body: bytearray) -> tuple[bytes, int] | None:
    """A complete chunked body decoded and the count of bytes after it; None if more is
    to come. Raises ValueError on a malformed size line."""
    parts: list[bytes] = []
    at = 0
    while True:
        line_end = body.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(bytes(body[at:line_end]).split(b";")[0].strip(), 16)
        at = line_end + 2
        if size == 0:
            while True:  # trailers, up to the empty line
                line_end = body.find(b"\r\n", at)
                if line_end < 0:
                    return None
                if line_end == at:
                    return b"".join(parts), len(body) - line_end - 2
                at = line_end + 2
        if len(body) < at + size + 2:
            return None
        parts.append(bytes(body[at : at + size]))
        at += size + 2


class KeepAlivePool:
    """Up to `size` kept connections to one server (`scheme://host[:port]`)."""

    def __init__(
        self,
        server: str,
        *,
        size: int,
        user_agent: str,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(server)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) server: {parts.scheme}://...")
        authority = parts.netloc.rpartition("@")[2]
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl: ssl.SSLContext | None = None
        if parts.scheme == "https":
            self.ssl = ssl_context or ssl.create_default_context()
        self.size = size
        self._head = (
            f"Host: {authority}\r\nUser-Agent: {user_agent}\r\n"
            "Content-Type: application/json\r\nAccept: */*\r\n"
        ).encode()
        self._idle: list[_Connection] = []
        self._open = 0
        self._waiters: deque[asyncio.Future[_Connection | None]] = deque()
        self._closed = False

    async def post(
        self,
        path: str,
        body: bytes,
        *,
        connect_timeout: float | None,
        pool_timeout: float | None,
        read_timeout: float | None,
    ) -> tuple[int, bytes]:
        """POST `body` (JSON) to `path`; the answer's status and body."""
        connection = await self._acquire(connect_timeout, pool_timeout)
        request = b"POST %s HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n%s" % (
            path.encode(),
            self._head,
            len(body),
            body,
        )
        answer = connection.exchange(request)
        timer = None
        if read_timeout is not None:
            timer = asyncio.get_running_loop().call_later(read_timeout, _expire, answer)
        try:
            return await answer
        except TimeoutError as error:
            raise TimedOut("Timed out waiting for the answer") from error
        except ConnectionBroken as error:
            raise NetworkError(f"Bot API connection: {error}") from error
        finally:
            if timer is not None:
                timer.cancel()
            if not answer.done():  # the caller was cancelled mid-call
                answer.cancel()
                connection.abort()
            elif answer.cancelled() or answer.exception() is not None:
                connection.abort()
            self._release(connection)

    async def _acquire(
        self, connect_timeout: float | None, pool_timeout: float | None
    ) -> _Connection:
        if self._closed:
            raise NetworkError("the Bot API connection pool is closed")
        idle = self._idle
        while idle:
            connection = idle.pop()
            if connection.keep:
                return connection
            self._open -= 1
        if self._open >= self.size:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout(pool_timeout):
                    handed = await waiter
            except BaseException as error:
                if waiter.done() and not waiter.cancelled():
                    self._give(waiter.result())  # handed over too late: pass it on
                elif waiter in self._waiters:
                    self._waiters.remove(waiter)
                if isinstance(error, TimeoutError):
                    raise TimedOut("Pool timeout: every connection is busy") from error
                raise
            if handed is not None:
                return handed
        self._open += 1  # a slot: ours, or one handed on by a connection that closed
        try:
            return await self._connect(connect_timeout)
        except BaseException:
            self._open -= 1
            self._give(None)
            raise

    async def _connect(self, within: float | None) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(within):
                _, connection = await loop.create_connection(
                    _Connection,
                    self.host,
                    self.port,
                    ssl=self.ssl,
                    server_hostname=self.host if self.ssl else None,
                )
        except TimeoutError as error:
            raise TimedOut("Timed out connecting to the Bot API server") from error
        except OSError as error:  # refused, unreachable, a certificate that fails, ...
            raise NetworkError(f"Bot API connection: {type(error).__name__}: {error}") from error
        return connection

    def _release(self, connection: _Connection) -> None:
        if connection.keep and not self._closed:
            self._give(connection)
            return
        connection.abort()
        self._open -= 1
        self._give(None)

    def _give(self, connection: _Connection | None) -> None:
        """Hand a connection (None: a free slot to open one in) to the first waiter, or
        keep it idle."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        if connection is not None:
            self._idle.append(connection)

    def close(self) -> None:
        """Close every idle connection; busy ones close as their calls end."""
        self._closed = True
        for connection in self._idle:
            connection.abort()
        self._open -= len(self._idle)
        self._idle.clear()


def _expire(answer: asyncio.Future[tuple[int, bytes]]) -> None:
    if not answer.done():
        answer.set_exception(TimeoutError())
