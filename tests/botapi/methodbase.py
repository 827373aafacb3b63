"""The base of the fake Bot API's methods: shared state and helpers (chats, markup,
replies, messages and uploads), used by every method family (`tests.botapi.methods`)."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from typing import Any

from .errors import bad_request, chat_migrated, forbidden, too_many_requests
from .limits import SENDING_METHODS
from .markup import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, format_text, utf16_len
from .params import UploadedFile
from .state import BotAccount, Chat, StoredFile, StoredMessage, User, World
from .updates import message_json

MAX_CALLBACK_DATA_BYTES = 64

Handler = Callable[[BotAccount, dict[str, Any]], Any]


class MethodBase:
    """What every method family shares over one ``World``: the clocks, the options, and
    the helpers that resolve chats, check markup and store messages and files."""

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


def set_optional(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
