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
from bot.i18n import N_, Translator
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


def zone_keyboard(
    matches: Sequence[ZoneMatch], now: datetime, t: Translator
) -> InlineKeyboardMarkup:
    """One button per zone, labelled with the place and its wall time now (the easiest
    way to tell the right one)."""
    buttons = [
        InlineKeyboardButton(
            t._(
                "{place} · {time}",
                place=t._(match.place) if match.place in COMMON_PLACES else match.place,
                time=f"{local_now(match.zone, now):%H:%M}",
            ),
            callback_data=TimezoneButton(match.zone).encode(),
        )
        for match in matches
    ]
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


def _place(zone: str) -> str:
    return zone.rpartition("/")[2].replace("_", " ")


COMMON_PLACES = {
    "Shanghai": N_("Shanghai"),
    "Kolkata": N_("Kolkata"),
    "London": N_("London"),
    "Berlin": N_("Berlin"),
    "New York": N_("New York"),
    "Los Angeles": N_("Los Angeles"),
    "Tokyo": N_("Tokyo"),
    "UTC": N_("UTC"),
}
"""The places the /start buttons name (`COMMON_ZONES`), as message ids: translated on
the button. A city search names places as the cities table spells them."""


def common_zones() -> list[ZoneMatch]:
    return [ZoneMatch(zone, _place(zone)) for zone in COMMON_ZONES]


async def ask(message: Message, context: QuizContext, settings: ChatSettings) -> None:
    """After /start in a private chat: which timezone is the daily question's time in?"""
    now = context.bot_data.now()
    t = await person_translator(context, message.from_user)
    await reply_html(
        message,
        ask_text(settings, t),
        keyboard=zone_keyboard(common_zones(), now, t),
        quote=False,
    )


async def by_city(update: Update, context: QuizContext, text: str) -> None:
    """`/timezone TEXT` where TEXT is no IANA name: the zones it may mean, or the error."""
    message = message_of(update)
    matches = find_zones(text)
    if not matches:
        raise InvalidSetting("city", "no such timezone or city", value=text)
    t = await person_translator(context, message.from_user)
    shown = escape(clip(text, ECHO_LIMIT))
    if is_group(message.chat):  # buttons are private: name the zones to type instead
        names = ", ".join(f"<code>{escape(m.zone)}</code>" for m in matches)
        await reply_html(
            message, t._("🌍 Did you mean {zones}? Send /timezone with one of them.", zones=names)
        )
        return
    keyboard = zone_keyboard(matches, context.bot_data.now(), t)
    await reply_html(
        message,
        t._("🌍 Which one is yours for <b>{place}</b>?", place=shown),
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
    t = await person_translator(context, query.from_user)
    await query.answer(t._("Timezone: {zone}", zone=settings.timezone))
    await send_html(context.bot, message.chat.id, chosen_text(settings, now, t))


def wants_city_search(args: Sequence[str]) -> bool:
    """`/timezone` arguments that are not one IANA name: a city to look up."""
    try:
        parse_timezone(args[0])  # an IANA name first: /timezone as it always was
    except (ValueError, IndexError):
        return bool(args)
    return False


# -- wording ------------------------------------------------------------------------------


def ask_text(settings: ChatSettings, t: Translator) -> str:
    return t._(
        "🌍 <b>Which timezone are you in?</b> The daily question comes at <b>{time}</b> "
        "your time (now {zone}). Tap yours, or send /timezone and your city, e.g. "
        "<code>/timezone Shanghai</code>.",
        time=settings.push_time,
        zone=escape(settings.timezone),
    )


def chosen_text(settings: ChatSettings, now: datetime, t: Translator) -> str:
    values = {
        "zone": escape(settings.timezone),
        "now": f"{local_now(settings.timezone, now):%H:%M}",
        "time": settings.push_time,
    }
    if settings.subscribed:
        return t._(
            "🗓 Timezone set: <b>{zone}</b> (it is {now} there now). You get the daily "
            "question at <b>{time}</b> your time; change it with /time HH:MM.",
            **values,
        )
    return t._(
        "🗓 Timezone set: <b>{zone}</b> (it is {now} there now). The daily question would "
        "come at <b>{time}</b> your time (/subscribe to get it); change it with /time HH:MM.",
        **values,
    )
