"""Slash commands. Each handler reads the update, calls the engine once or twice and
replies; QuizErrors propagate to the error handler, which shows their friendly text."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from datetime import datetime

from telegram import Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.engine import languages
from bot.engine.delivering import EngineLog, SentMessage, deliver
from bot.engine.results import Asked, ChatKey, PlayerKey
from bot.i18n import Translator
from bot.progress.chart_data import stats_chart_data
from bot.progress.export import HistoryRow, export_filename, history_csv
from bot.progress.leaderboard_chart import render_leaderboard
from bot.progress.stats_chart import render_stats, stats_caption
from bot.telegram import render, timezones
from bot.telegram.admin import ensure_admin, is_member
from bot.telegram.context import QuizContext
from bot.telegram.identity import (
    chat_key,
    is_group,
    message_of,
    player_of,
    replies_to_bot,
    thread_of,
)
from bot.telegram.language import Speakers, speakers
from bot.telegram.outbox import (
    reply_html,
    reply_photo,
    send_document,
    send_html,
    send_photo,
    send_question,
)
from bot.telegram.ratelimit import is_transport_failure
from bot.telegram.reactions import COOLING_DOWN, react

logger = logging.getLogger(__name__)

ANSWER_PAYLOAD = re.compile(r"answer-([1-9][0-9]{0,17})")
"""`/start answer-<delivery id>`: the deep link of the "Answer by DM" button."""
PERIODS = ("week", "all")
IMAGE = "image"
"""`/leaderboard [week|all] image`: the ranking as a picture instead of text."""


def _title(message: Message) -> str:
    return message.chat.title or ""


# -- getting started -------------------------------------------------------------------


async def start(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    bot_username = context.bot.username
    said = await speakers(context, message)
    if is_group(message.chat):
        await reply_html(message, render.group_intro(bot_username, said.chat))
        return
    data = context.bot_data
    settings = await data.engine.settings.set_subscribed(
        chat_key(message.chat), True, data.now(), is_group=False, owner=player_of(message)
    )
    await languages.set_chat_language(  # what the scheduler sends here speaks it too
        data.engine, chat_key(message.chat), said.person.lang, data.now(), is_group=False
    )
    t = said.person
    await reply_html(message, render.welcome(settings, t), quote=False)
    if not context.args:  # a plain /start (not a deep link): which timezone?
        await timezones.ask(message, context, settings)
    if context.args and (match := ANSWER_PAYLOAD.fullmatch(context.args[0])):
        delivery_id = int(match[1])
        group = await data.engine.asking.delivery_chat(delivery_id=delivery_id)
        user_id = message.from_user.id if message.from_user else 0
        member = group is not None and await is_member(context.bot, group, user_id)
        question = await data.engine.reveals.record_peek(  # refused unless a member's
            delivery_id,
            group if group is not None and member else chat_key(message.chat),
            viewer=player_of(message),
            now=data.now(),
        )
        await reply_html(message, render.answer_privately(question, t), quote=False)
    elif context.args and context.args[0] == render.STATS_PAYLOAD:  # from /stats in a group
        await stats(update, context)
    elif context.args and context.args[0] == render.EXPORT_PAYLOAD:  # from /export in a group
        player = player_of(message)
        history = await data.engine.progress.history(player) if player else []
        if history:
            await _send_history(context, message.chat.id, history, t)
        else:
            await reply_html(message, render.export_empty(t), quote=False)


async def topics(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    topics_here = await context.bot_data.engine.settings.chat_topics(chat_key(message.chat))
    said = await speakers(context, message)
    await reply_html(message, render.topics(topics_here, said.chat))


# -- questions -------------------------------------------------------------------------


async def quiz(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    data = context.bot_data
    if is_group(message.chat) and not data.quiz_cooldown.allow(
        (message.chat.id, message.from_user.id if message.from_user else 0), data.now()
    ):
        # Again too soon: a reaction, not a message, so the group's send budget stays
        # for questions and answers.
        await react(message, COOLING_DOWN)
        return
    asked = await data.engine.asking.ask(
        chat_key(message.chat),
        player_of(message),
        data.now(),
        is_group=is_group(message.chat),
        title=_title(message),
        filter_text=" ".join(context.args or ()) or None,
        thread_id=thread_of(message),
    )
    said = await speakers(context, message)
    await _deliver(message, context, asked, said)


async def _deliver(message: Message, context: QuizContext, asked: Asked, said: Speakers) -> None:
    """Send a claimed question and record where it went (or that it did not arrive)."""
    data = context.bot_data

    async def send(claimed: Asked) -> SentMessage:
        return await send_question(
            context.bot, message.chat.id, claimed, said.chat, thread_id=thread_of(message)
        )

    await deliver(
        asked, send, EngineLog(data.engine.asking), data.now, outcome_unknown=outcome_unknown
    )


def outcome_unknown(error: Exception) -> bool:
    """A request that may have reached Telegram (the connection failed after it was sent)."""
    return isinstance(error, NetworkError) and is_transport_failure(error)


async def skip(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    if is_group(message.chat):
        await reveal(update, context)
        return
    data = context.bot_data
    question = await data.engine.answering.skip(chat_key(message.chat), data.now())
    said = await speakers(context, message)
    await reply_html(message, render.skipped(question, said.person))


async def reveal(update: Update, context: QuizContext) -> None:
    """Groups: an admin reveals the answer now (of the question replied to, or the
    newest). Private chats: the same as /skip."""
    message = message_of(update)
    if not is_group(message.chat):
        await skip(update, context)
        return
    said = await speakers(context, message)
    if not await ensure_admin(message, said.person):
        return
    data = context.bot_data
    replied = message.reply_to_message
    revealed = await data.engine.reveals.reveal(
        chat_key(message.chat),
        data.now(),
        message_id=replied.message_id if replied and replies_to_bot(message) else None,
    )
    await send_html(
        context.bot,
        message.chat.id,
        render.reveal(revealed, said.chat),
        thread_id=revealed.thread_id if revealed.thread_id is not None else thread_of(message),
        reply_to=revealed.message_id,
    )


# -- progress --------------------------------------------------------------------------


async def streak(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    player = player_of(message)
    said = await speakers(context, message)
    if player is None:
        await reply_html(message, render.anonymous_player(said.chat))
        return
    data = context.bot_data
    info = await data.engine.progress.streak(player, data.now(), chat_key(message.chat))
    await reply_html(message, render.streak(info, said.person))


async def stats(update: Update, context: QuizContext) -> None:
    """Your progress, with its chart. Asked in a group, it goes to you privately (one's
    stats are nobody else's business), and the group gets a one-line note."""
    message = message_of(update)
    player = player_of(message)
    said = await speakers(context, message)
    t = said.person
    if player is None:
        await reply_html(message, render.anonymous_player(said.chat))
        return
    data = context.bot_data
    now, key = data.now(), chat_key(message.chat)
    progress = await data.engine.progress.stats(player, now, key)
    if not is_group(message.chat):
        await _stats_image(message, context, player, now, key, t)
        await reply_html(message, render.stats(progress, t))
        return
    try:
        await _stats_image(message, context, player, now, key, t, chat_id=player.external_id)
        await send_html(context.bot, player.external_id, render.stats(progress, t))
    except Forbidden:  # they never started the bot (or blocked it)
        await reply_html(message, render.stats_needs_start(context.bot.username, t))
        return
    await reply_html(message, render.stats_sent_privately(t))


async def _stats_image(
    message: Message,
    context: QuizContext,
    player: PlayerKey,
    now: datetime,
    key: ChatKey,
    t: Translator,
    *,
    chat_id: int | None = None,
) -> None:
    """The /stats chart as a photo (in reply, or to `chat_id`). If it cannot be drawn or
    Telegram refuses it, that is logged and the text stats (sent next) stand alone."""
    try:
        chart = stats_chart_data(await context.bot_data.engine.progress.activity(player, now, key))
        png = await render_stats(chart, t)
    except Exception:
        logger.exception("drawing the /stats image failed")
        return
    caption = render.stats_caption(stats_caption(chart, t))
    try:
        if chat_id is None:
            await reply_photo(message, png, filename="stats.png", caption=caption)
        else:
            await send_photo(context.bot, chat_id, png, filename="stats.png", caption=caption)
    except BadRequest as error:
        logger.error("Telegram refused the /stats image: %s", error)


async def leaderboard(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    said = await speakers(context, message)
    if not is_group(message.chat):
        await reply_html(message, render.leaderboard_private(said.person))
        return
    words = [arg.lower() for arg in context.args or ()]
    image = IMAGE in words
    periods = [word for word in words if word != IMAGE]
    period = periods[0] if periods else "week"
    if len(periods) > 1 or period not in PERIODS:
        await reply_html(message, render.usage("leaderboard", "[week|all] [image]", said.person))
        return
    if image:
        await _leaderboard_image(message, context, period, said.chat)
        return
    data = context.bot_data
    board = await data.engine.progress.leaderboard(
        chat_key(message.chat), period, data.now(), player_of(message)
    )
    await reply_html(message, render.leaderboard(board, said.chat))


async def _leaderboard_image(
    message: Message, context: QuizContext, period: str, t: Translator
) -> None:
    """The top 10 as a picture; the text ranking if it cannot be drawn."""
    data = context.bot_data
    chart = await data.engine.progress.leaderboard_chart_data(
        chat_key(message.chat), period, data.now(), player_of(message)
    )
    try:
        png = await render_leaderboard(chart, t)
    except Exception:
        logger.exception("drawing the /leaderboard image failed")
        await reply_html(message, render.leaderboard(chart.board, t))
        return
    caption = render.leaderboard_caption(chart.board, chart.chat_title, t)
    await reply_photo(message, png, filename="leaderboard.png", caption=caption)


async def export(update: Update, context: QuizContext) -> None:
    """Your own answer history as a CSV file: here in a private chat; from a group, sent
    privately (or, if you never started the bot, a link to start it)."""
    message = message_of(update)
    player = player_of(message)
    said = await speakers(context, message)
    t = said.person
    if player is None:
        await reply_html(message, render.anonymous_player(said.chat))
        return
    history = await context.bot_data.engine.progress.history(player)
    if not history:
        await reply_html(message, render.export_empty(t))
        return
    if not is_group(message.chat):
        await _send_history(
            context,
            message.chat.id,
            history,
            t,
            thread_id=thread_of(message),
            reply_to=message.message_id,
        )
        return
    try:
        await _send_history(context, player.external_id, history, t)
    except Forbidden:  # they never started the bot (or blocked it)
        await reply_html(message, render.export_needs_start(context.bot.username, t))
        return
    await reply_html(message, render.export_sent_privately(t))


async def _send_history(
    context: QuizContext,
    chat_id: int,
    history: Sequence[HistoryRow],
    t: Translator,
    *,
    thread_id: int | None = None,
    reply_to: int | None = None,
) -> None:
    data = await asyncio.to_thread(history_csv, history)
    await send_document(
        context.bot,
        chat_id,
        data,
        filename=export_filename(context.bot_data.now().date()),
        caption=render.export_caption(len(history), t),
        thread_id=thread_id,
        reply_to=reply_to,
    )


# -- settings --------------------------------------------------------------------------


async def time_command(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    data = context.bot_data
    key, group = chat_key(message.chat), is_group(message.chat)
    said = await speakers(context, message)
    if not context.args:
        await _show_schedule(message, context, key, said.chat)
        return
    if not await ensure_admin(message, said.person):
        return
    settings = await data.engine.settings.set_push_time(
        key, context.args[0], data.now(), is_group=group
    )
    await reply_html(message, render.schedule(settings, group, said.chat))


async def timezone_command(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    data = context.bot_data
    key, group = chat_key(message.chat), is_group(message.chat)
    said = await speakers(context, message)
    if not context.args:
        await _show_schedule(message, context, key, said.chat)
        return
    if not await ensure_admin(message, said.person):
        return
    if timezones.wants_city_search(context.args):
        await timezones.by_city(update, context, " ".join(context.args))
        return
    settings = await data.engine.settings.set_timezone(
        key, context.args[0], data.now(), is_group=group, player=player_of(message)
    )
    await reply_html(message, render.schedule(settings, group, said.chat))


async def _show_schedule(
    message: Message, context: QuizContext, key: ChatKey, t: Translator
) -> None:
    data = context.bot_data
    group = is_group(message.chat)
    settings = await data.engine.settings.ensure_chat(
        key, data.now(), is_group=group, title=_title(message)
    )
    await reply_html(message, render.schedule(settings, group, t))


async def subscribe(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    said = await speakers(context, message)
    if not await ensure_admin(message, said.person):
        return
    data = context.bot_data
    key, group = chat_key(message.chat), is_group(message.chat)
    settings = await data.engine.settings.set_subscribed(
        key,
        True,
        data.now(),
        is_group=group,
        title=_title(message),
        owner=None if group else player_of(message),
    )
    if group:  # in a forum, the daily question goes to the topic it was asked from
        await data.engine.settings.set_chat_thread(key, thread_of(message))
    await reply_html(message, render.schedule(settings, group, said.chat))


async def unsubscribe(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    said = await speakers(context, message)
    if not await ensure_admin(message, said.person):
        return
    data = context.bot_data
    group = is_group(message.chat)
    await data.engine.settings.set_subscribed(
        chat_key(message.chat), False, data.now(), is_group=group, title=_title(message)
    )
    await reply_html(message, render.unsubscribed(group, said.chat))


async def remind(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    choice = (context.args or [""])[0].lower()
    said = await speakers(context, message)
    if choice not in ("on", "off"):
        await reply_html(message, render.remind_usage(said.person))
        return
    player = player_of(message)
    if player is None:
        await reply_html(message, render.anonymous_player(said.chat))
        return
    data = context.bot_data
    await data.engine.settings.set_reminders(player, choice == "on", data.now())
    await reply_html(message, render.reminders(choice == "on", said.person))
