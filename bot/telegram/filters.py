"""Message filters for the handlers' routing."""

from __future__ import annotations

from telegram import Message
from telegram.constants import PollType
from telegram.ext.filters import MessageFilter

from bot.telegram.identity import is_anonymous_admin, replies_to_bot
from bot.telegram.keyboards import is_answer_by_dm_data


class _FromPerson(MessageFilter):
    """Sent by a person or by an admin posting as the group; not by bots, channels or
    a linked channel's automatic forwards."""

    def filter(self, message: Message) -> bool:
        if message.is_automatic_forward:
            return False
        if message.sender_chat is not None:
            return is_anonymous_admin(message)
        return message.from_user is not None and not message.from_user.is_bot


class _ReplyToBot(MessageFilter):
    """A reply to one of this bot's messages."""

    def filter(self, message: Message) -> bool:
        return replies_to_bot(message)


class _ReplyToQuestion(MessageFilter):
    """A reply to one of this bot's questions (a text question with its "Answer by DM"
    button, or a quiz poll)."""

    def filter(self, message: Message) -> bool:
        target = message.reply_to_message
        if target is None or not replies_to_bot(message):
            return False
        if target.poll is not None:
            return target.poll.type == PollType.QUIZ
        markup = target.reply_markup
        return markup is not None and any(
            is_answer_by_dm_data(button.callback_data)
            for row in markup.inline_keyboard
            for button in row
        )


FROM_PERSON = _FromPerson(name="FROM_PERSON")
REPLY_TO_BOT = _ReplyToBot(name="REPLY_TO_BOT")
REPLY_TO_QUESTION = _ReplyToQuestion(name="REPLY_TO_QUESTION")
