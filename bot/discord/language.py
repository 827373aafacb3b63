"""Which language a Discord reply speaks, and the command menu's translations.

A reply follows the locale of the client that used the command (`interaction.locale`:
`zh-CN` and `zh-TW` are Chinese, anything else English). Command and option
descriptions are translated for Discord's Chinese locales by `CommandTranslator`, which
discord.py asks when it syncs the commands; command and option names stay as they are,
so that what people and scripts type is the same everywhere.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot import i18n
from bot.i18n import Translator, translator_for

TRANSLATED = frozenset(
    {
        app_commands.TranslationContextLocation.command_description,
        app_commands.TranslationContextLocation.group_description,
        app_commands.TranslationContextLocation.parameter_description,
    }
)
"""What the menu translates (names are left alone)."""


class CommandTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        lang = i18n.resolve(locale.value)
        if lang == i18n.DEFAULT or context.location not in TRANSLATED:
            return None
        translated = translator_for(lang)._(string.message)
        return translated if translated != string.message else None


def translator_of(interaction: discord.Interaction[Any]) -> Translator:
    """The language of whoever used `interaction`."""
    return translator_for(i18n.resolve(interaction.locale.value))
