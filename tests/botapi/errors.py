"""Bot API error responses, shaped exactly like Telegram's."""

from __future__ import annotations

import math
from typing import Any


class ApiError(Exception):
    """An error the server answers with: ``{"ok": false, "error_code": ..., ...}``.

    ``code`` is both the HTTP status and ``error_code`` (Telegram uses the same number).
    """

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        return body


def bad_request(detail: str, parameters: dict[str, Any] | None = None) -> ApiError:
    """400 ``Bad Request: {detail}``."""
    return ApiError(400, f"Bad Request: {detail}", parameters)


def forbidden(detail: str) -> ApiError:
    """403 ``Forbidden: {detail}``."""
    return ApiError(403, f"Forbidden: {detail}")


def not_found() -> ApiError:
    """404 for an unknown method or a malformed token (Telegram answers both alike)."""
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    """401 for a well-formed token the server does not know (only in strict mode)."""
    return ApiError(401, "Unauthorized")


def conflict(detail: str) -> ApiError:
    """409 ``Conflict: {detail}``."""
    return ApiError(409, f"Conflict: {detail}")


def too_many_requests(retry_after: float) -> ApiError:
    """429 with ``parameters.retry_after`` in whole seconds (at least 1, rounded up)."""
    seconds = max(1, math.ceil(retry_after - 1e-9))
    return ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})


def chat_migrated(new_chat_id: int) -> ApiError:
    """400 for a group that became a supergroup, pointing at the new id."""
    return bad_request(
        "group chat was upgraded to a supergroup chat",
        {"migrate_to_chat_id": new_chat_id},
    )


def server_error(code: int = 502) -> ApiError:
    """A 5xx answer in JSON (``Bad Gateway`` for 502, ``Internal Server Error`` otherwise)."""
    phrases = {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }
    return ApiError(code, phrases.get(code, "Internal Server Error"))
