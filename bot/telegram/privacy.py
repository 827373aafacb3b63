"""/forgetme: delete everything the bot stores about a person, after they confirm.

Only in a private chat (in a group the bot points there). The confirmation buttons carry
the person's own id, in the project's callback format:

    v1:forget:<telegram user id>:yes     delete everything now
    v1:forget:<telegram user id>:no      keep everything

A button pressed by anyone else does nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.engine.privacy import Forgotten
from bot.i18n import Translator
from bot.telegram import render
from bot.telegram.context import QuizContext
from bot.telegram.identity import is_group, player_key, player_of
from bot.telegram.keyboards import ConfirmButton, parse_confirm
from bot.telegram.language import person_translator, speakers
from bot.telegram.outbox import reply_html


def is_forget_data(data: object) -> bool:
    return parse_confirm("forget", data) is not None


def confirm_keyboard(user_id: int, t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t._("🗑 Yes, delete everything"),
                    callback_data=ConfirmButton("forget", user_id, True).encode(),
                ),
                InlineKeyboardButton(
                    t._("Cancel"), callback_data=ConfirmButton("forget", user_id, False).encode()
                ),
            ]
        ]
    )


def ask(t: Translator) -> str:
    return t._(
        "🗑 <b>Delete everything I store about you?</b>\n\n"
        "Your answers and their grades, your recall ratings and review schedule, your "
        "streak and freezes, your points on group leaderboards, your reminder and timezone "
        "settings, and this chat's daily question. This cannot be undone."
    )


def group_hint(t: Translator) -> str:
    return t._("🔒 To delete your data, send /forgetme to me in a private chat.")


def anonymous(t: Translator) -> str:
    return t._("I cannot tell who you are here, so there is nothing of yours to delete.")


def kept(t: Translator) -> str:
    return t._("👍 Nothing was deleted.")


def not_yours(t: Translator) -> str:
    return t._("This button is not for you.")


def done(forgotten: Forgotten, t: Translator) -> str:
    if not forgotten.found:
        return t._("There was nothing stored about you. Nothing to delete.")
    answers = t.n_("{count} answer", "{count} answers", forgotten.answers)
    ratings = t.n_("{count} rating", "{count} ratings", forgotten.ratings)
    return t._(
        "✅ <b>Deleted.</b> {answers}, {ratings}, your streak, review schedule and "
        "leaderboard points are gone, and the daily question here is off. Send /start to "
        "begin again.",
        answers=answers,
        ratings=ratings,
    )


async def forgetme(update: Update, context: QuizContext) -> None:
    message = update.effective_message
    assert message is not None, "command handlers only get messages"
    t = (await speakers(context, message)).person
    if is_group(message.chat):
        await reply_html(message, group_hint(t))
        return
    player = player_of(message)
    if player is None:
        await reply_html(message, anonymous(t))
        return
    await reply_html(message, ask(t), keyboard=confirm_keyboard(player.external_id, t), quote=False)


async def forget_button(update: Update, context: QuizContext) -> None:
    """Yes / Cancel under the /forgetme question."""
    query = update.callback_query
    assert query is not None
    button = parse_confirm("forget", query.data)
    t = await person_translator(context, query.from_user)
    if button is None:  # no data or none of ours: PTB lets it through
        await query.answer(render.expired_button(t))
        return
    if query.from_user.id != button.subject:
        await query.answer(not_yours(t), show_alert=True)
        return
    if button.confirm:
        data = context.bot_data
        text = done(
            await data.engine.privacy.forget_player(player_key(query.from_user), data.now()), t
        )
    else:
        text = kept(t)
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.edit_message_text(text)
        except BadRequest as error:  # pressed twice: the text is already this
            if "not modified" not in str(error):
                raise
