"""The command registry: the handlers, /help and the published menu name the same commands."""

from __future__ import annotations

from telegram.ext import CommandHandler

from tests.telegram.conftest import ALICE, Harness, text_of

DRAWING = 60.0
"""Seconds /stats may take to draw its chart on a busy machine."""


async def test_help_lists_every_published_command_in_menu_order(bot: Harness) -> None:
    menu = await bot.call("setMyCommands", since=0)
    published = [(c["command"], c["description"]) for c in menu.params["commands"]]

    reply = await bot.command(ALICE, "help")

    listed = [line for line in text_of(reply).splitlines() if line.startswith("/")]
    assert listed == [f"/{name}: {about}" for name, about in published]


async def test_every_published_command_has_a_handler_and_no_handler_is_unpublished(
    bot: Harness,
) -> None:
    menu = await bot.call("setMyCommands", since=0)
    published = {c["command"] for c in menu.params["commands"]}
    handled = {
        name
        for group in bot.app.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }

    assert handled == published


async def test_every_published_command_answers_in_a_private_chat(bot: Harness) -> None:
    menu = await bot.call("setMyCommands", since=0)
    for command in menu.params["commands"]:
        mark = bot.server.mark()
        bot.server.inject_command(ALICE, command["command"], "")
        await bot.idle(timeout=DRAWING)
        assert bot.sends_since(mark, ALICE), f"/{command['command']} got no reply"
