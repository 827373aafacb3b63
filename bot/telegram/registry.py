"""Every Telegram command in one table: its name, the line the command menu and /help
show for it, and the handler that answers it.

`bot.telegram.app` registers a `CommandHandler` for each entry and publishes the menu
from the same entries; `/help` lists them in the same order. A command exists in all
three places or in none (tests/telegram/test_commands.py checks they agree).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import BotCommand, Update

from bot.telegram import commands, decks, privacy, render
from bot.telegram.context import QuizContext
from bot.telegram.identity import is_group, message_of
from bot.telegram.outbox import reply_html

Handler = Callable[[Update, QuizContext], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    about: str
    """The menu's description, also the command's line in /help (plain text)."""
    handler: Handler


async def help_command(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    await reply_html(message, render.help_text(is_group(message.chat), menu_lines()))


COMMANDS: tuple[Command, ...] = (
    Command("quiz", "Ask me a question now: /quiz [topic|tag|deck|weak]", commands.quiz),
    Command("reveal", "Show the answer now (groups: admins)", commands.reveal),
    Command("skip", "Skip the open question and see its answer", commands.skip),
    Command("streak", "Your streak", commands.streak),
    Command("stats", "Your progress by topic, with a chart", commands.stats),
    Command("leaderboard", "Group ranking: /leaderboard [week|all] [image]", commands.leaderboard),
    Command("topics", "Topics you can quiz on", commands.topics),
    Command("decks", "Decks here; send me a file to add your own", decks.decks_command),
    Command("deck", "Choose decks: /deck use ID [ID ...] | all | remove ID", decks.deck_command),
    Command("time", "Daily question time: /time HH:MM", commands.time_command),
    Command("timezone", "Your timezone: /timezone Area/City", commands.timezone_command),
    Command("subscribe", "Get the daily question", commands.subscribe),
    Command("unsubscribe", "Stop the daily question", commands.unsubscribe),
    Command("remind", "Streak reminders: /remind on|off", commands.remind),
    Command("export", "Your answer history as a CSV file", commands.export),
    Command("forgetme", "Delete everything I store about you", privacy.forgetme),
    Command("help", "How this works", help_command),
    Command("start", "Start", commands.start),
)


def menu_lines() -> list[tuple[str, str]]:
    """(name, description) of every command, in menu order."""
    return [(command.name, command.about) for command in COMMANDS]


def bot_commands() -> list[BotCommand]:
    """The command menu as `setMyCommands` publishes it."""
    return [BotCommand(command.name, command.about) for command in COMMANDS]
