"""The fake Bot API's quiz and regular polls: sendPoll with Telegram's limits, stopPoll."""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .markup import utf16_len
from .methodbase import MethodBase, set_optional
from .state import BotAccount, Chat, PollState

MAX_POLL_QUESTION = 300
MAX_POLL_OPTION = 100
MAX_POLL_OPTIONS = 12
MAX_POLL_EXPLANATION = 200


class PollMethods(MethodBase):
    """sendPoll and stopPoll."""

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
        set_optional(stored.data, "reply_markup", markup)
        return poll
