"""The Bot API methods: validation, effects on the world and result objects.

Every method takes the calling bot and the coerced parameters and returns the ``result``
or raises ``ApiError``. ``getUpdates`` lives in the server (it waits); its bookkeeping is
here (``take_updates``). Callers hold the server's lock.
"""

from __future__ import annotations

import copy
import json
import mimetypes
import re
from collections.abc import Callable
from typing import Any

from .errors import ApiError, bad_request, chat_migrated, forbidden, too_many_requests
from .files import get_file
from .limits import SENDING_METHODS
from .markup import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, format_text, utf16_len
from .params import UploadedFile, require
from .state import BotAccount, Chat, PollState, StoredFile, StoredMessage, UpdateRecord, User, World
from .updates import image_size, member_json, message_json, photo_sizes

MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_POLL_QUESTION = 300
MAX_POLL_OPTION = 100
MAX_POLL_OPTIONS = 12
MAX_POLL_EXPLANATION = 200

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
REACTION_EMOJI = frozenset(
    [
        "👍",
        "👎",
        "❤",
        "🔥",
        "🥰",
        "👏",
        "😁",
        "🤔",
        "🤯",
        "😱",
        "🤬",
        "😢",
        "🎉",
        "🤩",
        "🤮",
        "💩",
        "🙏",
        "👌",
        "🕊",
        "🤡",
        "🥱",
        "🥴",
        "😍",
        "🐳",
        "❤️\u200d🔥",
        "🌚",
        "🌭",
        "💯",
        "🤣",
        "⚡",
        "🍌",
        "🏆",
        "💔",
        "🤨",
        "😐",
        "🍓",
        "🍾",
        "💋",
        "🖕",
        "😈",
        "😴",
        "😭",
        "🤓",
        "👻",
        "👨\u200d💻",
        "👀",
        "🎃",
        "🙈",
        "😇",
        "😨",
        "🤝",
        "✍",
        "🤗",
        "🫡",
        "🎅",
        "🎄",
        "☃",
        "💅",
        "🤪",
        "🗿",
        "🆒",
        "💘",
        "🙉",
        "🦄",
        "😘",
        "💊",
        "🙊",
        "😎",
        "👾",
        "🤷\u200d♂️",
        "🤷",
        "🤷\u200d♀️",
        "😡",
    ]
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"

Handler = Callable[[BotAccount, dict[str, Any]], Any]


class BotApi:
    """The methods over one ``World``."""

    def __init__(
        self,
        world: World,
        *,
        monotonic: Callable[[], float],
        wall: Callable[[], float],
        strict_ampersand: bool = True,
        auto_private_chats: bool = True,
    ) -> None:
        self.world = world
        self.monotonic = monotonic
        self.wall = wall
        self.strict_ampersand = strict_ampersand
        self.auto_private_chats = auto_private_chats
        self.handlers: dict[str, tuple[str, Handler]] = {}
        for name in (
            "getMe",
            "logOut",
            "close",
            "deleteWebhook",
            "setWebhook",
            "getWebhookInfo",
            "setMyCommands",
            "getMyCommands",
            "deleteMyCommands",
            "sendMessage",
            "editMessageText",
            "editMessageCaption",
            "editMessageReplyMarkup",
            "deleteMessage",
            "answerCallbackQuery",
            "sendPoll",
            "stopPoll",
            "sendPhoto",
            "sendDocument",
            "setMessageReaction",
            "getChatMember",
            "getChatAdministrators",
            "getChat",
            "sendChatAction",
            "getFile",
        ):
            self.handlers[name.lower()] = (name, getattr(self, "_" + name))

    def canonical(self, method: str) -> str | None:
        """The method's proper spelling (Telegram matches names case-insensitively)."""
        if method.lower() == "getupdates":
            return "getUpdates"
        entry = self.handlers.get(method.lower())
        return entry[0] if entry else None

    def call(self, bot: BotAccount, method: str, params: dict[str, Any]) -> Any:
        _, handler = self.handlers[method.lower()]
        return copy.deepcopy(handler(bot, params))

    # ------------------------------------------------------------------------- helpers

    def now(self) -> int:
        return int(self.wall())

    def resolve_chat(self, chat_ref: Any) -> Chat:
        """The chat for a ``chat_id`` value (id or ``@username``), without access checks."""
        if chat_ref is None or chat_ref == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_ref, str):
            found = self.world.chat_by_username(chat_ref)
            if found is None:
                raise bad_request("chat not found")
            return found
        chat = self.world.chats.get(chat_ref)
        if chat is None:
            if chat_ref > 0 and self.auto_private_chats:
                return self.private_chat(self.user(chat_ref))
            raise bad_request("chat not found")
        return chat

    def user(self, user_id: int) -> User:
        """The user with ``user_id``, created with a plain name if new."""
        user = self.world.users.get(user_id)
        if user is None:
            user = User(id=user_id, first_name=f"User{user_id}", language_code="en")
            self.world.users[user_id] = user
        return user

    def private_chat(self, user: User) -> Chat:
        chat = self.world.chats.get(user.id)
        if chat is None:
            chat = Chat(
                id=user.id,
                type="private",
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
            )
            self.world.chats[user.id] = chat
        return chat

    def chat_for(self, bot: BotAccount, params: dict[str, Any], *, write: bool) -> Chat:
        """The target chat, checked the way Telegram checks access to it."""
        chat = self.resolve_chat(params.get("chat_id"))
        if chat.migrated_to is not None:
            raise chat_migrated(chat.migrated_to)
        if chat.type == "private":
            if write and chat.id in bot.blocked_by:
                raise forbidden(bot.blocked_by[chat.id])
            return chat
        status = chat.status_of(bot.user.id, is_bot=True)
        kind = "group" if chat.type == "group" else chat.type
        if status == "kicked":
            raise forbidden(f"bot was kicked from the {kind} chat")
        if status == "left":
            raise forbidden(f"bot is not a member of the {kind} chat")
        if write and chat.type == "channel" and status not in ("administrator", "creator"):
            raise bad_request("need administrator rights in the channel chat")
        return chat

    def thread_for(self, chat: Chat, params: dict[str, Any]) -> int | None:
        """The topic a message goes to; forum rules enforced."""
        thread = params.get("message_thread_id")
        if not chat.is_forum:
            return None
        if not thread:
            if chat.topics_required:
                raise bad_request("message thread not found")
            return None
        if thread not in chat.topics:
            raise bad_request("message thread not found")
        return int(thread)

    def reply_markup(self, params: dict[str, Any], *, inline_only: bool = False) -> Any:
        """Validate ``reply_markup``; returns the inline keyboard to echo (or None)."""
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("object expected as reply markup")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup '
                    "should be an Array of Arrays"
                )
            for row in rows:
                for button in row:
                    self._check_button(button)
            if not any(rows):
                return None
            return markup
        if inline_only:
            raise bad_request("inline keyboard expected")
        if not any(key in markup for key in ("keyboard", "remove_keyboard", "force_reply")):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return None

    @staticmethod
    def _check_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request("can't parse inline keyboard button: Text must be a String")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
        elif "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not re.match(r"(https?|tg)://\S+$", url):
                raise bad_request("BUTTON_URL_INVALID")
        elif not any(
            key in button
            for key in (
                "login_url",
                "switch_inline_query",
                "switch_inline_query_current_chat",
                "switch_inline_query_chosen_chat",
                "callback_game",
                "pay",
                "web_app",
                "copy_text",
            )
        ):
            raise bad_request(
                "can't parse inline keyboard button: InlineKeyboardButton must "
                "have exactly one optional field"
            )

    def reply_target(
        self, bot: BotAccount, chat: Chat, params: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The message being replied to (``reply_parameters`` or ``reply_to_message_id``)."""
        message_id = params.get("reply_to_message_id")
        allow_missing = bool(params.get("allow_sending_without_reply"))
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
            other_chat = reply.get("chat_id")
            if other_chat is not None and other_chat != chat.id:
                chat = self.resolve_chat(other_chat)
        if not message_id:
            return None
        stored = self.world.find_message(chat, bot.user.id, int(message_id))
        if stored is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return stored.data

    def take_slot(self, bot: BotAccount, method: str, chat: Chat, params: dict[str, Any]) -> None:
        """Charge a sending method against the flood limits (429 when over)."""
        if method.lower() not in SENDING_METHODS:
            return
        decision = bot.limiter.check(
            chat.id,
            is_group=chat.is_group,
            now=self.monotonic(),
            paid_broadcast=bool(params.get("allow_paid_broadcast")),
        )
        if not decision.allowed:
            raise too_many_requests(decision.retry_after)

    def new_message(
        self,
        bot: BotAccount,
        chat: Chat,
        params: dict[str, Any],
        *,
        text: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        content: dict[str, Any] | None = None,
        markup: Any = None,
    ) -> dict[str, Any]:
        """Store and return a message the bot sends."""
        thread = self.thread_for(chat, params)
        reply_to = self.reply_target(bot, chat, params)
        if reply_to is None and thread is not None:
            root = self.world.find_message(chat, bot.user.id, thread)
            reply_to = root.data if root is not None else None
        message_id = self.world.allocate_message_id(chat, bot.user.id)
        is_channel = chat.type == "channel"
        data = message_json(
            message_id=message_id,
            date=self.now(),
            chat=chat.to_json(),
            sender=None if is_channel else bot.user.to_json(),
            sender_chat=chat.to_json() if is_channel else None,
            text=text,
            entities=entities,
            thread_id=thread,
            is_topic_message=thread is not None,
            reply_to=reply_to,
            content=content,
        )
        if markup is not None:
            data["reply_markup"] = markup
        self.world.log(chat, bot.user.id)[message_id] = StoredMessage(
            data=data, sender_bot=bot.user.id
        )
        return data

    def formatted(
        self, text: str, params: dict[str, Any], *, mode_key: str, entities_key: str
    ) -> tuple[str, list[dict[str, Any]]]:
        entities = params.get(entities_key)
        if entities is not None and not isinstance(entities, list):
            raise bad_request("can't parse entities JSON object")
        return format_text(
            text, params.get(mode_key), entities, strict_ampersand=self.strict_ampersand
        )

    def message_text(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        raw = params.get("text")
        if raw is None or raw == "":
            raise bad_request("message text is empty")
        text, entities = self.formatted(
            str(raw), params, mode_key="parse_mode", entities_key="entities"
        )
        if not text:
            raise bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        return text, entities

    def caption(self, params: dict[str, Any]) -> dict[str, Any]:
        raw = params.get("caption")
        if not raw:
            return {}
        text, entities = self.formatted(
            str(raw), params, mode_key="parse_mode", entities_key="caption_entities"
        )
        if utf16_len(text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        content: dict[str, Any] = {}
        if text:
            content["caption"] = text
            if entities:
                content["caption_entities"] = entities
        return content

    def own_message(
        self, bot: BotAccount, chat: Chat, params: dict[str, Any], missing: str
    ) -> StoredMessage:
        message_id = params.get("message_id")
        if not message_id:
            raise bad_request("message identifier is not specified")
        stored = self.world.find_message(chat, bot.user.id, int(message_id))
        if stored is None:
            raise bad_request(missing)
        return stored

    def store_upload(self, kind: str, value: Any, missing: str) -> StoredFile:
        """The file behind a ``photo``/``document`` parameter: an upload, a file_id or a URL."""
        if value is None or value == "":
            raise bad_request(missing)
        if isinstance(value, UploadedFile):
            file_id, unique_id = self.world.new_file_id(kind)
            stored = StoredFile(
                file_id=file_id,
                file_unique_id=unique_id,
                kind=kind,
                data=value.data,
                filename=value.filename,
                mime_type=value.content_type or mimetypes.guess_type(value.filename or "")[0],
            )
            self.world.files[file_id] = stored
            return stored
        if isinstance(value, str):
            known = self.world.files.get(value)
            if known is not None:
                return known
            if re.match(r"https?://\S+$", value):
                file_id, unique_id = self.world.new_file_id(kind)
                name = value.rsplit("/", 1)[-1] or "file"
                stored = StoredFile(
                    file_id=file_id,
                    file_unique_id=unique_id,
                    kind=kind,
                    data=b"",
                    filename=name,
                    mime_type=mimetypes.guess_type(name)[0],
                )
                self.world.files[file_id] = stored
                return stored
        raise bad_request("wrong file identifier/HTTP URL specified")

    # ------------------------------------------------------------------- bot and setup

    def _getMe(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        return bot.get_me()

    def _logOut(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        return True

    def _close(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        return True

    def _deleteWebhook(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        bot.webhook_url = ""
        if params.get("drop_pending_updates"):
            self.drop_pending(bot)
        return True

    def _setWebhook(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        url = str(params.get("url") or "")
        if url and not re.match(r"https?://\S+$", url):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        bot.webhook_url = url
        if params.get("drop_pending_updates"):
            self.drop_pending(bot)
        return True

    def _getWebhookInfo(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": bot.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(bot.updates),
        }
        if bot.webhook_url:
            info["max_connections"] = 40
            info["ip_address"] = "127.0.0.1"
        return info

    def drop_pending(self, bot: BotAccount) -> None:
        now = self.monotonic()
        for record in bot.updates:
            record.confirmed_at = now
            record.skipped = record.skipped or "dropped"
        bot.updates.clear()

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise bad_request("can't parse bot command scope JSON object")
        return json.dumps(scope, sort_keys=True) + "|" + str(params.get("language_code") or "")

    def _setMyCommands(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned: list[dict[str, Any]] = []
        for entry in commands:
            if not isinstance(entry, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name = str(entry.get("command", "")).lstrip("/")
            description = str(entry.get("description", ""))
            if not _COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        bot.commands[self._commands_key(params)] = cleaned
        return True

    def _getMyCommands(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        return bot.commands.get(self._commands_key(params), [])

    def _deleteMyCommands(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        bot.commands.pop(self._commands_key(params), None)
        return True

    # ----------------------------------------------------------------------- messages

    def _sendMessage(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=True)
        self.thread_for(chat, params)
        text, entities = self.message_text(params)
        markup = self.reply_markup(params)
        self.reply_target(bot, chat, params)
        self.take_slot(bot, "sendMessage", chat, params)
        return self.new_message(bot, chat, params, text=text, entities=entities, markup=markup)

    def _editMessageText(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            self.message_text(params)
            self.reply_markup(params, inline_only=True)
            return True
        chat = self.chat_for(bot, params, write=True)
        stored = self.own_message(bot, chat, params, "message to edit not found")
        text, entities = self.message_text(params)
        markup = self.reply_markup(params, inline_only=True)
        if stored.sender_bot != bot.user.id:
            raise bad_request("message can't be edited")
        data = stored.data
        if "text" not in data:
            raise bad_request("there is no text in the message to edit")
        if (
            data["text"] == text
            and data.get("entities", []) == entities
            and data.get("reply_markup") == markup
        ):
            raise bad_request(_NOT_MODIFIED)
        data["text"] = text
        _set_optional(data, "entities", entities or None)
        _set_optional(data, "reply_markup", markup)
        data["edit_date"] = self.now()
        return data

    def _editMessageCaption(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        chat = self.chat_for(bot, params, write=True)
        stored = self.own_message(bot, chat, params, "message to edit not found")
        caption = self.caption(params)
        markup = self.reply_markup(params, inline_only=True)
        if stored.sender_bot != bot.user.id:
            raise bad_request("message can't be edited")
        data = stored.data
        if not any(
            key in data for key in ("photo", "document", "audio", "video", "animation", "voice")
        ):
            raise bad_request("there is no caption in the message to edit")
        if (
            data.get("caption") == caption.get("caption")
            and data.get("caption_entities") == caption.get("caption_entities")
            and data.get("reply_markup") == markup
        ):
            raise bad_request(_NOT_MODIFIED)
        _set_optional(data, "caption", caption.get("caption"))
        _set_optional(data, "caption_entities", caption.get("caption_entities"))
        _set_optional(data, "reply_markup", markup)
        data["edit_date"] = self.now()
        return data

    def _editMessageReplyMarkup(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            self.reply_markup(params, inline_only=True)
            return True
        chat = self.chat_for(bot, params, write=True)
        stored = self.own_message(bot, chat, params, "message to edit not found")
        markup = self.reply_markup(params, inline_only=True)
        if stored.sender_bot != bot.user.id:
            raise bad_request("message can't be edited")
        data = stored.data
        if data.get("reply_markup") == markup:
            raise bad_request(_NOT_MODIFIED)
        _set_optional(data, "reply_markup", markup)
        data["edit_date"] = self.now()
        return data

    def _deleteMessage(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=True)
        stored = self.own_message(bot, chat, params, "message to delete not found")
        if (
            chat.type != "private"
            and stored.sender_bot != bot.user.id
            and chat.status_of(bot.user.id, is_bot=True) not in ("administrator", "creator")
        ):
            raise bad_request("message can't be deleted")
        del self.world.log(chat, bot.user.id)[stored.data["message_id"]]
        return True

    def _answerCallbackQuery(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        query_id = str(require(params, "callback_query_id", _QUERY_INVALID))
        text = params.get("text")
        if text is not None and utf16_len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        state = self.world.callbacks.get(query_id)
        if state is None or state.token != bot.token or state.answered:
            raise bad_request(_QUERY_INVALID)
        state.answered = True
        return True

    def _setMessageReaction(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=True)
        stored = self.own_message(bot, chat, params, "message to react not found")
        reactions = params.get("reaction") or []
        if not isinstance(reactions, list):
            raise bad_request("can't parse reaction JSON object")
        if len(reactions) > 1:
            raise bad_request("REACTIONS_TOO_MANY")
        for reaction in reactions:
            if not isinstance(reaction, dict):
                raise bad_request("can't parse reaction JSON object")
            if reaction.get("type") == "emoji" and reaction.get("emoji") not in REACTION_EMOJI:
                raise bad_request("REACTION_INVALID")
            if (
                reaction.get("type") == "custom_emoji"
                and not str(reaction.get("custom_emoji_id", "")).isdigit()
            ):
                raise bad_request("REACTION_INVALID")
            if reaction.get("type") not in ("emoji", "custom_emoji"):  # bots can't pay
                raise bad_request("REACTION_INVALID")
        stored.bot_reactions = list(reactions)
        return True

    # -------------------------------------------------------------------------- media

    def _sendPhoto(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=True)
        self.thread_for(chat, params)
        stored = self.store_upload("photo", params.get("photo"), "there is no photo in the request")
        content = self.caption(params)
        markup = self.reply_markup(params)
        self.reply_target(bot, chat, params)
        self.take_slot(bot, "sendPhoto", chat, params)
        width, height = image_size(stored.data) if stored.data else (1280, 720)
        content["photo"] = photo_sizes(
            stored.file_id, stored.file_unique_id, width, height, max(1, len(stored.data))
        )
        return self.new_message(bot, chat, params, content=content, markup=markup)

    def _sendDocument(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=True)
        self.thread_for(chat, params)
        stored = self.store_upload(
            "document", params.get("document"), "there is no document in the request"
        )
        content = self.caption(params)
        markup = self.reply_markup(params)
        self.reply_target(bot, chat, params)
        self.take_slot(bot, "sendDocument", chat, params)
        document: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        if stored.filename:
            document["file_name"] = stored.filename
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        content["document"] = document
        return self.new_message(bot, chat, params, content=content, markup=markup)

    # -------------------------------------------------------------------------- polls

    def _sendPoll(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=True)
        self.thread_for(chat, params)
        poll = self._build_poll(chat, params)
        markup = self.reply_markup(params)
        self.reply_target(bot, chat, params)
        self.take_slot(bot, "sendPoll", chat, params)
        message = self.new_message(bot, chat, params, content={"poll": poll}, markup=markup)
        self.world.polls[poll["id"]] = PollState(
            poll=message["poll"],
            chat_id=chat.id,
            message_id=message["message_id"],
            bot_id=bot.user.id,
        )
        return message

    def _build_poll(self, chat: Chat, params: dict[str, Any]) -> dict[str, Any]:
        question = str(params.get("question") or "")
        if not question.strip():
            raise bad_request("poll question must be non-empty")
        if utf16_len(question) > MAX_POLL_QUESTION:
            raise bad_request(f"poll question length must not exceed {MAX_POLL_QUESTION}")
        raw_options = params.get("options")
        if not isinstance(raw_options, list):
            raise bad_request("can't parse poll options JSON object")
        options: list[str] = []
        for option in raw_options:
            text = option.get("text") if isinstance(option, dict) else option
            if not isinstance(text, str) or not text.strip():
                raise bad_request("poll options must be non-empty")
            if utf16_len(text) > MAX_POLL_OPTION:
                raise bad_request(f"poll options length must not exceed {MAX_POLL_OPTION}")
            options.append(text)
        if len(options) < 2:
            raise bad_request("poll must have at least 2 options")
        if len(options) > MAX_POLL_OPTIONS:
            raise bad_request(f"poll can't have more than {MAX_POLL_OPTIONS} options")
        poll_type = str(params.get("type") or "regular")
        if poll_type not in ("regular", "quiz"):
            raise bad_request("poll type is invalid")
        is_anonymous = params.get("is_anonymous", True)
        if chat.type == "channel" and not is_anonymous:
            raise bad_request("non-anonymous polls can't be sent to channel chats")
        multiple = bool(params.get("allows_multiple_answers"))
        poll: dict[str, Any] = {
            "id": str(5_000_000_000_000_000_000 + self.world.new_serial()),
            "question": question,
            "options": [
                {"persistent_id": str(index), "text": text, "voter_count": 0}
                for index, text in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": bool(params.get("is_closed")),
            "is_anonymous": bool(is_anonymous),
            "type": poll_type,
            "allows_multiple_answers": multiple,
            "allows_revoting": bool(params.get("allows_revoting", poll_type == "regular")),
            "members_only": bool(params.get("members_only", False)),
        }
        if poll_type == "quiz":
            poll["correct_option_ids"] = self._correct_options(params, len(options), multiple)
        explanation = params.get("explanation")
        if explanation:
            text, entities = self.formatted(
                str(explanation),
                params,
                mode_key="explanation_parse_mode",
                entities_key="explanation_entities",
            )
            if utf16_len(text) > MAX_POLL_EXPLANATION:
                raise bad_request(f"poll explanation length must not exceed {MAX_POLL_EXPLANATION}")
            poll["explanation"] = text
            if entities:
                poll["explanation_entities"] = entities
        if params.get("open_period"):
            poll["open_period"] = params["open_period"]
        if params.get("close_date"):
            poll["close_date"] = params["close_date"]
        return poll

    @staticmethod
    def _correct_options(params: dict[str, Any], count: int, multiple: bool) -> list[int]:
        """``correct_option_ids`` (Bot API 9.6), or the older ``correct_option_id``."""
        ids = params.get("correct_option_ids")
        if ids is None and params.get("correct_option_id") is not None:
            ids = [params["correct_option_id"]]
        if (
            not isinstance(ids, list)
            or not ids
            or not all(isinstance(i, int) and 0 <= i < count for i in ids)
            or ids != sorted(set(ids))
        ):
            raise bad_request("wrong correct option ID specified")
        if len(ids) > 1 and not multiple:
            raise bad_request("quiz poll with several correct options must allow multiple answers")
        return ids

    def _stopPoll(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=True)
        stored = self.own_message(bot, chat, params, "message with poll to stop not found")
        markup = self.reply_markup(params, inline_only=True)
        poll = stored.data.get("poll")
        if poll is None:
            raise bad_request("message with poll to stop not found")
        if stored.sender_bot != bot.user.id:
            raise bad_request("poll can't be stopped")
        if poll["is_closed"]:
            raise bad_request("poll has already been closed")
        poll["is_closed"] = True
        _set_optional(stored.data, "reply_markup", markup)
        return poll

    # -------------------------------------------------------------------- chats, members

    def _getChat(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=False)
        info = chat.to_json()
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return info

    def _getChatMember(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=False)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise bad_request("user_id is empty")
        user = self._known_user(user_id)
        if chat.type == "private" and user_id not in (chat.id, bot.user.id):
            raise bad_request("user not found")
        return member_json(user.to_json(), chat.status_of(user_id, is_bot=user.is_bot))

    def _known_user(self, user_id: int) -> User:
        user = self.world.users.get(user_id)
        if user is None:
            owner = self.world.bot_by_id(user_id)
            if owner is None:
                raise bad_request("user not found")
            user = owner.user
        return user

    def _getChatAdministrators(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=False)
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        admins: list[dict[str, Any]] = []
        seen: set[int] = set()
        for user_id, status in chat.members.items():
            if status in ("creator", "administrator"):
                admins.append(member_json(self._known_user(user_id).to_json(), status))
                seen.add(user_id)
        for account in self.world.bots.values():
            status = chat.status_of(account.user.id, is_bot=True)
            if account.user.id not in seen and status in ("creator", "administrator"):
                admins.append(member_json(account.user.to_json(), status))
        admins.sort(key=lambda member: member["status"] != "creator")
        return admins

    def _getFile(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        return get_file(self.world, params)

    def _sendChatAction(self, bot: BotAccount, params: dict[str, Any]) -> Any:
        chat = self.chat_for(bot, params, write=True)
        self.thread_for(chat, params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # ------------------------------------------------------------------------ updates

    def take_updates(self, bot: BotAccount, params: dict[str, Any]) -> list[UpdateRecord]:
        """Apply ``offset``/``allowed_updates`` and return what ``getUpdates`` answers now."""
        allowed = params.get("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list):
                raise bad_request("can't parse allowed updates JSON object")
            bot.allowed_updates = [str(kind) for kind in allowed]
        limit = params.get("limit") or 100
        limit = max(1, min(100, int(limit)))
        offset = params.get("offset")
        now = self.monotonic()
        if isinstance(offset, int) and offset != 0:
            if offset < 0:
                keep = bot.updates[offset:] if -offset < len(bot.updates) else bot.updates
                confirm_before = keep[0].update_id if keep else bot.next_update_id
            else:
                confirm_before = offset
            remaining: list[UpdateRecord] = []
            for record in bot.updates:
                if record.update_id < confirm_before:
                    record.confirmed_at = now
                else:
                    remaining.append(record)
            bot.updates = remaining
        batch: list[UpdateRecord] = []
        remaining = []
        for record in bot.updates:
            if not bot.allows(record.kind):
                record.skipped = "allowed_updates"
                record.confirmed_at = now
                continue
            remaining.append(record)
            if len(batch) < limit:
                batch.append(record)
        bot.updates = remaining
        return batch

    def mark_delivered(self, batch: list[UpdateRecord]) -> list[dict[str, Any]]:
        now = self.monotonic()
        for record in batch:
            if record.delivered_at is None:
                record.delivered_at = now
        return [copy.deepcopy(record.payload) for record in batch]

    @staticmethod
    def check_polling(bot: BotAccount) -> None:
        if bot.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )


def _set_optional(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
