"""A fake Discord, one layer below discord.py: its aiohttp session.

The bot under test is the real `QuizBot` with discord.py's real ConnectionState,
HTTPClient, webhook adapter, interactions, views and modals. Only the HTTP session is
replaced: `FakeSession.request` answers each REST call like Discord's API (v10) would and
records it, so tests assert on exactly what the bot sent (content, embeds, components,
flags) and can make a route fail with Discord's own status and error codes. Incoming
events are real-shaped gateway payloads fed to the state's `parse_*` handlers, the way
the gateway would. `test_helpers.py` checks the fakes against aiohttp's real classes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http import HTTPStatus
from types import TracebackType
from typing import Any
from unittest.mock import patch
from urllib.parse import urlsplit

import aiohttp
import discord
from multidict import CIMultiDict, CIMultiDictProxy

from bot.discord.app import QuizBot
from tests.discord import payloads as p

JSON = dict[str, Any]
EPHEMERAL = 1 << 6
API_ROOT = "/api/v10"
SETTLE_TIMEOUT = 30.0


class FakeResponse:
    """Stands in for aiohttp.ClientResponse (as used inside `async with session.request`)."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.reason = HTTPStatus(status).phrase
        merged = CIMultiDict({"Content-Type": "application/json", **(headers or {})})
        self.headers = CIMultiDictProxy(merged)
        self._text = "" if body is None else json.dumps(body)

    async def text(self, encoding: str | None = None, errors: str = "strict") -> str:
        return self._text

    async def read(self) -> bytes:
        return self._text.encode()

    async def __aenter__(self) -> FakeResponse:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None


class FakeDownload(FakeResponse):
    """A CDN file: raw bytes, not JSON."""

    def __init__(self, data: bytes) -> None:
        super().__init__(200, None, {"Content-Type": "application/octet-stream"})
        self._data = data

    async def read(self) -> bytes:
        return self._data


class FakeSession:
    """Stands in for aiohttp.ClientSession: every request goes to a `FakeDiscord`."""

    def __init__(self, api: FakeDiscord) -> None:
        self.api = api
        self._closed = False

    def request(self, method: str, url: str, **kwargs: Any) -> FakeResponse:
        return self.api.handle(method, str(url), kwargs.get("data"), kwargs.get("headers") or {})

    def get(self, url: str, **kwargs: Any) -> FakeResponse | FakeDownload:
        """A download from Discord's CDN (an attachment's url)."""
        return self.api.download(str(url))

    @property
    def closed(self) -> bool:
        return self._closed

    async def close(self) -> None:
        self._closed = True


@dataclass(frozen=True, slots=True)
class Upload:
    """A file attached to a request (a multipart part other than `payload_json`)."""

    field: str
    filename: str | None
    data: bytes


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    path: str
    body: Any
    headers: dict[str, str]
    files: tuple[Upload, ...] = ()


@dataclass(frozen=True, slots=True)
class Failure:
    status: int
    code: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)
    body: JSON | None = None


FORBIDDEN = Failure(403, 50013, "Missing Permissions")
MISSING_ACCESS = Failure(403, 50001, "Missing Access")
UNKNOWN_CHANNEL = Failure(404, 10003, "Unknown Channel")
BAD_REQUEST = Failure(400, 50035, "Invalid Form Body")
SERVICE_UNAVAILABLE = Failure(503, 0, "upstream connect error")
CLOUDFLARE_429 = Failure(429, 0, "You are being rate limited.", {"Retry-After": "7"})
LONG_RATE_LIMIT = Failure(
    429,
    0,
    "You are being rate limited.",
    {"Via": "1.1 google", "Retry-After": "45"},
    {"message": "You are being rate limited.", "retry_after": 45.0, "global": False},
)

_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"/channels/(\d+)/messages"), "_create_message"),
    ("POST", re.compile(r"/interactions/(\d+)/([^/]+)/callback"), "_callback"),
    ("POST", re.compile(r"/webhooks/(\d+)/([^/]+)"), "_followup"),
    ("PATCH", re.compile(r"/webhooks/(\d+)/([^/]+)/messages/@original"), "_edit_original"),
    ("PUT", re.compile(r"/applications/(\d+)/commands"), "_sync_commands"),
    ("GET", re.compile(r"/users/@me"), "_me"),
]


