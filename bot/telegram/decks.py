"""Own decks on Telegram: a document sent in a private chat becomes the sender's deck;
/decks lists what a chat can use; /deck use, /deck all and /deck remove choose.

In a group only admins choose, and the decks it can use are the bundled ones and its
admins' own (asked from Telegram with getChatAdministrators at the time). Removing a deck
asks first, with buttons in the project's callback format:

    v1:deckrm:<own deck row id>:yes|no

The engine checks that whoever presses owns that deck, so a forged button does nothing.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError

from bot.decks.upload import DeckRejected, check_size, parse_upload, size_limit
from bot.engine import owndecks
from bot.engine.owndecks import NotOwnDeck, UnknownDecks
from bot.engine.results import PlayerKey
from bot.i18n import Translator
from bot.presentation import decks as wording
from bot.telegram.admin import ensure_admin
from bot.telegram.context import QuizContext
from bot.telegram.identity import chat_key, is_group, message_of, player_key, player_of
from bot.telegram.keyboards import ConfirmButton, parse_confirm
from bot.telegram.language import person_translator, speakers
from bot.telegram.outbox import reply_html
from bot.telegram.render import HTML

logger = logging.getLogger(__name__)


def is_remove_data(data: object) -> bool:
    return parse_confirm("deckrm", data) is not None


# -- upload ------------------------------------------------------------------------------


async def upload(update: Update, context: QuizContext) -> None:
    """A document in a private chat: read it as a deck and store it as the sender's."""
    message = message_of(update)
    document = message.document
    player = player_of(message)
    if document is None or player is None:
        return
    filename = document.file_name or "deck"
    t = (await speakers(context, message)).person
    try:
        check_size(filename, document.file_size)
        raw = await _download(message, context, filename)
        parsed = await asyncio.to_thread(parse_upload, raw, filename)
        saved = await owndecks.save_upload(
            context.bot_data.engine,
            chat_key(message.chat),
            player,
            parsed,
            filename,
            context.bot_data.now(),
        )
    except DeckRejected as error:
        await reply_html(message, wording.rejected(error, HTML, t))
        return
    await reply_html(message, wording.saved(saved, HTML, t))


async def _download(message: Message, context: QuizContext, filename: str) -> bytes:
    assert message.document is not None
    try:
        file = await context.bot.get_file(message.document.file_id)
    except BadRequest as error:
        if "too big" in str(error).lower():
            raise DeckRejected("too_large", limit=size_limit(filename)) from None
        raise
    if file.file_size is not None:
        check_size(filename, file.file_size)
    data = bytes(await file.download_as_bytearray())
    check_size(filename, len(data))
    return data


# -- choosing ----------------------------------------------------------------------------


async def _owners(message: Message) -> list[PlayerKey]:
    """Whose own decks this chat can use: the person in a private chat, a group's admins."""
    if not is_group(message.chat):
        player = player_of(message)
        return [player] if player else []
    try:
        admins = await message.get_bot().get_chat_administrators(message.chat.id)
    except TelegramError as error:
        logger.warning("could not list the admins of chat %s: %s", message.chat.id, error)
        return []
    return [player_key(member.user) for member in admins if not member.user.is_bot]


async def decks_command(update: Update, context: QuizContext) -> None:
    """/decks: what this chat can use, marking the decks in use."""
    message = message_of(update)
    entries = await owndecks.chat_decks(
        context.bot_data.engine, chat_key(message.chat), await _owners(message), player_of(message)
    )
    t = (await speakers(context, message)).chat
    await reply_html(message, wording.deck_list(entries, HTML, t, is_group=is_group(message.chat)))


async def deck_command(update: Update, context: QuizContext) -> None:
    """/deck use ID [ID ...] · /deck all · /deck remove ID"""
    message = message_of(update)
    args = list(context.args or ())
    action = args[0].lower() if args else ""
    said = await speakers(context, message)
    t = said.person
    if action == "remove" and len(args) == 2:
        await _ask_remove(message, context, args[1], t)
        return
    if not ((action == "use" and len(args) > 1) or (action == "all" and len(args) == 1)):
        await reply_html(message, wording.deck_usage(t))
        return
    if not await ensure_admin(message, t):
        return
    data = context.bot_data
    group = is_group(message.chat)
    common = {
        "owners": await _owners(message),
        "chooser": player_of(message),
        "is_group": group,
        "title": message.chat.title or "",
    }
    try:
        if action == "all":
            entries = await owndecks.use_all_decks(
                data.engine, chat_key(message.chat), data.now(), **common
            )
        else:
            entries = await owndecks.use_decks(
                data.engine, chat_key(message.chat), args[1:21], data.now(), **common
            )
    except UnknownDecks as error:
        await reply_html(message, wording.unknown_decks(error, HTML, t))
        return
    await reply_html(message, wording.chosen(entries, HTML, said.chat))


# -- removing ----------------------------------------------------------------------------


async def _ask_remove(message: Message, context: QuizContext, deck_id: str, t: Translator) -> None:
    player = player_of(message)
    if is_group(message.chat) or player is None:
        await reply_html(message, wording.upload_in_private(t))
        return
    try:
        target = await owndecks.deck_to_remove(context.bot_data.engine, player, deck_id)
    except NotOwnDeck as error:
        await reply_html(message, wording.not_own_deck(error, HTML, t))
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t._("🗑 Remove"),
                    callback_data=ConfirmButton("deckrm", target.row_id, True).encode(),
                ),
                InlineKeyboardButton(
                    t._("Keep"),
                    callback_data=ConfirmButton("deckrm", target.row_id, False).encode(),
                ),
            ]
        ]
    )
    await reply_html(message, wording.confirm_remove(target, HTML, t), keyboard=keyboard)


async def remove_button(update: Update, context: QuizContext) -> None:
    """Remove / Keep under the /deck remove question."""
    query = update.callback_query
    assert query is not None
    button = parse_confirm("deckrm", query.data)
    assert button is not None, "registered for deck removal data only"
    t = await person_translator(context, query.from_user)
    if button.confirm:
        data = context.bot_data
        try:
            target = await owndecks.remove_own_deck(
                data.engine, player_key(query.from_user), button.subject
            )
        except NotOwnDeck:
            await query.answer(
                t._("This button is not for you, or the deck is gone."), show_alert=True
            )
            return
        text = wording.removed(target, HTML, t)
    else:
        text = wording.kept(HTML, t)
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.edit_message_text(text)
        except BadRequest as error:  # pressed twice: the text is already this
            if "not modified" not in str(error):
                raise
