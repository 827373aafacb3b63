"""Inline keyboards and their callback data.

Callback data is a small versioned format, colon-separated, numeric ids only:

    v1:rate:<attempt id>:<rating 1-4>    rate one's own recall of an answer
    v1:dm:<delivery id>                  send me this group question's answer privately
    v1:hint:<delivery id>                a hint for this (private) question
    v1:idk:<delivery id>                 "I don't know": show its answer, rated Again
    v1:<action>:<id>:yes|no              confirm or cancel a destructive action (forget, deckrm)

At most 64 bytes (Telegram's limit); parsed strictly with a full-match pattern, so any
other data (an old format, a forged value) is simply not ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine.hints import hint_point
from bot.engine.results import Asked
from bot.engine.srs import Rating
from bot.i18n import Translator
from bot.presentation.wording import rating_label

VERSION = "v1"
MAX_CALLBACK_BYTES = 64
_ID = r"([1-9][0-9]{0,17})"
_RATE = re.compile(rf"{VERSION}:rate:{_ID}:([1-4])")
_ANSWER_BY_DM = re.compile(rf"{VERSION}:dm:{_ID}")
_HELP = re.compile(rf"{VERSION}:(hint|idk):{_ID}")
_MARK = "✓ "


@dataclass(frozen=True, slots=True)
class ConfirmButton:
    """Yes or no to a destructive action about one numeric subject (a person, a deck)."""

    action: str
    subject: int
    confirm: bool

    def encode(self) -> str:
        data = f"{VERSION}:{self.action}:{self.subject}:{'yes' if self.confirm else 'no'}"
        assert len(data.encode()) <= MAX_CALLBACK_BYTES
        return data


def parse_confirm(action: str, data: object) -> ConfirmButton | None:
    """The confirmation `data` carries for `action`, or None when it is not one."""
    pattern = rf"{VERSION}:{re.escape(action)}:{_ID}:(yes|no)"
    if not isinstance(data, str) or not (match := re.fullmatch(pattern, data)):
        return None
    return ConfirmButton(action, int(match[1]), match[2] == "yes")


@dataclass(frozen=True, slots=True)
class RateButton:
    attempt_id: int
    rating: Rating

    def encode(self) -> str:
        return _checked(f"{VERSION}:rate:{self.attempt_id}:{int(self.rating)}")


@dataclass(frozen=True, slots=True)
class AnswerByDmButton:
    delivery_id: int

    def encode(self) -> str:
        return _checked(f"{VERSION}:dm:{self.delivery_id}")


@dataclass(frozen=True, slots=True)
class HelpButton:
    """A hint for, or "I don't know" to, the question of one delivery."""

    delivery_id: int
    give_up: bool

    def encode(self) -> str:
        return _checked(f"{VERSION}:{'idk' if self.give_up else 'hint'}:{self.delivery_id}")


Button = RateButton | AnswerByDmButton | HelpButton


def parse_button(data: object) -> Button | None:
    """The button behind callback data, or None when it is not one of ours."""
    if not isinstance(data, str):
        return None
    if match := _RATE.fullmatch(data):
        return RateButton(int(match[1]), Rating(int(match[2])))
    if match := _ANSWER_BY_DM.fullmatch(data):
        return AnswerByDmButton(int(match[1]))
    if match := _HELP.fullmatch(data):
        return HelpButton(int(match[2]), give_up=match[1] == "idk")
    return None


def is_rate_data(data: object) -> bool:
    return isinstance(parse_button(data), RateButton)


def is_answer_by_dm_data(data: object) -> bool:
    return isinstance(parse_button(data), AnswerByDmButton)


def is_help_data(data: object) -> bool:
    return isinstance(parse_button(data), HelpButton)


def rating_keyboard(attempt_id: int, marked: Rating, t: Translator) -> InlineKeyboardMarkup:
    """Again / Hard / Good / Easy, with the rating in force marked."""
    buttons = [
        InlineKeyboardButton(
            f"{_MARK if rating == marked else ''}{rating_label(rating, t)}",
            callback_data=RateButton(attempt_id, rating).encode(),
        )
        for rating in Rating
    ]
    return InlineKeyboardMarkup([buttons])


def answer_by_dm_keyboard(delivery_id: int, t: Translator) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        t._("🤫 Answer by DM"), callback_data=AnswerByDmButton(delivery_id).encode()
    )
    return InlineKeyboardMarkup([[button]])


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def help_keyboard(delivery_id: int, t: Translator, *, hint: bool = True) -> InlineKeyboardMarkup:
    """💡 Hint (when the question has one) and 🤷 I don't know, under a private question."""
    buttons = [
        InlineKeyboardButton(
            t._("🤷 I don't know"), callback_data=HelpButton(delivery_id, True).encode()
        )
    ]
    if hint:
        buttons.insert(
            0,
            InlineKeyboardButton(
                t._("💡 Hint"), callback_data=HelpButton(delivery_id, False).encode()
            ),
        )
    return InlineKeyboardMarkup([buttons])


def question_keyboard(asked: Asked, t: Translator) -> InlineKeyboardMarkup | None:
    """The buttons under a typed question: "Answer by DM" in a group, help in private."""
    if asked.is_group:
        return answer_by_dm_keyboard(asked.delivery_id, t)
    return help_keyboard(asked.delivery_id, t, hint=hint_point(asked.question) is not None)