class FakeDiscord:
    """Discord's REST API as far as the bot uses it, with recorded calls."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: dict[int, JSON] = {}
        self.interactions: dict[int, JSON] = {}
        self.callbacks: dict[int, list[JSON]] = {}
        self.followups: dict[int, list[JSON]] = {}
        self.originals: dict[int, int] = {}
        self.failures: dict[int, Failure] = {}
        self.reply_failure: Failure | None = None
        """When set, every interaction reply and follow-up fails this way."""
        self.commands: list[JSON] = []
        self.token = "test-bot-token"
        self.cdn: dict[str, bytes] = {}
        """Attachments people sent, by url (see `payloads.attachment_option`)."""
        self._command_ids = itertools.count(1600000000000000001)

    # -- test controls -------------------------------------------------------------------

    def fail(self, channel_id: int, failure: Failure) -> None:
        """Make every message sent to `channel_id` fail as Discord would."""
        self.failures[channel_id] = failure

    def channel_messages(self, channel_id: int) -> list[JSON]:
        return [m for m in self.messages.values() if int(m["channel_id"]) == channel_id]

    # -- the API -------------------------------------------------------------------------

    def handle(self, method: str, url: str, data: Any, headers: dict[str, str]) -> FakeResponse:
        path = urlsplit(url).path.removeprefix(API_ROOT)
        body, files = _decode(data)
        self.calls.append(Call(method, path, body, dict(headers), files))
        for route_method, pattern, handler in _ROUTES:
            match = pattern.fullmatch(path)
            if match and method == route_method:
                return getattr(self, handler)(body, *match.groups())
        raise AssertionError(f"the bot called an endpoint the fake lacks: {method} {path}")

    def download(self, url: str) -> FakeResponse:
        self.calls.append(Call("GET", url, None, {}))
        data = self.cdn.get(url)
        if data is None:
            return FakeResponse(404, {"message": "404: Not Found", "code": 0})
        return FakeDownload(data)

    def _create_message(self, body: JSON, channel_id: str) -> FakeResponse:
        failure = self.failures.get(int(channel_id))
        if failure is not None:
            error = failure.body or {"code": failure.code, "message": failure.message}
            return FakeResponse(failure.status, error, failure.headers)
        guild_id = None if int(channel_id) == p.DM_CHANNEL_ID else p.GUILD_ID
        return FakeResponse(200, self._store(p.message(int(channel_id), body, guild_id=guild_id)))

    def _refused_reply(self) -> FakeResponse | None:
        failure = self.reply_failure
        if failure is None:
            return None
        error = failure.body or {"code": failure.code, "message": failure.message}
        return FakeResponse(failure.status, error, failure.headers)

    def _callback(self, body: JSON, interaction_id: str, token: str) -> FakeResponse:
        if body["type"] == 4 and (refused := self._refused_reply()) is not None:
            return refused
        source = self._interaction(int(interaction_id), token)
        self.callbacks.setdefault(int(interaction_id), []).append(body)
        kind = body["type"]
        reply: JSON = {"id": interaction_id, "type": source["type"]}
        result: JSON = {"interaction": reply}
        if kind == 4:  # a message in reply
            message = self._reply_message(source, body.get("data") or {})
            self.originals[int(interaction_id)] = int(message["id"])
            reply["response_message_id"] = message["id"]
            reply["response_message_ephemeral"] = bool(message["flags"] & EPHEMERAL)
            result["resource"] = {"type": 4, "message": message}
        elif kind == 5:  # "thinking…", a message to fill in later
            flags = (body.get("data") or {}).get("flags", 0)
            message = self._reply_message(source, {"flags": flags})
            self.originals[int(interaction_id)] = int(message["id"])
            reply["response_message_loading"] = True
            reply["response_message_ephemeral"] = bool(flags & EPHEMERAL)
        elif kind in (6, 7):  # (deferred) update of the component's own message
            self.originals[int(interaction_id)] = int(source["message"]["id"])
        if kind == 7:
            message = self._update(int(source["message"]["id"]), body.get("data") or {})
            result["resource"] = {"type": 7, "message": message}
        return FakeResponse(200, result)

    def _followup(self, body: JSON, application_id: str, token: str) -> FakeResponse:
        if (refused := self._refused_reply()) is not None:
            return refused
        source = self._by_token(token)
        self.followups.setdefault(int(source["id"]), []).append(body)
        original = self.originals.get(int(source["id"]))
        deferred = [c for c in self.callbacks.get(int(source["id"]), []) if c["type"] == 5]
        if original is not None and deferred and len(self.followups[int(source["id"])]) == 1:
            # The first follow-up of a deferred reply fills in the "thinking…" message.
            return FakeResponse(200, self._update(original, body))
        return FakeResponse(200, self._reply_message(source, body))

    def _edit_original(self, body: JSON, application_id: str, token: str) -> FakeResponse:
        source = self._by_token(token)
        return FakeResponse(200, self._update(self.originals[int(source["id"])], body))

    def _sync_commands(self, body: list[JSON], application_id: str) -> FakeResponse:
        self.commands = [
            {
                **command,
                "id": str(next(self._command_ids)),
                "application_id": application_id,
                "version": "1",
            }
            for command in body
        ]
        return FakeResponse(200, self.commands)

    def _me(self, body: None) -> FakeResponse:
        authorization = self.calls[-1].headers.get("Authorization")
        if authorization != f"Bot {self.token}":
            return FakeResponse(401, {"message": "401: Unauthorized", "code": 0})
        return FakeResponse(200, p.BOT_USER)

    def _interaction(self, interaction_id: int, token: str) -> JSON:
        source = self.interactions.get(interaction_id)
        if source is None or source["token"] != token:
            raise AssertionError(f"unknown interaction {interaction_id} or wrong token")
        return source

    def _by_token(self, token: str) -> JSON:
        for source in self.interactions.values():
            if source["token"] == token:
                return source
        raise AssertionError("follow-up with an unknown interaction token")

    def _reply_message(self, source: JSON, body: JSON) -> JSON:
        guild_id = int(source["guild_id"]) if "guild_id" in source else None
        message = p.message(
            int(source["channel_id"]), body, guild_id=guild_id, interaction_type=source["type"]
        )
        return self._store(message)

    def _store(self, message: JSON) -> JSON:
        self.messages[int(message["id"])] = message
        return message

    def _update(self, message_id: int, body: JSON) -> JSON:
        message = dict(self.messages[message_id])
        empty: dict[str, Any] = {"content": "", "embeds": [], "components": []}
        for key, cleared in empty.items():
            if key in body:
                message[key] = cleared if body[key] is None else body[key]
        message["edited_timestamp"] = p.TIMESTAMP
        self.messages[message_id] = message
        return message


def _decode(data: Any) -> tuple[Any, tuple[Upload, ...]]:
    """A request's JSON body, and its files when discord.py sent multipart form data
    (`payload_json` plus `files[n]` parts, as it does for attachments)."""
    if not isinstance(data, aiohttp.FormData):
        return (json.loads(data) if isinstance(data, str) else data), ()
    body: Any = None
    files = []
    for options, _headers, value in data._fields:
        if options["name"] == "payload_json":
            body = json.loads(value)
            continue
        raw = value.read() if hasattr(value, "read") else value
        files.append(Upload(options["name"], options.get("filename"), bytes(raw)))
    return body, tuple(files)


# -- driving the bot ---------------------------------------------------------------------


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Exchange:
    """What the bot answered to one interaction."""

    api: FakeDiscord
    interaction_id: int

    @property
    def callbacks(self) -> list[JSON]:
        return self.api.callbacks.get(self.interaction_id, [])

    @property
    def followups(self) -> list[JSON]:
        return self.api.followups.get(self.interaction_id, [])

    @property
    def reply(self) -> JSON:
        """The message the bot replied with (its stored form, after any edit)."""
        message_id = self.api.originals[self.interaction_id]
        return self.api.messages[message_id]

    @property
    def ephemeral(self) -> bool:
        return bool(self.reply["flags"] & EPHEMERAL)

    @property
    def modal(self) -> JSON:
        (callback,) = [c for c in self.callbacks if c["type"] == 9]
        return callback["data"]

    @property
    def texts(self) -> str:
        """Every text the bot answered with, joined: content, embeds, follow-ups."""
        bodies = [c.get("data") or {} for c in self.callbacks] + self.followups
        return "\n".join(_text_of(body) for body in bodies)


def _text_of(body: JSON) -> str:
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(part for part in parts if part)


def buttons(message: JSON) -> list[JSON]:
    return [c for row in message.get("components", []) for c in row.get("components", [])]


def embed_text(message: JSON) -> str:
    return _text_of(message)


class Harness:
    """The bot, connected to a fake Discord with one server and a DM."""

    def __init__(self, bot: QuizBot, api: FakeDiscord) -> None:
        self.bot = bot
        self.api = api
        self.channels = {
            p.QUIZ_CHANNEL_ID: p.text_channel(p.QUIZ_CHANNEL_ID, "quiz"),
            p.OTHER_CHANNEL_ID: p.text_channel(p.OTHER_CHANNEL_ID, "general"),
        }

    async def connect(self) -> None:
        """What login and the gateway's READY and GUILD_CREATE would do."""
        await self.bot._async_setup_hook()
        me = await login(self.bot, self.api, self.api.token)
        state = self.bot._connection
        state.user = discord.ClientUser(state=state, data=me)
        state.application_id = p.APP_ID
        state.parse_guild_create(p.guild_create(list(self.channels.values())))  # type: ignore[arg-type]
        await self.bot.setup_hook()

    def update_channel(self, channel: JSON) -> None:
        """CHANNEL_UPDATE, e.g. after an admin changed the channel's permissions."""
        self.channels[int(channel["id"])] = channel
        self.bot._connection.parse_channel_update(channel)  # type: ignore[arg-type]

    async def deliver(self, payload: JSON) -> Exchange:
        """INTERACTION_CREATE through the real dispatch path; waits for the handlers."""
        self.api.interactions[int(payload["id"])] = payload
        before = asyncio.all_tasks()
        self.bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        await settle(before)
        return Exchange(self.api, int(payload["id"]))

    # -- what members do -----------------------------------------------------------------

    async def command(
        self,
        name: str,
        *options: JSON,
        who: JSON = p.ALICE,
        channel_id: int = p.QUIZ_CHANNEL_ID,
        permissions: int = p.EVERYONE,
        resolved: JSON | None = None,
        kind: int = 2,
    ) -> Exchange:
        """A slash command (`kind` 4: an autocomplete request while typing one)."""
        data = p.command_data(name, list(options), resolved)
        return await self.deliver(self._payload(kind, data, who, channel_id, permissions))

    async def dm_command(self, name: str, *options: JSON, who: JSON = p.BOB) -> Exchange:
        data = p.command_data(name, list(options))
        return await self.deliver(
            p.interaction(2, data, channel=p.dm_channel(who), who=who, in_guild=False)
        )

    async def press(
        self,
        message: JSON,
        custom_id: str,
        *,
        who: JSON = p.ALICE,
        permissions: int = p.EVERYONE,
    ) -> Exchange:
        """Press the button `custom_id` on a message the bot sent (as stored by Discord)."""
        assert custom_id in [b.get("custom_id") for b in buttons(message)], custom_id
        channel_id = int(message["channel_id"])
        data = p.button_data(custom_id)
        if channel_id == p.DM_CHANNEL_ID:
            payload = p.interaction(
                3, data, channel=p.dm_channel(who), who=who, in_guild=False, message_payload=message
            )
        else:
            payload = self._payload(3, data, who, channel_id, permissions, message)
        return await self.deliver(payload)

    async def submit(self, opened: Exchange, answer: str, *, who: JSON = p.ALICE) -> Exchange:
        """Type `answer` into the form a button press opened, and send it."""
        source = self.api.interactions[opened.interaction_id]
        data = p.modal_submit_data(opened.modal, answer)
        in_guild = "guild_id" in source
        payload = p.interaction(
            5,
            data,
            channel=source["channel"],
            who=who,
            in_guild=in_guild,
            message_payload=source.get("message"),
        )
        return await self.deliver(payload)

    async def answer(self, message: JSON, text: str, *, who: JSON = p.ALICE) -> Exchange:
        """Press Answer on a question message and submit `text` in the form."""
        (answer_button,) = [b for b in buttons(message) if b["label"] == "Answer"]
        opened = await self.press(message, answer_button["custom_id"], who=who)
        return await self.submit(opened, text, who=who)

    def _payload(
        self,
        kind: int,
        data: JSON,
        who: JSON,
        channel_id: int,
        permissions: int,
        message: JSON | None = None,
    ) -> JSON:
        return p.interaction(
            kind,
            data,
            channel=self.channels[channel_id],
            who=who,
            permissions=permissions,
            message_payload=message,
        )


async def login(client: discord.Client, api: FakeDiscord, token: str) -> Any:
    """discord.py's own login request, its HTTP session being a `FakeSession`."""
    client.http.connector = None  # type: ignore[assignment]  # the fake needs no sockets
    with patch.object(aiohttp, "ClientSession", lambda **_: FakeSession(api)):
        return await client.http.static_login(token)


async def settle(before: set[asyncio.Task[Any]]) -> None:
    """Wait for every task started since `before`, except views' idle timers."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_TIMEOUT
    while True:
        pending = [task for task in _started_since(before) if not task.done()]
        if not pending:
            return
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(f"handlers still running: {pending}")
        await asyncio.wait(pending, timeout=remaining)


def _started_since(before: set[asyncio.Task[Any]]) -> Iterator[asyncio.Task[Any]]:
    current = asyncio.current_task()
    for task in asyncio.all_tasks():
        if task in before or task is current:
            continue
        if "timeout" in task.get_coro().__qualname__:  # type: ignore[union-attr]
            continue
        yield task
