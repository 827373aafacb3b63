"""Own decks on Discord: `/deck upload` (a file attachment) makes it the sender's deck;
`/decks` lists what a channel can use; `/deck use`, `/deck all` and `/deck remove` choose.

In a server, members with Manage Server choose a channel's decks and can use their own
decks there; the listing and replies are ephemeral. Removing asks first, with buttons
(`bot.discord.confirm`) that carry the stored deck's row id; the engine checks that
whoever presses owns it:

    quizbot:deckrm:<own deck row id>:yes|no
"""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.decks.upload import DeckRejected, check_size, parse_upload
from bot.discord.confirm import ConfirmButton, confirm_template, confirm_view
from bot.discord.context import chat_of, in_server, player_of, services_of, title_of
from bot.discord.language import translator_of
from bot.discord.render import name
from bot.discord.replies import deferring, edit, send, tell
from bot.engine import owndecks
from bot.engine.owndecks import NotOwnDeck, UnknownDecks
from bot.engine.results import PlayerKey
from bot.i18n import N_
from bot.presentation import decks as wording

MARKDOWN = wording.Markup(escape=name, bold=lambda t: f"**{t}**", code=lambda t: f"**{t}**")
REMOVE_TEMPLATE = confirm_template("deckrm", max_digits=18)
"""A deck's row id: at most 18 digits, so it always fits SQLite's integer."""
NOT_YOURS = N_("This button is not for you, or the deck is gone.")
ADMINS_ONLY = N_("Only members with the Manage Server permission choose this channel's decks.")


def _is_admin(interaction: discord.Interaction[Any]) -> bool:
    return not in_server(interaction) or interaction.permissions.manage_guild


def _owners(interaction: discord.Interaction[Any]) -> list[PlayerKey]:
    """Whose own decks this channel can use: the person in a DM; in a server, the member
    asking if they manage it."""
    return [player_of(interaction.user)] if _is_admin(interaction) else []


class DeckCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="decks", description=N_("The decks here, and which are in use."))
    async def decks(self, interaction: discord.Interaction[Any]) -> None:
        services = services_of(interaction)
        entries = await owndecks.chat_decks(
            services.engine, chat_of(interaction), _owners(interaction), player_of(interaction.user)
        )
        text = wording.deck_list(
            entries, MARKDOWN, translator_of(interaction), is_group=in_server(interaction)
        )
        await send(interaction, content=text, ephemeral=in_server(interaction))

    deck_group = app_commands.Group(name="deck", description=N_("Choose decks, or add your own."))

    @deck_group.command(name="upload", description=N_("Add (or update) your own deck from a file."))
    @app_commands.describe(file=N_("A .yaml/.yml deck, .md notes, a .csv or an Anki .apkg"))
    async def deck_upload(
        self, interaction: discord.Interaction[Any], file: discord.Attachment
    ) -> None:
        await upload(interaction, file)

    @deck_group.command(name="use", description=N_("Ask only from these decks here."))
    @app_commands.describe(ids=N_("Deck ids, separated by spaces (see /decks)"))
    async def deck_use(self, interaction: discord.Interaction[Any], ids: str) -> None:
        await choose(interaction, ids.split()[:20])

    @deck_group.command(name="all", description=N_("Ask from every deck this chat can use."))
    async def deck_all(self, interaction: discord.Interaction[Any]) -> None:
        await choose(interaction, None)

    @deck_group.command(name="remove", description=N_("Delete one of your own decks."))
    @app_commands.describe(id=N_("Your deck's id"))
    async def deck_remove(self, interaction: discord.Interaction[Any], id: str) -> None:
        await ask_remove(interaction, id)


async def upload(interaction: discord.Interaction[Any], file: discord.Attachment) -> None:
    services = services_of(interaction)
    private = in_server(interaction)
    chat = None if in_server(interaction) else chat_of(interaction)
    try:
        check_size(file.filename, file.size)
        async with deferring(interaction, ephemeral=private):
            raw = await file.read()
            parsed = await asyncio.to_thread(parse_upload, raw, file.filename)
            saved = await owndecks.save_upload(
                services.engine,
                chat,
                player_of(interaction.user),
                parsed,
                file.filename,
                services.clock(),
            )
    except DeckRejected as error:
        await send(
            interaction,
            content=_fit(wording.rejected(error, MARKDOWN, translator_of(interaction))),
            ephemeral=private,
        )
        return
    await send(
        interaction,
        content=_fit(wording.saved(saved, MARKDOWN, translator_of(interaction))),
        ephemeral=private,
    )


def _fit(text: str) -> str:
    """Discord's message limit is 2000 characters."""
    return text if len(text) <= 2000 else text[:1990].rsplit("\n", 1)[0] + "\n…"


async def choose(interaction: discord.Interaction[Any], ids: list[str] | None) -> None:
    if not _is_admin(interaction):
        await tell(interaction, translator_of(interaction)._(ADMINS_ONLY))
        return
    services = services_of(interaction)
    people = {
        "owners": _owners(interaction),
        "chooser": player_of(interaction.user),
        "is_group": in_server(interaction),
        "title": title_of(interaction),
    }
    now = services.clock()
    try:
        if ids is None:
            entries = await owndecks.use_all_decks(
                services.engine, chat_of(interaction), now, **people
            )
        else:
            entries = await owndecks.use_decks(
                services.engine, chat_of(interaction), ids, now, **people
            )
    except UnknownDecks as error:
        await tell(interaction, wording.unknown_decks(error, MARKDOWN, translator_of(interaction)))
        return
    await send(interaction, content=wording.chosen(entries, MARKDOWN, translator_of(interaction)))


async def ask_remove(interaction: discord.Interaction[Any], deck_id: str) -> None:
    services = services_of(interaction)
    try:
        target = await owndecks.deck_to_remove(
            services.engine, player_of(interaction.user), deck_id
        )
    except NotOwnDeck as error:
        await tell(interaction, wording.not_own_deck(error, MARKDOWN, translator_of(interaction)))
        return
    await send(
        interaction,
        content=wording.confirm_remove(target, MARKDOWN, translator_of(interaction)),
        view=confirm_view(RemoveButton, target.row_id, translator_of(interaction)),
        ephemeral=in_server(interaction),
    )


class RemoveButton(ConfirmButton, template=REMOVE_TEMPLATE):
    """Remove the own deck whose row id the button carries (if the presser owns it), or
    keep it."""

    action = "deckrm"
    confirm_label = N_("Remove")
    cancel_label = N_("Keep")

    async def press(self, interaction: discord.Interaction[Any]) -> None:
        if not self.confirm:
            await edit(
                interaction, content=wording.kept(MARKDOWN, translator_of(interaction)), view=None
            )
            return
        services = services_of(interaction)
        try:
            target = await owndecks.remove_own_deck(
                services.engine, player_of(interaction.user), self.subject
            )
        except NotOwnDeck:
            await tell(interaction, translator_of(interaction)._(NOT_YOURS))
            return
        await edit(
            interaction,
            content=wording.removed(target, MARKDOWN, translator_of(interaction)),
            view=None,
        )
