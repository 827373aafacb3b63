"""PTB's HTTP transport on aiohttp instead of httpx.

Every Bot API call goes through `BaseRequest.do_request`. PTB's own `HTTPXRequest` costs
about 1 ms of CPU per call, and more the more calls are in flight (httpcore checks every
pooled connection on each request): with dozens of sends in flight during a fan-out it
took 3 ms a call, most of a core at 300 messages a second. aiohttp's client does the same
call for 0.2-0.3 ms at any concurrency (benchmarks/RESULTS.md). Calls whose body is JSON
(every call but uploads) cost a third of that again over our own kept-alive HTTP/1.1
connections (`bot.telegram.keepalive`); aiohttp carries uploads, downloads, and every
call when a proxy is configured for the server.

The behaviour PTB relies on is kept: the parameters (sent as JSON, or multipart when files
are uploaded; a body already encoded as JSON bytes is posted as it is), PTB's timeouts,
`TimedOut` for timeouts and `NetworkError` (caused by the aiohttp error) for everything
else on the wire. POST is never retried by aiohttp, so a send whose connection broke is
reported, not repeated. Proxies come from the environment (HTTPS_PROXY, NO_PROXY, ...),
looked up once per server instead of on every call as aiohttp's `trust_env` does (two
thread hand-offs a call, with a read of ~/.netrc). Nothing is logged here: the URL holds
the token.
"""

from __future__ import annotations

import json

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

from bot.telegram.keepalive import KeepAlivePool


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one `aiohttp.ClientSession`, created in `initialize`.

    The arguments mean what they mean for PTB's `HTTPXRequest` (write timeouts aside:
    aiohttp has none, so a request's body is bounded by the read timeout's clock only).
    """

    __slots__ = (
        "_connect_timeout",
        "_pool_size",
        "_pool_timeout",
        "_pools",
        "_proxies",
        "_read_timeout",
        "_session",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        # aiohttp has no write timeout: a stalled upload ends at the read timeout instead.
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}
        self._pools: dict[str, KeepAlivePool] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        pools, self._pools = self._pools, {}
        for pool in pools.values():
            pool.close()
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | bytes | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        server = url[: url.find("/", url.find("//") + 2)]
        proxy, proxy_auth = self._proxy_for(server)
        if method == "POST" and proxy is None:
            body = _json_body(request_data)
            if body is not None:
                return await self._pool_for(server).post(
                    url[len(server) :],
                    body,
                    connect_timeout=connect,
                    pool_timeout=pool,
                    read_timeout=read,
                )
        timeout = aiohttp.ClientTimeout(
            total=None,
            # aiohttp's `connect` counts the wait for a pooled connection too
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with session.request(
                method,
                url,
                data=_body(request_data),
                headers=_headers(request_data),
                timeout=timeout,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp.ServerTimeoutError included
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    def _pool_for(self, server: str) -> KeepAlivePool:
        pool = self._pools.get(server)
        if pool is None:
            pool = KeepAlivePool(server, size=self._pool_size, user_agent=self.USER_AGENT)
            self._pools[server] = pool
        return pool

    def _proxy_for(self, server: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """The environment's proxy for `server` (None: connect directly)."""
        found = self._proxies.get(server)
        if found is None:
            try:
                found = get_env_proxy_for_url(URL(server))
            except LookupError:
                found = (None, None)
            self._proxies[server] = found
        return found


_JSON = {"Content-Type": "application/json"}


def _json_body(request_data: RequestData | bytes | None) -> bytes | None:
    """The call's body as JSON, or None when it uploads files (a multipart form)."""
    if isinstance(request_data, bytes):
        return request_data
    if request_data is None or request_data.contains_files:
        return None
    return json.dumps(request_data.parameters, ensure_ascii=False).encode()


def _body(request_data: RequestData | bytes | None) -> aiohttp.FormData | bytes | None:
    """A JSON body (the Bot API takes JSON; encoding it costs a fraction of a form's),
    or multipart form fields when the request uploads files."""
    if request_data is None or isinstance(request_data, bytes):
        return request_data
    if not request_data.contains_files:
        return json.dumps(request_data.parameters, ensure_ascii=False).encode()
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form


def _headers(request_data: RequestData | bytes | None) -> dict[str, str] | None:
    if isinstance(request_data, bytes):
        return _JSON
    return _JSON if request_data is not None and not request_data.contains_files else None
