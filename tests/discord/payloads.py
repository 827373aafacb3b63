"""Discord API payloads in their real shapes (API v10), for discord.py to parse.

Only the fields Discord sends are used, with realistic values; ids are snowflakes.
"""

from __future__ import annotations

import itertools
from typing import Any

from bot.discord.invite import PERMISSIONS

JSON = dict[str, Any]

APP_ID = 1100000000000000001
"""The application id; a bot user's id is its application's id."""
GUILD_ID = 1200000000000000001
BOT_ROLE_ID = 1200000000000000002
QUIZ_CHANNEL_ID = 1300000000000000001
OTHER_CHANNEL_ID = 1300000000000000002
DM_CHANNEL_ID = 1300000000000000099
ALICE_ID = 1400000000000000001
BOB_ID = 1400000000000000002
CAROL_ID = 1400000000000000003
TIMESTAMP = "2025-03-03T09:00:00.000000+00:00"

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
USE_APPLICATION_COMMANDS = 1 << 31
EVERYONE = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_APPLICATION_COMMANDS
)
"""What @everyone may do in a typical new server."""
ADMIN = EVERYONE | MANAGE_GUILD

_ids = itertools.count(1500000000000000001)


def snowflake() -> int:
    return next(_ids)


def user(user_id: int, username: str, global_name: str | None = None, *, bot: bool = False) -> JSON:
    data: JSON = {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": global_name,
        "avatar": None,
        "public_flags": 0,
    }
    if bot:
        data["bot"] = True
    return data


BOT_USER = user(APP_ID, "quizbot", bot=True)
ALICE = user(ALICE_ID, "alice", "Alice")
BOB = user(BOB_ID, "bob", "Bob")
CAROL = user(CAROL_ID, "carol", "Carol")


