"""Answering without reading every message: buttons on the question, a private form.

A question message carries an Answer button (typed answers) or one button per choice
(multiple choice). The button opens a form (a modal); the grade, the model answer and the
Again/Hard/Good/Easy buttons come back ephemerally in a server, so nobody else is spoiled,
and as a normal reply in a DM. Every button's state lives in its custom_id, parsed by a
strict pattern, so buttons keep working across restarts.
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot.discord import render
from bot.discord.buttons import ID, PREFIX, DeliveryButton, PressButton, delivery_template
from bot.discord.context import chat_of, in_server, player_of, services_of
from bot.discord.errors import report_error
from bot.discord.hints import help_items
from bot.discord.language import translator_of
from bot.discord.replies import deferring, edit, send
from bot.engine.results import AnswerResult, Asked
from bot.engine.srs import Rating
from bot.errors import NoOpenQuestion
from bot.i18n import N_, Translator
from bot.presentation.wording import rating_label

ANSWER_TEMPLATE = delivery_template("answer")
CHOICE_TEMPLATE = rf"{PREFIX}:choice:(?P<delivery>{ID}):(?P<choice>[1-9]|10)"
RATE_TEMPLATE = rf"{PREFIX}:rate:(?P<attempt>{ID}):(?P<rating>[1-4])"

BUTTON_LABEL_MAX = 80
FORM_TITLE = N_("Your answer")
FORM_TEXT_MAX = 3900
ANSWER_MAX = 2000
FORM_TIMEOUT = 30 * 60.0


def question_view(asked: Asked, t: Translator) -> discord.ui.View:
    """The buttons under a question: one per choice, or Answer; help in a DM."""
    view = discord.ui.View(timeout=None)
    choices = asked.question.choices
    if choices:
        for number, choice in enumerate(choices, start=1):
            view.add_item(ChoiceButton(asked.delivery_id, number, choice))
    else:
        view.add_item(AnswerButton(asked.delivery_id, t._("Answer")))
    for item in help_items(asked, t):  # in a DM: 💡 Hint, 🤷 I don't know
        view.add_item(item)
    return view


def rating_view(result: AnswerResult, t: Translator) -> discord.ui.View:
    """Again/Hard/Good/Easy, the proposed rating highlighted."""
    view = discord.ui.View(timeout=None)
    for rating in Rating:
        view.add_item(
            RateButton(
                result.attempt_id,
                rating,
                proposed=rating == result.proposed_rating,
                label=rating_label(rating, t),
            )
        )
    return view


class AnswerButton(DeliveryButton, template=ANSWER_TEMPLATE):
    action = "answer"
    default_label = "Answer"
    button_emoji = "✍️"
    button_style = discord.ButtonStyle.primary

    async def press(self, interaction: discord.Interaction[Any]) -> None:
        await open_form(interaction, self.delivery_id)


class ChoiceButton(PressButton, template=CHOICE_TEMPLATE):
    def __init__(self, delivery_id: int, number: int, text: str | None = None) -> None:
        label = render.clip(f"{number}. {text}" if text else str(number), BUTTON_LABEL_MAX)
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"quizbot:choice:{delivery_id}:{number}",
            )
        )
        self.delivery_id = delivery_id
        self.number = number

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(int(match["delivery"]), int(match["choice"]))

    async def press(self, interaction: discord.Interaction[Any]) -> None:
        message_id = interaction.message.id if interaction.message else None
        await grade_and_reply(interaction, str(self.number), message_id)


class RateButton(PressButton, template=RATE_TEMPLATE):
    def __init__(
        self, attempt_id: int, rating: Rating, *, proposed: bool = False, label: str | None = None
    ) -> None:
        style = discord.ButtonStyle.primary if proposed else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=label or rating.label,
                style=style,
                custom_id=f"quizbot:rate:{attempt_id}:{int(rating)}",
            )
        )
        self.attempt_id = attempt_id
        self.rating = rating

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(int(match["attempt"]), Rating(int(match["rating"])))

    async def press(self, interaction: discord.Interaction[Any]) -> None:
        await rate(interaction, self.attempt_id, self.rating)


class AnswerForm(discord.ui.Modal, title=FORM_TITLE):
    """The private form a typed answer is written in."""

    def __init__(
        self, delivery_id: int, message_id: int | None, question: str | None, t: Translator
    ) -> None:
        super().__init__(title=t._(FORM_TITLE), timeout=FORM_TIMEOUT)
        self.delivery_id = delivery_id
        self.message_id = message_id
        if question:
            self.add_item(discord.ui.TextDisplay(render.clip(question, FORM_TEXT_MAX)))
        self.answer: discord.ui.TextInput[AnswerForm] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            placeholder=t._("Explain in your own words: the key points are what counts."),
            max_length=ANSWER_MAX,
        )
        self.add_item(discord.ui.Label(text=t._(FORM_TITLE), component=self.answer))

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        await grade_and_reply(interaction, self.answer.value, self.message_id)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:
        await report_error(interaction, error)


# -- what the controls do --------------------------------------------------------------


async def open_form(interaction: discord.Interaction[Any], delivery_id: int) -> None:
    message = interaction.message
    form = AnswerForm(
        delivery_id,
        message.id if message else None,
        render.question_text(message),
        translator_of(interaction),
    )
    await interaction.response.send_modal(form)


async def grade_and_reply(
    interaction: discord.Interaction[Any], text: str, message_id: int | None
) -> None:
    """Grade an answer to the question in message `message_id`; reply privately."""
    services = services_of(interaction)
    private = in_server(interaction)
    async with deferring(interaction, ephemeral=private):
        try:
            result = await services.engine.answering.answer(
                chat_of(interaction),
                player_of(interaction.user),
                text,
                services.clock(),
                source_key=f"discord:{interaction.id}",
                reply_to_message_id=message_id,
            )
        except NoOpenQuestion:
            raise NoOpenQuestion("closed") from None
    await send(
        interaction,
        content=render.rating_prompt(result.proposed_rating, translator_of(interaction)),
        embed=render.feedback(result, translator_of(interaction)),
        view=rating_view(result, translator_of(interaction)),
        ephemeral=private,
    )


async def rate(interaction: discord.Interaction[Any], attempt_id: int, rating: Rating) -> None:
    services = services_of(interaction)
    async with deferring(interaction, ephemeral=in_server(interaction), update=True):
        result = await services.engine.rating.rate(
            attempt_id, player_of(interaction.user), rating, services.clock()
        )
    await edit(interaction, content=render.rated(result, translator_of(interaction)), view=None)
