"""`/forgetme`: delete everything the bot stores about a person, after they confirm.

Works in servers and DMs; in a server the question and its outcome are ephemeral, so
nobody else sees them. The two buttons carry the person's own user id in their
custom_id, parsed by a strict pattern (like the answer buttons), so they keep working
across restarts:

    quizbot:forget:<discord user id>:yes     delete everything now
    quizbot:forget:<discord user id>:no      keep everything

A press by anyone else is refused privately and deletes nothing.
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot.discord.context import in_server, player_of, services_of
from bot.discord.errors import report_error
from bot.discord.replies import deferring, edit, send, tell
from bot.engine.privacy import Forgotten

_USER_ID = r"[1-9][0-9]{0,19}"
"""A Discord user id (a 64-bit snowflake): no sign, no leading zero, at most 20 digits."""

FORGET_TEMPLATE = rf"quizbot:forget:(?P<user>{_USER_ID}):(?P<choice>yes|no)"

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


def confirm_view(user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton(user_id, confirm=True))
    view.add_item(ForgetButton(user_id, confirm=False))
    return view


class ForgetButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=FORGET_TEMPLATE
):
    def __init__(self, user_id: int, *, confirm: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label="Delete everything" if confirm else "Cancel",
                emoji="🗑" if confirm else None,
                style=discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary,
                custom_id=f"quizbot:forget:{user_id}:{'yes' if confirm else 'no'}",
            )
        )
        self.user_id = user_id
        self.confirm = confirm

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(int(match["user"]), confirm=match["choice"] == "yes")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await answer_press(interaction, self.user_id, self.confirm)
        except Exception as error:
            await report_error(interaction, error)


async def forgetme(interaction: discord.Interaction[Any]) -> None:
    await send(
        interaction,
        content=ASK,
        view=confirm_view(interaction.user.id),
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
