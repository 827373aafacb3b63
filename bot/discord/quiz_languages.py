"""`/lang quiz [languages]`: which languages a channel's (or a DM's) daily question and
plain /quiz come in. `/quiz language:zh` asks for one language once (bot.discord.cog).

In a server, members with Manage Server change a channel's setting (as they choose its
decks); anyone may see it. In a DM the setting is the person's own. Replies follow the
reader's locale; in a server they are ephemeral, like the deck settings.
"""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.context import chat_of, in_server, player_of, services_of, title_of
from bot.discord.language import translator_of
from bot.discord.render import CONTENT_MAX, DECK_TEXT
from bot.discord.replies import send
from bot.engine import question_languages
from bot.errors import NoQuestionInLanguage
from bot.i18n import N_
from bot.presentation import question_languages as wording
from bot.presentation.markup import clip

Choice = Literal["all", "en", "zh"]
"""What the `languages` option offers (Discord shows them as a list)."""


def _may_change(interaction: discord.Interaction[Any]) -> bool:
    return not in_server(interaction) or interaction.permissions.manage_guild


class QuizLanguagesCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    lang_group = app_commands.Group(name="lang", description=N_("Languages of the questions here."))

    @lang_group.command(
        name="quiz", description=N_("Which languages the daily question and /quiz come in.")
    )
    @app_commands.describe(
        languages=N_("all, en or zh (leave out to see the setting; servers: Manage Server)")
    )
    async def lang_quiz(
        self, interaction: discord.Interaction[Any], languages: Choice | None = None
    ) -> None:
        await quiz_languages(interaction, languages)


async def quiz_languages(interaction: discord.Interaction[Any], choice: str | None) -> None:
    services = services_of(interaction)
    t = translator_of(interaction)
    group = in_server(interaction)
    chat = chat_of(interaction)
    if choice is None:
        current = await question_languages.question_languages(services.engine, chat)
        text = wording.setting_now(current, group, DECK_TEXT, t)
    elif not _may_change(interaction):
        text = t._("Only members with the Manage Server permission can do that.")
    else:
        try:
            stored = await question_languages.set_question_languages(
                services.engine,
                chat,
                question_languages.parse_choice([choice]),
                services.clock(),
                is_group=group,
                title=title_of(interaction),
                owner=None if group else player_of(interaction.user),
            )
            text = wording.setting_set(stored, t)
        except NoQuestionInLanguage as error:
            text = wording.setting_refused(error, t)
    await send(interaction, content=clip(text, CONTENT_MAX), ephemeral=group)
