"""Bot API calls over kept-alive connections (`bot.telegram.keepalive`, used by the
transport for every call with a JSON body): connections reused, answers read however the
server frames them, every timeout and failure reported as PTB's errors, nothing sent
twice, TLS verified, and aiohttp kept where a proxy is configured."""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.keepalive import KeepAlivePool
from bot.telegram.ratelimit import is_transport_failure
from bot.telegram.transport import AiohttpRequest
from tests.botapi import BotApiServer, Fault

TOKEN = "123456:keepalive-test-token"
OK = b'{"ok":true,"result":{"message_id":1}}'

Answer = Callable[[bytes], bytes | None]
"""Given a request's body, the raw bytes to answer (None: close without answering)."""


def framed(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    head = "".join(f"{header}\r\n" for header in headers)
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body


def sized(body: bytes = OK, *headers: str) -> bytes:
    return framed(body, f"Content-Length: {len(body)}", *headers)


class Scripted:
    """A raw HTTP/1.1 server on 127.0.0.1 that answers each request as told."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[tuple[bytes, bytes]] = []
        """(head, body) of each request received."""
        self.server: asyncio.Server | None = None
        self.url = ""
        self.close_after = False
        """Close each connection after its first answer (without saying so)."""

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> Scripted:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=ssl_context)
        port = self.server.sockets[0].getsockname()[1]
        self.url = f"{'https' if ssl_context else 'http'}://127.0.0.1:{port}"
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                body = await reader.readexactly(length)
                self.requests.append((head, body))
                answer = self.answer(body)
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()


@pytest.fixture
async def scripted() -> AsyncIterator[Callable[[Answer], asyncio.Future[Scripted]]]:
    started: list[Scripted] = []

    async def start(answer: Answer) -> Scripted:
        server = await Scripted(answer).start()
        started.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in started:
        await server.stop()


async def post(pool: KeepAlivePool, body: bytes = b'{"chat_id":1}', **timeouts: float | None):
    options = {"connect_timeout": 2.0, "pool_timeout": 2.0, "read_timeout": 2.0} | timeouts
    return await pool.post(f"/bot{TOKEN}/sendMessage", body, **options)


async def test_calls_one_after_another_share_one_connection(scripted) -> None:
    server = await scripted(lambda body: sized(b'{"ok":true,"result":%s}' % body))
    pool = KeepAlivePool(server.url, size=4, user_agent="quizbot-test")
    answers = [await post(pool, b'{"n":%d}' % n) for n in range(5)]
    assert answers == [(200, b'{"ok":true,"result":{"n":%d}}' % n) for n in range(5)]
    assert server.connections == 1
    head, body = server.requests[0]
    assert head.startswith(f"POST /bot{TOKEN}/sendMessage HTTP/1.1\r\n".encode())
    assert b"\r\nContent-Type: application/json\r\n" in head
    assert b"\r\nHost: 127.0.0.1:" in head
    assert body == b'{"n":0}'
    pool.close()


async def test_calls_at_once_open_at_most_the_pool_size(scripted) -> None:
    server = await scripted(lambda body: sized())
    pool = KeepAlivePool(server.url, size=3, user_agent="quizbot-test")
    answers = await asyncio.gather(*(post(pool) for _ in range(20)))
    assert answers == [(200, OK)] * 20
    assert server.connections <= 3
    pool.close()


@pytest.mark.parametrize(
    "answer",
    [
        framed(b"25\r\n" + OK + b"\r\n0\r\n\r\n", "Transfer-Encoding: chunked"),
        framed(
            b"5;x=1\r\n" + OK[:5] + b"\r\n20\r\n" + OK[5:] + b"\r\n0\r\nX-T: 1\r\n\r\n",
            "Transfer-Encoding: chunked",
        ),
        sized(OK, "Connection: close"),
    ],
    ids=["chunked", "chunks-with-extensions-and-trailer", "connection-close"],
)
async def test_answers_are_read_however_they_are_framed(scripted, answer: bytes) -> None:
    server = await scripted(lambda body: answer)
    pool = KeepAlivePool(server.url, size=2, user_agent="quizbot-test")
    assert await post(pool) == (200, OK)
    assert await post(pool) == (200, OK)
    pool.close()


async def test_an_answer_ended_by_closing_is_read_whole_and_not_reused(scripted) -> None:
    server = await scripted(lambda body: framed(b"no-length-" + OK))  # the close ends it
    server.close_after = True
    pool = KeepAlivePool(server.url, size=2, user_agent="quizbot-test")
    assert await post(pool) == (200, b"no-length-" + OK)
    assert await post(pool) == (200, b"no-length-" + OK)
    assert server.connections == 2
    pool.close()


async def test_an_error_status_is_an_answer_not_a_failure(scripted) -> None:
    refused = b'{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked"}'
    server = await scripted(
        lambda body: sized(refused)[:9] + b"403 Forbidden" + sized(refused)[15:]
    )
    pool = KeepAlivePool(server.url, size=1, user_agent="quizbot-test")
    assert await post(pool) == (403, refused)
    pool.close()


async def test_a_connection_closed_before_the_answer_is_a_network_error_never_a_retry(
    scripted,
) -> None:
    server = await scripted(lambda body: None)
    pool = KeepAlivePool(server.url, size=2, user_agent="quizbot-test")
    with pytest.raises(NetworkError, match="connection lost before the answer") as raised:
        await post(pool)
    assert len(server.requests) == 1  # sent once, not again on a fresh connection
    assert is_transport_failure(raised.value)  # so a send is never retried on top
    server.answer = lambda body: sized()
    assert await post(pool) == (200, OK)  # the next call opens a new connection
    pool.close()


async def test_an_idle_connection_the_server_closed_is_not_used_again(scripted) -> None:
    server = await scripted(lambda body: sized())
    server.close_after = True  # the server drops each connection once it has answered
    pool = KeepAlivePool(server.url, size=2, user_agent="quizbot-test")
    assert await post(pool) == (200, OK)
    await asyncio.sleep(0.05)  # the close arrives while the connection is idle
    assert await post(pool) == (200, OK)
    assert server.connections == 2
    pool.close()


@pytest.mark.parametrize(
    "answer",
    [b"SMTP ready\r\n\r\n", b"HTTP/1.1 200 OK\r\n" + b"X-Filler: x\r\n" * 8000 + b"\r\n"],
    ids=["not-http", "headers-over-the-limit"],
)
async def test_an_answer_that_is_not_http_is_a_network_error(scripted, answer: bytes) -> None:
    server = await scripted(lambda body: answer)
    pool = KeepAlivePool(server.url, size=1, user_agent="quizbot-test")
    with pytest.raises(NetworkError):
        await post(pool)
    pool.close()


async def test_no_answer_within_the_read_timeout_is_timed_out_and_drops_the_connection(
    scripted,
) -> None:
    hold = asyncio.Event()
    server = await scripted(lambda body: b"" if not hold.is_set() else sized())
    pool = KeepAlivePool(server.url, size=1, user_agent="quizbot-test")
    with pytest.raises(TimedOut):
        await post(pool, read_timeout=0.1)
    hold.set()
    assert await post(pool) == (200, OK)
    assert server.connections == 2  # the timed-out connection was not reused
    pool.close()


async def test_waiting_for_a_busy_pool_past_the_pool_timeout_is_timed_out(scripted) -> None:
    server = await scripted(lambda body: b"" if body == b'{"hang":1}' else sized())
    pool = KeepAlivePool(server.url, size=1, user_agent="quizbot-test")
    hanging = asyncio.create_task(post(pool, b'{"hang":1}', read_timeout=5.0))
    await asyncio.sleep(0.05)
    with pytest.raises(TimedOut, match="Pool timeout"):
        await post(pool, pool_timeout=0.1)
    assert len(server.requests) == 1  # the waiting call was never sent
    hanging.cancel()
    with pytest.raises(asyncio.CancelledError):
        await hanging
    assert await post(pool) == (200, OK)  # the cancelled call's slot came free
    pool.close()


async def test_a_cancelled_call_frees_its_connection_for_the_next(scripted) -> None:
    server = await scripted(lambda body: b"" if body == b'{"hang":1}' else sized())
    pool = KeepAlivePool(server.url, size=1, user_agent="quizbot-test")
    hanging = asyncio.create_task(post(pool, b'{"hang":1}', read_timeout=None))
    await asyncio.sleep(0.05)
    waiting = asyncio.create_task(post(pool))
    await asyncio.sleep(0.05)
    hanging.cancel()
    assert await asyncio.wait_for(waiting, 2) == (200, OK)
    assert server.connections == 2  # the cancelled call's connection was dropped
    pool.close()


async def test_a_refused_connection_is_a_network_error() -> None:
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    pool = KeepAlivePool(f"http://127.0.0.1:{port}", size=1, user_agent="quizbot-test")
    with pytest.raises(NetworkError, match="Bot API connection"):
        await post(pool)
    pool.close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    openssl = shutil.which("openssl")
    assert openssl, "the TLS tests need the openssl command"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_https_calls_go_over_verified_tls(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    serving = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    serving.load_cert_chain(cert, key)
    server = await Scripted(lambda body: sized()).start(serving)
    trusting = ssl.create_default_context(cafile=str(cert))
    pool = KeepAlivePool(server.url, size=1, user_agent="quizbot-test", ssl_context=trusting)
    assert await post(pool) == (200, OK)
    assert await post(pool) == (200, OK)
    assert server.connections == 1
    pool.close()

    # Without the certificate among the trusted ones, nothing is sent.
    untrusting = KeepAlivePool(server.url, size=1, user_agent="quizbot-test")
    with pytest.raises(NetworkError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify"):
        await post(untrusting)
    assert len(server.requests) == 2
    untrusting.close()
    await server.stop()


# -- through the transport -----------------------------------------------------------------


@pytest.fixture
async def api() -> AsyncIterator[BotApiServer]:
    async with BotApiServer() as server:
        server.add_bot(TOKEN, username="keepalive_bot")
        for user_id in (771, 772, 773, 774):
            server.add_user(user_id)
        yield server


def send_message(chat_id: int, text: str) -> RequestData:
    return RequestData(
        [RequestParameter("chat_id", chat_id, None), RequestParameter("text", text, None)]
    )


async def test_the_transport_sends_json_calls_over_kept_connections(api: BotApiServer) -> None:
    request = AiohttpRequest(connection_pool_size=4)
    await request.initialize()
    try:
        url = f"{api.base_url}{TOKEN}/sendMessage"
        for chat_id, text in ((771, "one"), (772, "two")):
            status, payload = await request.do_request(url, "POST", send_message(chat_id, text))
            assert status == 200
            assert json.loads(payload)["result"]["text"] == text
        assert len(request._pools) == 1
        # Faults of the test server come back as PTB's errors, as through aiohttp.
        api.add_fault(Fault.drop(), method="sendMessage", times=1)
        with pytest.raises(NetworkError):
            await request.do_request(url, "POST", send_message(773, "dropped"))
        api.add_fault(Fault.hang(), method="sendMessage", times=1)
        with pytest.raises(TimedOut):
            await request.do_request(url, "POST", send_message(774, "hung"), read_timeout=0.2)
    finally:
        await request.shutdown()


async def test_with_a_proxy_configured_calls_go_through_aiohttp_and_the_proxy(
    api: BotApiServer, scripted, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = await scripted(lambda body: sized())
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    request = AiohttpRequest(connection_pool_size=2)
    await request.initialize()
    try:
        url = f"{api.base_url}{TOKEN}/sendMessage"
        assert await request.do_request(url, "POST", send_message(771, "via proxy")) == (200, OK)
    finally:
        await request.shutdown()
    head, _ = proxy.requests[0]
    assert head.startswith(f"POST {url} HTTP/1.1".encode())  # a proxy's absolute form
    assert request._pools == {}
