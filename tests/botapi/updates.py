"""Builders for the JSON of updates and messages, with Telegram's field layout."""

from __future__ import annotations

import re
from typing import Any

from .markup import utf16_len

# Telegram finds these entities in what users type.
_ENTITY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bot_command", re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("url", re.compile(r"(?<![\w@])https?://[^\s<>\"]+")),
    ("mention", re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{4,32}(?![\w])")),
    ("hashtag", re.compile(r"(?<![\w#])#[^\W\d][\w]{0,255}")),
)


def detect_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram attaches to a user's plain text (commands, URLs, mentions,
    hashtags), with UTF-16 offsets."""
    found: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _ENTITY_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            found.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[:start]),
                    "length": utf16_len(text[start:end]),
                }
            )
    return sorted(found, key=lambda e: e["offset"])


def command_text(command: str, args: str = "", bot_username: str | None = None) -> str:
    """``/cmd``, ``/cmd@botname`` or ``/cmd@botname args``."""
    text = "/" + command.lstrip("/")
    if bot_username:
        text += "@" + bot_username
    if args:
        text += " " + args
    return text


def message_json(
    *,
    message_id: int,
    date: int,
    chat: dict[str, Any],
    sender: dict[str, Any] | None = None,
    sender_chat: dict[str, Any] | None = None,
    text: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    thread_id: int | None = None,
    is_topic_message: bool = False,
    reply_to: dict[str, Any] | None = None,
    content: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Message object. ``reply_to`` is embedded one level deep, like Telegram."""
    data: dict[str, Any] = {"message_id": message_id}
    if thread_id is not None:
        data["message_thread_id"] = thread_id
    if sender is not None:
        data["from"] = sender
    if sender_chat is not None:
        data["sender_chat"] = sender_chat
    data["chat"] = chat
    data["date"] = date
    if is_topic_message:
        data["is_topic_message"] = True
    if reply_to is not None:
        data["reply_to_message"] = shallow(reply_to)
    if text is not None:
        data["text"] = text
        if entities:
            data["entities"] = entities
    if content:
        data.update(content)
    return data


def shallow(message: dict[str, Any]) -> dict[str, Any]:
    """A message as embedded in another (no nested ``reply_to_message``)."""
    return {key: value for key, value in message.items() if key != "reply_to_message"}


def photo_sizes(
    file_id: str, unique_id: str, width: int, height: int, size: int
) -> list[dict[str, Any]]:
    """PhotoSize list: a thumbnail plus the full size, as Telegram returns."""
    scale = min(1.0, 90 / max(width, height, 1))
    return [
        {
            "file_id": file_id + "-s",
            "file_unique_id": unique_id + "s",
            "file_size": max(1, size // 20),
            "width": max(1, round(width * scale)),
            "height": max(1, round(height * scale)),
        },
        {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_size": size,
            "width": width,
            "height": height,
        },
    ]


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG (1280x720 when unknown)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                height = int.from_bytes(data[i + 5 : i + 7], "big")
                width = int.from_bytes(data[i + 7 : i + 9], "big")
                return width, height
            i += 2 + length
    return 1280, 720


def member_json(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember object for ``status``."""
    data: dict[str, Any] = {"user": user, "status": status}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(
            {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                "can_pin_messages": True,
                "can_manage_topics": True,
            }
        )
    elif status == "kicked":
        data["until_date"] = 0
    elif status == "restricted":
        data.update(
            {
                "is_member": True,
                "can_send_messages": False,
                "can_send_audios": False,
                "can_send_documents": False,
                "can_send_photos": False,
                "can_send_videos": False,
                "can_send_video_notes": False,
                "can_send_voice_notes": False,
                "can_send_polls": False,
                "can_send_other_messages": False,
                "can_add_web_page_previews": False,
                "can_change_info": False,
                "can_invite_users": False,
                "can_pin_messages": False,
                "can_manage_topics": False,
                "can_edit_tag": False,
                "can_react_to_messages": False,
                "until_date": 0,
            }
        )
    return data
