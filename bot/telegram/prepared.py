"""Daily questions as prepared Bot API calls: rendered and encoded once per question,
shared by every chat that gets it, posted as JSON straight through the bot's transport.

A fan-out sends the same few questions to thousands of chats. Through PTB's `Bot`, every
send renders the question again, builds request parameters, inserts the defaults and
wraps Telegram's answer into objects: most of the CPU a send costs. Here a question is
rendered and JSON-encoded once; each chat's body is that shared fragment with the chat's
id, its forum topic and (in groups) its Answer-by-DM button around it. The parameters
are the ones `outbox.send_question` sends (tests/telegram/test_prepared.py compares them).

Only a question that fits one message goes this way: a text longer than one message and
a poll with a note (two messages each) return None, and the caller sends them through
`outbox.send_question`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode

from bot.engine.results import Asked
from bot.i18n import Translator
from bot.progress.weak import note_of
from bot.telegram import render
from bot.telegram.keyboards import question_keyboard
from bot.telegram.markup import split_html

CACHE_SIZE = 1024
"""Prepared questions kept (a fan-out uses a few; the oldest is dropped first)."""


_STAND_IN_ID = 918273645546372819
"""A delivery id no real keyboard text contains, cut out of the prepared keyboard."""

_Prepared = tuple[str, bytes, tuple[bytes, ...]]


@dataclass(frozen=True, slots=True)
class PreparedCall:
    method: str
    """The Bot API method ("sendMessage" or "sendPoll")."""
    body: bytes
    """The call's parameters as a JSON object."""


class PreparedQuestions:
    """Bodies of daily-question sends, each question rendered and encoded once."""

    def __init__(self, bot: Bot, capacity: int = CACHE_SIZE) -> None:
        defaults = bot.defaults
        parse_mode = defaults.parse_mode if defaults and defaults.parse_mode else ParseMode.HTML
        preview = defaults.link_preview_options if defaults else None
        # What `outbox.post_html` adds to every text: the bot's parse mode and link preview.
        self._text_options = _members(
            {
                "parse_mode": parse_mode,
                "link_preview_options": preview.to_dict() if preview is not None else None,
            }
        )
        self.capacity = capacity
        self._fragments: dict[tuple[Any, ...], _Prepared | None] = {}

    def call_for(
        self, chat_id: int, thread_id: int | None, asked: Asked, t: Translator
    ) -> PreparedCall | None:
        """The call that sends `asked` to `chat_id` (in forum topic `thread_id`) in `t`'s
        language, or None when it takes more than one message."""
        question = asked.question
        if question.is_multiple_choice:
            key: tuple[Any, ...] = (
                question.id,
                question.question,
                tuple(question.choices or ()),
                question.correct,
                question.explanation,
                asked.drill,
            )
        else:
            key = (
                question.id,
                question.topic,
                question.question,
                asked.kind,
                asked.is_review,
                asked.is_group,
                asked.drill,
                t.lang,
            )
        prepared = self._fragments.get(key, False)
        if prepared is False:
            prepared = self._prepare(asked, t)
            if len(self._fragments) >= self.capacity:
                del self._fragments[next(iter(self._fragments))]
            self._fragments[key] = prepared
        if prepared is None:
            return None
        method, fragment, keyboard = prepared
        head = b'{"chat_id":%d' % chat_id
        if thread_id is not None:
            head += b',"message_thread_id":%d' % thread_id
        if keyboard:  # the buttons' members around this delivery's id
            fragment += (b"%d" % asked.delivery_id).join(keyboard)
        return PreparedCall(method, head + fragment + b"}")

    def _prepare(self, asked: Asked, t: Translator) -> _Prepared | None:
        """The method, the chat-independent members of the call (after the chat id) and
        the keyboard's members cut where its delivery id goes."""
        question = asked.question
        if question.is_multiple_choice:
            if note_of(asked):  # the note goes first, as a message of its own
                return None
            assert question.choices is not None and question.correct is not None
            # Deck text is plain here: no parse mode, so nothing needs escaping.
            poll = {
                "question": render.poll_question(question),
                "options": [{"text": choice} for choice in question.choices],
                "type": "quiz",
                "is_anonymous": False,
                "correct_option_ids": [question.correct],
                "explanation": question.explanation,
            }
            return "sendPoll", _members(poll), ()
        parts = split_html(render.question(asked, t))
        if len(parts) != 1:
            return None
        text = _members({"text": parts[0]}) + self._text_options
        return "sendMessage", text, _keyboard_around_id(asked, t)


def _keyboard_around_id(asked: Asked, t: Translator) -> tuple[bytes, ...]:
    """The question's keyboard as a `reply_markup` member, cut where its delivery id
    goes (joined with a chat's delivery id, it is that chat's keyboard); () for none."""
    keyboard = question_keyboard(replace(asked, delivery_id=_STAND_IN_ID), t)
    if keyboard is None:
        return ()
    buttons = sum(len(row) for row in keyboard.inline_keyboard)
    member = b',"reply_markup":' + _json(keyboard.to_dict())
    cut = tuple(member.split(b"%d" % _STAND_IN_ID))
    if len(cut) != buttons + 1:  # the stand-in is not only in each button's data
        raise AssertionError("a question keyboard's buttons each name the delivery once")
    return cut


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _members(values: dict[str, Any]) -> bytes:
    """`values` (those not None) as JSON object members, each after a comma."""
    return b"".join(
        b"," + _json(name) + b":" + _json(value)
        for name, value in values.items()
        if value is not None
    )
