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
from bot.discord.replies import deferring, edit, send, tell
from bot.engine.privacy import Forgotten

FORGET_TEMPLATE = confirm_template("forget", max_digits=20)
"""A Discord user id is a 64-bit snowflake: no sign, no leading zero, at most 20 digits."""

ASK = (
    "🗑 **Delete everything I store about you?**\n\n"
    "Your answers and their grades, your recall ratings and review schedule, your streak "
    "and freezes, your points on channel leaderboards, your reminder setting, and the "
    "questions sent to you by DM. This cannot be undone."
)
KEPT = "👍 Nothing was deleted."
NOT_YOURS = "This button is not for you."
NOTHING_STORED = "There was nothing stored about you. Nothing to delete."


def done(forgotten: Forgotten) -> str:
    if not forgotten.found:
        return NOTHING_STORED
    return (
        f"✅ **Deleted.** {_count(forgotten.answers, 'answer')}, "
        f"{_count(forgotten.ratings, 'rating')}, "
        "your streak, review schedule and leaderboard points are gone. "
        "Run /quiz to begin again."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class ForgetButton(ConfirmButton, template=FORGET_TEMPLATE):
    """Delete everything about the person whose id the button carries, or keep it."""

    action = "forget"
    confirm_label = "Delete everything"
    cancel_label = "Cancel"

    async def press(self, interaction: discord.Interaction[Any]) -> None:
        await answer_press(interaction, self.subject, self.confirm)


async def forgetme(interaction: discord.Interaction[Any]) -> None:
    await send(
        interaction,
        content=ASK,
        view=confirm_view(ForgetButton, interaction.user.id),
        ephemeral=in_server(interaction),
    )


async def answer_press(interaction: discord.Interaction[Any], user_id: int, confirm: bool) -> None:
    """Delete everything (or nothing) and say so in place of the question."""
    if interaction.user.id != user_id:
        await tell(interaction, NOT_YOURS)
        return
    if not confirm:
        await edit(interaction, content=KEPT, view=None)
        return
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=in_server(interaction), update=True):
        forgotten = await services.engine.privacy.forget_player(
            player_of(interaction.user), services.clock()
        )
    await edit(interaction, content=done(forgotten), view=None)
