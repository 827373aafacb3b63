"""Choosing a timezone by tapping or by naming a city (`bot.engine.timezones`).

`/start` in a private chat asks for the timezone with buttons for the common zones, and
`/timezone` takes a city ("/timezone Shanghai", "/timezone 北京") as well as an IANA name:
a city answers with a button per zone it may mean. A tap stores the zone, then shows the
daily question's time in it.

Callback data (same versioned family as `bot.telegram.keyboards`):

    v1:tz:<IANA zone name>    set this private chat's timezone

A zone name is at most 40 characters of [A-Za-z0-9_+-/] and must be a zone this machine
knows; anything else is not ours. Buttons only act in the private chat of the person
pressing them: a group's timezone stays a typed /timezone of its admins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.config import parse_timezone
from bot.engine.results import ChatSettings
from bot.engine.timezones import COMMON_ZONES, ZoneMatch, find_zones, local_now
from bot.errors import InvalidSetting
from bot.presentation.markup import clip
from bot.telegram import render
from bot.telegram.context import QuizContext
from bot.telegram.identity import chat_key, is_group, message_of, player_key
from bot.telegram.keyboards import MAX_CALLBACK_BYTES, VERSION
from bot.telegram.language import person_translator
from bot.telegram.markup import escape
from bot.telegram.outbox import reply_html, send_html

_ZONE = re.compile(rf"{VERSION}:tz:([A-Za-z][A-Za-z0-9_+/-]{{0,39}})")
BUTTONS_PER_ROW = 2
ECHO_LIMIT = 60
"""Characters of a searched city name repeated back."""


@dataclass(frozen=True, slots=True)
class TimezoneButton:
    zone: str

    def encode(self) -> str:
        data = f"{VERSION}:tz:{self.zone}"
        assert len(data.encode()) <= MAX_CALLBACK_BYTES
        return data


def parse_timezone_button(data: object) -> TimezoneButton | None:
    """The button behind callback data, or None when it is not one of ours."""
    if not isinstance(data, str) or not (match := _ZONE.fullmatch(data)):
        return None
    return TimezoneButton(match[1])


def is_timezone_data(data: object) -> bool:
    return parse_timezone_button(data) is not None


def zone_keyboard(matches: Sequence[ZoneMatch], now: datetime) -> InlineKeyboardMarkup:
    """One button per zone, labelled with the place and its wall time now (the easiest
    way to tell the right one)."""
    buttons = [
        InlineKeyboardButton(
            f"{match.place} · {local_now(match.zone, now):%H:%M}",
            callback_data=TimezoneButton(match.zone).encode(),
        )
        for match in matches
    ]
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


def common_zones() -> list[ZoneMatch]:
    return [ZoneMatch(zone, zone.rpartition("/")[2].replace("_", " ")) for zone in COMMON_ZONES]


async def ask(message: Message, context: QuizContext, settings: ChatSettings) -> None:
    """After /start in a private chat: which timezone is the daily question's time in?"""
    now = context.bot_data.now()
    await reply_html(
        message,
        ask_text(settings),
        keyboard=zone_keyboard(common_zones(), now),
        quote=False,
    )


async def by_city(update: Update, context: QuizContext, text: str) -> None:
    """`/timezone TEXT` where TEXT is no IANA name: the zones it may mean, or the error."""
    message = message_of(update)
    matches = find_zones(text)
    if not matches:
        raise InvalidSetting(
            "timezone",
            f"I know no timezone or city called {clip(text, ECHO_LIMIT)!r}. "
            "Try a big city near you (/timezone Berlin) or an IANA name (Europe/Berlin).",
        )
    if is_group(message.chat):  # buttons are private: name the zones to type instead
        names = ", ".join(f"<code>{escape(m.zone)}</code>" for m in matches)
        await reply_html(message, f"🌍 Did you mean {names}? Send /timezone with one of them.")
        return
    keyboard = zone_keyboard(matches, context.bot_data.now())
    await reply_html(
        message,
        f"🌍 Which one is yours for <b>{escape(clip(text, ECHO_LIMIT))}</b>?",
        keyboard=keyboard,
    )


async def button(update: Update, context: QuizContext) -> None:
    """A zone tapped: store it, then show the daily question's time there."""
    query = update.callback_query
    assert query is not None
    pressed = parse_timezone_button(query.data)
    message = query.message
    if (
        pressed is None
        or not isinstance(message, Message)
        or message.chat.id != query.from_user.id  # only in one's own private chat
    ):
        await query.answer(render.expired_button(await person_translator(context, query.from_user)))
        return
    data = context.bot_data
    now = data.now()
    settings = await data.engine.settings.set_timezone(  # InvalidSetting for a zone we do not know
        chat_key(message.chat),
        pressed.zone,
        now,
        is_group=False,
        player=player_key(query.from_user),
    )
    await query.answer(f"Timezone: {settings.timezone}")
    await send_html(context.bot, message.chat.id, chosen_text(settings, now))


def wants_city_search(args: Sequence[str]) -> bool:
    """`/timezone` arguments that are not one IANA name: a city to look up."""
    try:
        parse_timezone(args[0])  # an IANA name first: /timezone as it always was
    except (ValueError, IndexError):
        return bool(args)
    return False


# -- wording ------------------------------------------------------------------------------


def ask_text(settings: ChatSettings) -> str:
    return (
        f"🌍 <b>Which timezone are you in?</b> The daily question comes at "
        f"<b>{settings.push_time}</b> your time (now {escape(settings.timezone)}). "
        "Tap yours, or send /timezone and your city, e.g. <code>/timezone Shanghai</code>."
    )


def chosen_text(settings: ChatSettings, now: datetime) -> str:
    local = local_now(settings.timezone, now)
    when = (
        f"You get the daily question at <b>{settings.push_time}</b> your time"
        if settings.subscribed
        else f"The daily question would come at <b>{settings.push_time}</b> your time "
        "(/subscribe to get it)"
    )
    return (
        f"🗓 Timezone set: <b>{escape(settings.timezone)}</b> (it is {local:%H:%M} there now). "
        f"{when}; change it with /time HH:MM."
    )
