"""The fake Bot API's message methods: send, edit, delete, callback answers, reactions,
photos and documents."""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .markup import utf16_len
from .methodbase import MethodBase, set_optional
from .params import require
from .state import BotAccount
from .updates import image_size, photo_sizes

MAX_CALLBACK_ANSWER_LENGTH = 200

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
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


class MessageMethods(MethodBase):
    """sendMessage, edits, deleteMessage, answerCallbackQuery, reactions and media."""

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
        set_optional(data, "entities", entities or None)
        set_optional(data, "reply_markup", markup)
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
        set_optional(data, "caption", caption.get("caption"))
        set_optional(data, "caption_entities", caption.get("caption_entities"))
        set_optional(data, "reply_markup", markup)
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
        set_optional(data, "reply_markup", markup)
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
