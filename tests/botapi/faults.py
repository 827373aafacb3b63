"""Scripted faults: make chosen calls fail the ways Telegram (or the network) fails.

A ``FaultRule`` pairs a ``Fault`` with which calls it hits: a method (or any), optionally
one chat and one token, every Nth matching call, after skipping some, at most ``times``
times. Rules are checked in the order they were added; the first that fires wins.

Kinds:

- ``Fault.retry_after(n)``: 429 ``Too Many Requests: retry after n`` with
  ``parameters.retry_after`` (not counted as a rate-limit violation).
- ``Fault.server_error(502)``: a 5xx answer; JSON by default, nginx's HTML page with
  ``html=True`` (what Telegram's front end sends when it is down).
- ``Fault.error(code, description, parameters)``: any Telegram-shaped error.
- ``Fault.slow(seconds)``: answer normally after a delay; the action happens after the
  delay (a slow server), or before it with ``after_action=True`` (a client that times out
  meanwhile sees an error although the action took effect). Either way the action
  happens whether or not the client is still waiting.
- ``Fault.drop()``: perform the action, then close the connection without answering: the
  bot sees a network error although the message was delivered.
- ``Fault.hang()``: never answer and never act; the call is recorded (status 0) once the
  client gives up or goes away (a process killed while it waited: the action never
  happened).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import ApiError, server_error, too_many_requests

FaultKind = Literal["error", "html_error", "slow", "slow_after", "drop", "hang"]

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Fault:
    """One way a call can go wrong. Build with the class methods."""

    kind: FaultKind
    api_error: ApiError | None = None
    delay: float = 0.0
    html: str = ""

    @classmethod
    def retry_after(cls, seconds: int) -> Fault:
        return cls("error", api_error=too_many_requests(seconds))

    @classmethod
    def server_error(cls, status: int = 502, *, html: bool = False) -> Fault:
        if html:
            return cls("html_error", api_error=server_error(status), html=NGINX_502)
        return cls("error", api_error=server_error(status))

    @classmethod
    def error(cls, code: int, description: str, parameters: dict[str, Any] | None = None) -> Fault:
        return cls("error", api_error=ApiError(code, description, parameters))

    @classmethod
    def slow(cls, seconds: float, *, after_action: bool = False) -> Fault:
        return cls("slow_after" if after_action else "slow", delay=seconds)

    @classmethod
    def drop(cls) -> Fault:
        return cls("drop")

    @classmethod
    def hang(cls) -> Fault:
        return cls("hang")


@dataclass
class FaultRule:
    """Where a fault applies. ``fired`` counts how often it did."""

    fault: Fault
    method: str | None = None  # case-insensitive; None = any method
    chat_id: int | None = None
    token: str | None = None
    every: int = 1
    skip: int = 0  # let this many matching calls through first
    times: int | None = None  # None = no limit
    seen: int = field(default=0, init=False)
    fired: int = field(default=0, init=False)

    def matches(self, method: str, chat_id: int | None, token: str) -> bool:
        if self.method is not None and self.method.lower() != method.lower():
            return False
        if self.chat_id is not None and self.chat_id != chat_id:
            return False
        return self.token is None or self.token == token

    def consider(self, method: str, chat_id: int | None, token: str) -> bool:
        """Count a matching call; True when the fault fires on it."""
        if not self.matches(method, chat_id, token):
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        self.seen += 1
        position = self.seen - self.skip
        if position <= 0 or position % self.every != 0:
            return False
        self.fired += 1
        return True


class FaultPlan:
    """The ordered rules of one server."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> FaultRule:
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def pick(self, method: str, chat_id: int | None, token: str) -> Fault | None:
        for rule in self.rules:
            if rule.consider(method, chat_id, token):
                return rule.fault
        return None
