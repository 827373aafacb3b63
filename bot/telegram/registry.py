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

from bot.i18n import N_, Translator
from bot.telegram import commands, decks, language, privacy, quiz_languages, render
from bot.telegram.context import QuizContext
from bot.telegram.identity import is_group, message_of
from bot.telegram.outbox import reply_html

Handler = Callable[[Update, QuizContext], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    about: str
    """The menu's description, also the command's line in /help (plain text; a catalog
    id, translated where it is shown)."""
    handler: Handler


async def help_command(update: Update, context: QuizContext) -> None:
    message = message_of(update)
    said = await language.speakers(context, message)
    await reply_html(message, render.help_text(is_group(message.chat), menu_lines(), said.chat))


COMMANDS: tuple[Command, ...] = (
    Command(
        "quiz", N_("Ask me a question now: /quiz [zh|en] [topic|tag|deck|weak]"), commands.quiz
    ),
    Command("reveal", N_("Show the answer now (groups: admins)"), commands.reveal),
    Command("skip", N_("Skip the open question and see its answer"), commands.skip),
    Command("streak", N_("Your streak"), commands.streak),
    Command("stats", N_("Your progress by topic, with a chart"), commands.stats),
    Command(
        "leaderboard", N_("Group ranking: /leaderboard [week|all] [image]"), commands.leaderboard
    ),
    Command("topics", N_("Topics you can quiz on"), commands.topics),
    Command("decks", N_("Decks here; send me a file to add your own"), decks.decks_command),
    Command(
        "deck", N_("Choose decks: /deck use ID [ID ...] | all | remove ID"), decks.deck_command
    ),
    Command("time", N_("Daily question time: /time HH:MM"), commands.time_command),
    Command("timezone", N_("Your timezone: /timezone Area/City"), commands.timezone_command),
    Command("subscribe", N_("Get the daily question"), commands.subscribe),
    Command("unsubscribe", N_("Stop the daily question"), commands.unsubscribe),
    Command("remind", N_("Streak reminders: /remind on|off"), commands.remind),
    Command("export", N_("Your answer history as a CSV file"), commands.export),
    Command("forgetme", N_("Delete everything I store about you"), privacy.forgetme),
    Command(
        "lang",
        N_("Language: /lang en|zh; questions' languages: /lang quiz zh|en|all (groups: admins)"),
        quiz_languages.lang_or_quiz_languages,
    ),
    Command("help", N_("How this works"), help_command),
    Command("start", N_("Start"), commands.start),
)


def menu_lines() -> list[tuple[str, str]]:
    """(name, description) of every command, in menu order."""
    return [(command.name, command.about) for command in COMMANDS]


def bot_commands(t: Translator) -> list[BotCommand]:
    """The command menu as `setMyCommands` publishes it, in `t`'s language."""
    return [BotCommand(command.name, t._(command.about)) for command in COMMANDS]
