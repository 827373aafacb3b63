"""`/forgetme`: delete everything the bot stores about a person, after they confirm.

Works in servers and DMs; in a server the question and its outcome are ephemeral, so
nobody else sees them. The two buttons (`bot.discord.confirm`) carry the person's own
user id in their custom_id, parsed by a strict pattern, so they keep working across
restarts:

    quizbot:forget:<discord user id>:yes     delete everything now
    quizbot:forget:<discord user id>:no      keep everything

A press by anyone else is refused privately and deletes nothing.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord.confirm import ConfirmButton, confirm_template, confirm_view
from bot.discord.context import in_server, player_of, services_of
from bot.discord.language import translator_of
from bot.discord.replies import deferring, edit, send, tell
from bot.engine.privacy import Forgotten
from bot.i18n import N_, Translator

FORGET_TEMPLATE = confirm_template("forget", max_digits=20)
"""A Discord user id is a 64-bit snowflake: no sign, no leading zero, at most 20 digits."""

ASK = N_(
    "🗑 **Delete everything I store about you?**\n\n"
    "Your answers and their grades, your recall ratings and review schedule, your streak "
    "and freezes, your points on channel leaderboards, your reminder setting, and the "
    "questions sent to you by DM. This cannot be undone."
)
KEPT = N_("👍 Nothing was deleted.")
NOT_YOURS = N_("This button is not for you.")
NOTHING_STORED = N_("There was nothing stored about you. Nothing to delete.")


def done(forgotten: Forgotten, t: Translator) -> str:
    if not forgotten.found:
        return t._(NOTHING_STORED)
    return t._(
        "✅ **Deleted.** {answers}, {ratings}, your streak, review schedule and leaderboard "
        "points are gone. Run /quiz to begin again.",
        answers=t.n_("{count} answer", "{count} answers", forgotten.answers),
        ratings=t.n_("{count} rating", "{count} ratings", forgotten.ratings),
    )


class ForgetButton(ConfirmButton, template=FORGET_TEMPLATE):
    """Delete everything about the person whose id the button carries, or keep it."""

    action = "forget"
    confirm_label = N_("Delete everything")
    cancel_label = N_("Cancel")

    async def press(self, interaction: discord.Interaction[Any]) -> None:
        await answer_press(interaction, self.subject, self.confirm)


async def forgetme(interaction: discord.Interaction[Any]) -> None:
    await send(
        interaction,
        content=translator_of(interaction)._(ASK),
        view=confirm_view(ForgetButton, interaction.user.id, translator_of(interaction)),
        ephemeral=in_server(interaction),
    )


async def answer_press(interaction: discord.Interaction[Any], user_id: int, confirm: bool) -> None:
    """Delete everything (or nothing) and say so in place of the question."""
    t = translator_of(interaction)
    if interaction.user.id != user_id:
        await tell(interaction, t._(NOT_YOURS))
        return
    if not confirm:
        await edit(interaction, content=t._(KEPT), view=None)
        return
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=in_server(interaction), update=True):
        forgotten = await services.engine.privacy.forget_player(
            player_of(interaction.user), services.clock()
        )
    await edit(interaction, content=done(forgotten, t), view=None)
