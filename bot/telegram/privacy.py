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
from bot.telegram import render
from bot.telegram.context import QuizContext
from bot.telegram.identity import is_group, player_key, player_of
from bot.telegram.keyboards import ConfirmButton, parse_confirm
from bot.telegram.outbox import reply_html


def is_forget_data(data: object) -> bool:
    return parse_confirm("forget", data) is not None


def confirm_keyboard(user_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "🗑 Yes, delete everything",
                    callback_data=ConfirmButton("forget", user_id, True).encode(),
                ),
                InlineKeyboardButton(
                    "Cancel", callback_data=ConfirmButton("forget", user_id, False).encode()
                ),
            ]
        ]
    )


ASK = (
    "🗑 <b>Delete everything I store about you?</b>\n\n"
    "Your answers and their grades, your recall ratings and review schedule, your streak "
    "and freezes, your points on group leaderboards, your reminder and timezone settings, "
    "and this chat's daily question. This cannot be undone."
)
GROUP_HINT = "🔒 To delete your data, send /forgetme to me in a private chat."
ANONYMOUS = "I cannot tell who you are here, so there is nothing of yours to delete."
KEPT = "👍 Nothing was deleted."
NOT_YOURS = "This button is not for you."


def done(forgotten: Forgotten) -> str:
    if not forgotten.found:
        return "There was nothing stored about you. Nothing to delete."
    return (
        f"✅ <b>Deleted.</b> {forgotten.answers} answers, {forgotten.ratings} ratings, "
        f"your streak, review schedule and leaderboard points are gone, and the daily "
        "question here is off. Send /start to begin again."
    )


async def forgetme(update: Update, context: QuizContext) -> None:
    message = update.effective_message
    assert message is not None, "command handlers only get messages"
    if is_group(message.chat):
        await reply_html(message, GROUP_HINT)
        return
    player = player_of(message)
    if player is None:
        await reply_html(message, ANONYMOUS)
        return
    await reply_html(message, ASK, keyboard=confirm_keyboard(player.external_id), quote=False)


async def forget_button(update: Update, context: QuizContext) -> None:
    """Yes / Cancel under the /forgetme question."""
    query = update.callback_query
    assert query is not None
    button = parse_confirm("forget", query.data)
    if button is None:  # no data or none of ours: PTB lets it through
        await query.answer(render.expired_button())
        return
    if query.from_user.id != button.subject:
        await query.answer(NOT_YOURS, show_alert=True)
        return
    if button.confirm:
        data = context.bot_data
        text = done(
            await data.engine.privacy.forget_player(player_key(query.from_user), data.now())
        )
    else:
        text = KEPT
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.edit_message_text(text)
        except BadRequest as error:  # pressed twice: the text is already this
            if "not modified" not in str(error):
                raise
