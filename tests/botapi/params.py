"""Turn a Bot API request (query string, JSON, urlencoded or multipart body) into Python
values, the way Telegram reads them: numbers and booleans from strings, JSON-serialized
objects (``reply_markup``, ``entities``, ``options``...) decoded, uploaded files kept."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import ApiError, bad_request

INT_PARAMS = frozenset(
    {
        "chat_id",
        "message_id",
        "message_thread_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "reply_to_message_id",
        "correct_option_id",
        "open_period",
        "close_date",
        "cache_time",
        "from_chat_id",
        "duration",
        "width",
        "height",
        "max_connections",
        "until_date",
        "direct_messages_topic_id",
    }
)
BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "is_anonymous",
        "allows_multiple_answers",
        "is_closed",
        "show_alert",
        "drop_pending_updates",
        "is_big",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
        "only_if_banned",
        "allow_paid_broadcast",
        "show_caption_above_media",
        "supports_streaming",
        "revoke_messages",
        "allows_revoting",
        "members_only",
        "allow_adding_options",
        "shuffle_options",
        "hide_results_until_closes",
    }
)
JSON_PARAMS = {
    "reply_markup": "reply keyboard markup",
    "entities": "entities",
    "caption_entities": "caption entities",
    "explanation_entities": "explanation entities",
    "question_entities": "question entities",
    "options": "poll options",
    "allowed_updates": "allowed updates",
    "commands": "commands",
    "scope": "bot command scope",
    "reaction": "reaction",
    "link_preview_options": "link preview options",
    "reply_parameters": "reply parameters",
    "media": "media",
    "message_ids": "message identifiers",
    "correct_option_ids": "correct option identifiers",
    "description_entities": "description entities",
    "country_codes": "country codes",
}


@dataclass(frozen=True)
class UploadedFile:
    """A file sent in a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return (
            f"UploadedFile(field={self.field!r}, filename={self.filename!r}, "
            f"content_type={self.content_type!r}, size={self.size})"
        )


async def read_params(request: web.Request) -> dict[str, Any]:
    """All parameters of the request, merged query-string first, coerced."""
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except (ValueError, UnicodeDecodeError) as exc:
                raise bad_request("can't parse JSON encoded request") from exc
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON encoded request")
            raw.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    raw[key] = UploadedFile(
                        field=key,
                        filename=value.filename,
                        content_type=value.content_type,
                        data=value.file.read(),
                    )
                else:
                    raw[key] = value
    return coerce(raw)


def coerce(raw: dict[str, Any]) -> dict[str, Any]:
    """Coerce string values to the types Telegram reads them as."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, UploadedFile):
            params[key] = value
        elif key in JSON_PARAMS:
            params[key] = _json_value(key, value)
        elif key in INT_PARAMS:
            params[key] = _int_value(key, value)
        elif key in BOOL_PARAMS:
            params[key] = _bool_value(value)
        else:
            params[key] = value
    # resolve attach://name references to the uploaded parts
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            part = params.get(value[len("attach://") :])
            if isinstance(part, UploadedFile):
                params[key] = part
    return params


def _json_value(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError as exc:
        raise bad_request(f"can't parse {JSON_PARAMS[key]} JSON object") from exc


def _int_value(key: str, value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            if key == "chat_id":  # "@channelusername"
                return value
            try:
                number = float(value)
            except ValueError:
                number = float("nan")
            if number == number and (number.is_integer() or key == "timeout"):
                return int(number)
    raise bad_request(f"invalid {key} specified")


def _bool_value(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    return str(value).strip().lower() in ("true", "1", "yes", "on")


def require(params: dict[str, Any], name: str, detail: str | None = None) -> Any:
    """A required parameter, or Telegram's ``Bad Request: {name} is empty``."""
    value = params.get(name)
    if value is None or value == "":
        raise bad_request(detail or f"{name} is empty")
    return value


def int_param(params: dict[str, Any], name: str, default: int | None = None) -> int | None:
    value = params.get(name, default)
    if value is None or isinstance(value, int):
        return value
    raise ApiError(400, f"Bad Request: invalid {name} specified")