def member(who: JSON, *, permissions: int | None = None, roles: tuple[int, ...] = ()) -> JSON:
    """A guild member; `permissions` (the member's in the channel) only in interactions."""
    data: JSON = {
        "user": who,
        "roles": [str(role) for role in roles],
        "nick": None,
        "avatar": None,
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def role(role_id: int, name: str, permissions: int, *, managed: bool = False) -> JSON:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": 1 if managed else 0,
        "permissions": str(permissions),
        "managed": managed,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(channel_id: int, name: str, *, overwrites: list[JSON] | None = None) -> JSON:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": name,
        "position": 0,
        "permission_overwrites": overwrites or [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def deny_bot(*permissions: int) -> list[JSON]:
    """A channel overwrite taking `permissions` away from the bot's role."""
    denied = 0
    for permission in permissions:
        denied |= permission
    return [{"id": str(BOT_ROLE_ID), "type": 0, "allow": "0", "deny": str(denied)}]


def guild_create(channels: list[JSON]) -> JSON:
    """GUILD_CREATE for a server the bot was invited to with the documented permissions."""
    return {
        "id": str(GUILD_ID),
        "name": "Study Group",
        "icon": None,
        "owner_id": str(ALICE_ID),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "system_channel_id": None,
        "features": [],
        "roles": [
            role(GUILD_ID, "@everyone", EVERYONE),
            role(BOT_ROLE_ID, "quizbot", PERMISSIONS.value, managed=True),
        ],
        "emojis": [],
        "stickers": [],
        "channels": channels,
        "threads": [],
        "members": [member(BOT_USER, roles=(BOT_ROLE_ID,))],
        "member_count": 4,
        "large": False,
        "joined_at": TIMESTAMP,
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "premium_progress_bar_enabled": False,
    }


def dm_channel(who: JSON, channel_id: int = DM_CHANNEL_ID) -> JSON:
    return {"id": str(channel_id), "type": 1, "recipients": [who], "last_message_id": None}


def message(
    channel_id: int,
    body: JSON,
    *,
    message_id: int | None = None,
    guild_id: int | None = None,
    interaction_type: int | None = None,
) -> JSON:
    """The message Discord stores and returns for a create-message `body`."""
    data: JSON = {
        "id": str(message_id or snowflake()),
        "channel_id": str(channel_id),
        "author": BOT_USER,
        "content": body.get("content") or "",
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 19 if body.get("message_reference") else 0,
        "flags": body.get("flags") or 0,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if body.get("message_reference"):
        reference = body["message_reference"]
        data["message_reference"] = {
            "type": 0,
            **{
                key: str(value) if key.endswith("_id") else value
                for key, value in reference.items()
            },
        }
    if interaction_type is not None:
        data["webhook_id"] = str(APP_ID)
        data["application_id"] = str(APP_ID)
        data["type"] = 20 if interaction_type == 2 else 0
    return data


def interaction(
    kind: int,
    data: JSON | None,
    *,
    channel: JSON,
    who: JSON,
    permissions: int = EVERYONE,
    in_guild: bool = True,
    message_payload: JSON | None = None,
) -> JSON:
    """INTERACTION_CREATE: kind 2 command, 3 component, 4 autocomplete, 5 modal submit."""
    interaction_id = snowflake()
    payload: JSON = {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": kind,
        "token": f"aW50ZXJhY3Rpb246{interaction_id}",
        "version": 1,
        "channel": channel,
        "channel_id": channel["id"],
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10485760,
        "app_permissions": str(PERMISSIONS.value if in_guild else 0),
    }
    if data is not None:
        payload["data"] = data
    if message_payload is not None:
        payload["message"] = message_payload
    if in_guild:
        payload |= {
            "guild_id": str(GUILD_ID),
            "guild": {"id": str(GUILD_ID), "locale": "en-US", "features": []},
            "guild_locale": "en-US",
            "member": member(who, permissions=permissions),
            "context": 0,
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
        }
    else:
        payload |= {
            "user": who,
            "context": 1,
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
        }
    return payload


def command_data(
    name: str, options: list[JSON] | None = None, resolved: JSON | None = None
) -> JSON:
    data: JSON = {"id": str(snowflake()), "name": name, "type": 1}
    if options:
        data["options"] = options
    if resolved:
        data["resolved"] = resolved
    return data


def string_option(name: str, value: str, *, focused: bool = False) -> JSON:
    option: JSON = {"name": name, "type": 3, "value": value}
    if focused:
        option["focused"] = True
    return option


def channel_option(name: str, channel: JSON, permissions: int = ADMIN) -> tuple[JSON, JSON]:
    """A channel option and the `resolved` data Discord sends with it."""
    resolved = {
        "channels": {
            channel["id"]: {
                "id": channel["id"],
                "name": channel["name"],
                "type": channel["type"],
                "permissions": str(permissions),
                "parent_id": None,
            }
        }
    }
    return {"name": name, "type": 7, "value": channel["id"]}, resolved


def attachment_option(
    name: str, filename: str, data: bytes, cdn: dict[str, bytes], *, size: int | None = None
) -> tuple[JSON, JSON]:
    """An attachment option and its `resolved` data; the file goes into the fake CDN
    (`size` may claim another size, as a client could)."""
    attachment_id = str(snowflake())
    url = f"https://cdn.discordapp.com/ephemeral-attachments/{attachment_id}/{filename}"
    cdn[url] = data
    resolved = {
        "attachments": {
            attachment_id: {
                "id": attachment_id,
                "filename": filename,
                "size": len(data) if size is None else size,
                "url": url,
                "proxy_url": url.replace("cdn.", "media."),
            }
        }
    }
    return {"name": name, "type": 11, "value": attachment_id}, resolved


def subcommand(name: str, options: list[JSON] | None = None) -> JSON:
    return {"name": name, "type": 1, "options": options or []}


def button_data(custom_id: str) -> JSON:
    return {"custom_id": custom_id, "component_type": 2}


def modal_submit_data(modal: JSON, values: dict[str, str] | str) -> JSON:
    """What Discord sends back for a modal: each text input's custom_id and value."""
    components = []
    for component in modal["components"]:
        if component["type"] == 18:  # a label around one input
            inner = component["component"]
            value = values if isinstance(values, str) else values[inner["custom_id"]]
            components.append(
                {
                    "type": 18,
                    "id": component.get("id", 0),
                    "component": {"type": 4, "custom_id": inner["custom_id"], "value": value},
                }
            )
        elif component["type"] == 10:
            components.append({"type": 10, "id": component.get("id", 0)})
    return {"custom_id": modal["custom_id"], "components": components}
