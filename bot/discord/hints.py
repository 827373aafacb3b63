"""💡 Hint and 🤷 I don't know under a question in a DM (`bot.engine.hints`).

Like the other buttons, each carries its state in its custom_id (the question's delivery
id), parsed by a strict pattern, so it keeps working across restarts. The engine refuses
a delivery that is not this DM's open question, and stores the hint or the attempt
before the reply goes out. Server channels get neither: their answers are compared.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord import render
from bot.discord.buttons import DeliveryButton, delivery_template
from bot.discord.context import chat_of, in_server, player_of, services_of
from bot.discord.language import translator_of
from bot.discord.replies import deferring, send
from bot.engine.hints import Hint, hint_point
from bot.engine.results import AnswerResult, Asked
from bot.i18n import N_, Translator, percent
from bot.presentation.feedback import rating_label
from bot.presentation.markup import clip

HINT_TEMPLATE = delivery_template("hint")
GIVE_UP_TEMPLATE = delivery_template("idk")
NOT_IN_SERVERS = N_("Hints and “I don't know” are for questions in a DM with me.")


def help_items(asked: Asked, t: Translator) -> list[discord.ui.Item[discord.ui.View]]:
    """The help buttons for a question: in a DM, 🤷 always and 💡 when it has a hint."""
    if asked.is_group:
        return []
    items: list[discord.ui.Item[discord.ui.View]] = []
    if hint_point(asked.question) is not None:
        items.append(HintButton(asked.delivery_id, t._(HintButton.default_label)))
    items.append(GiveUpButton(asked.delivery_id, t._(GiveUpButton.default_label)))
    return items


class HintButton(DeliveryButton, template=HINT_TEMPLATE):
    action = "hint"
    default_label = N_("Hint")
    button_emoji = "💡"

    async def press(self, interaction: discord.Interaction[Any]) -> None:
        await hint(interaction, self.delivery_id)


class GiveUpButton(DeliveryButton, template=GIVE_UP_TEMPLATE):
    action = "idk"
    default_label = N_("I don't know")
    button_emoji = "🤷"

    async def press(self, interaction: discord.Interaction[Any]) -> None:
        await give_up(interaction, self.delivery_id)


async def hint(interaction: discord.Interaction[Any], delivery_id: int) -> None:
    t = translator_of(interaction)
    if in_server(interaction):
        await send(interaction, content=t._(NOT_IN_SERVERS), ephemeral=True)
        return
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=False):
        given = await services.engine.helping.hint(
            chat_of(interaction),
            player_of(interaction.user),
            services.clock(),
            delivery_id=delivery_id,
        )
    await send(interaction, content=hint_text(given, t))


async def give_up(interaction: discord.Interaction[Any], delivery_id: int) -> None:
    t = translator_of(interaction)
    if in_server(interaction):
        await send(interaction, content=t._(NOT_IN_SERVERS), ephemeral=True)
        return
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=False):
        result = await services.engine.helping.give_up(
            chat_of(interaction),
            player_of(interaction.user),
            services.clock(),
            source_key=f"discord-idk:{delivery_id}",
            delivery_id=delivery_id,
        )
    await send(interaction, content=gave_up_text(result, t))


# -- wording ------------------------------------------------------------------------------


def hint_text(given: Hint, t: Translator) -> str:
    cap = t._(
        "An answer after a hint scores at most {percent} ({points} points). Press Answer "
        "when you are ready.",
        percent=percent(given.score_cap),
        points=given.points_cap,
    )
    hint = t._("💡 **Hint**: {point}", point=render.name(given.point))
    return clip(f"{hint}\n-# {cap}", render.CONTENT_MAX)


def gave_up_text(result: AnswerResult, t: Translator) -> str:
    rated = t._("Recall rated **{rating}**.", rating=rating_label(result.proposed_rating, t))
    return clip(
        t._("🤷 **No problem.** Here is the answer; it comes back for review soon.")
        + f"\n\n{render.model_answer(result.question, t)}\n\n"
        + f"{render.streak_line(result.streak, t)}\n"
        + f"🧠 {rated} "
        + t._("/quiz for another question."),
        render.CONTENT_MAX,
    )
