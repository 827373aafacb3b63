"""A protocol-level Telegram Bot API server for tests and benchmarks.

It speaks ``{url}/bot{token}/{method}`` like api.telegram.org (JSON, urlencoded and
multipart requests; Telegram's result objects and error shapes), records every call,
lets a test inject updates and script faults, and enforces Telegram's flood limits.
It does not depend on pytest.

    async with BotApiServer() as server:
        bot = telegram.Bot(TOKEN, base_url=server.base_url)
        ...

See ``server.BotApiServer`` for the API, ``limits`` for the rate-limit semantics and
``faults`` for scripted failures.
"""

from .errors import ApiError
from .faults import Fault, FaultRule
from .limits import RateLimits, Violations
from .markup import parse_html, parse_markdown, parse_markdown_v2, utf16_len
from .params import UploadedFile
from .server import BotApiServer, RecordedCall
from .state import UpdateRecord

__all__ = [
    "ApiError",
    "BotApiServer",
    "Fault",
    "FaultRule",
    "RateLimits",
    "RecordedCall",
    "UpdateRecord",
    "UploadedFile",
    "Violations",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "utf16_len",
]
