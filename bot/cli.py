"""The `quizbot` command line: one entry point that wires everything.

Exit codes (`bot.exits`): 0 success, 1 the work failed (invalid decks, a failed backup,
an unreachable API, a busy or corrupt database), 2 the command cannot start (bad usage,
missing or rejected token, bad setting). A failure to start is one line, never a traceback.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot import __version__, i18n
from bot.config import ConfigError, Settings
from bot.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE, StartupFailure
from bot.ops.configfile import apply_config_file
from bot.startup import database_problem, report
from bot.store import DatabaseUnavailable

TELEGRAM_TOKEN_HELP = """\
quizbot run: TELEGRAM_BOT_TOKEN is not set.

To get a token, open Telegram, talk to @BotFather, send /newbot and follow the steps;
it answers with a token like 123456789:AA... Then:

    export TELEGRAM_BOT_TOKEN=123456789:AA...
    quizbot run

To try the quiz without any token, play it in this terminal:

    quizbot console
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quizbot",
        description="A daily interview-prep quiz for Telegram, Discord and the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"quizbot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    start = commands.add_parser(
        "start",
        help="run the Telegram bot if TELEGRAM_BOT_TOKEN is set, else the terminal quiz",
    )
    start.set_defaults(handler=_start)

    run = commands.add_parser("run", help="run the chat bot (Telegram by default)")
    run.add_argument("--platform", choices=("telegram", "discord"), default="telegram")
    run.add_argument(
        "--webhook-url",
        metavar="URL",
        default=None,
        help="Telegram: receive updates at this public HTTPS URL instead of long polling"
        " (default: QUIZBOT_WEBHOOK_URL)",
    )
    run.add_argument(
        "--listen",
        metavar="HOST:PORT",
        default=None,
        help="where the webhook server listens (default: QUIZBOT_WEBHOOK_LISTEN, 0.0.0.0:8443)",
    )
    run.add_argument(
        "--shard-ids",
        metavar="IDS",
        default=None,
        help="Discord: run only these shards, e.g. 0,1 (other processes run the rest)",
    )
    run.add_argument(
        "--shard-count",
        metavar="N",
        default=None,
        help="Discord: the number of shards of the whole bot",
    )
    run.set_defaults(handler=_run)

    console = commands.add_parser("console", help="play the quiz in this terminal")
    console.add_argument("--user", default=None, help="player name (default: your login name)")
    console.add_argument(
        "--deck",
        dest="decks",
        metavar="ID",
        action="extend",
        nargs="+",
        default=None,
        help="ask only from these decks (as /deck use at the prompt); remembered",
    )
    console.add_argument(
        "--lang",
        type=_language,
        default=None,
        help="interface language, en or zh (default: QUIZBOT_LANG, else the locale, else en)",
    )
    console.set_defaults(handler=_console)

    content = commands.add_parser("content", help="check decks and import study notes")
    content_commands = content.add_subparsers(dest="content_command", metavar="ACTION")
    check = content_commands.add_parser("check", help="validate decks")
    check.add_argument(
        "paths", nargs="*", type=Path, help="deck files or folders (default: configured)"
    )
    check.set_defaults(handler=_content_check)
    importer = content_commands.add_parser("import", help="turn markdown notes into a deck")
    importer.add_argument("notes", type=Path, help="the markdown notes file")
    importer.add_argument("--deck", required=True, help="deck id for the new questions")
    importer.add_argument("-o", "--output", type=Path, default=None, help="deck file to write")
    importer.add_argument(
        "--update",
        action="store_true",
        help="also update the questions of the -o deck whose notes changed (ids kept)",
    )
    importer.set_defaults(handler=_content_import)
    grader = content_commands.add_parser(
        "grade",
        help="grade answers from standard input (one per line) against a question",
        description=(
            "Grade answers read from standard input, one per line, against a question of "
            "the decks at PATH; print one JSON object per answer, in input order."
        ),
    )
    grader.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="deck files or folders")
    grader.add_argument("--question", required=True, metavar="ID", help="the question's id")
    grader.set_defaults(handler=_content_grade)
    content.set_defaults(handler=lambda _args, _settings: _usage(content))

    backup = commands.add_parser("backup", help="copy the live database consistently")
    backup.add_argument("dest", type=Path)
    backup.set_defaults(handler=_backup)

    database = commands.add_parser("db", help="database tools")
    database_commands = database.add_subparsers(metavar="COMMAND")
    migrate_to = database_commands.add_parser(
        "migrate-to",
        help="copy the SQLite database (QUIZBOT_DB) into a new PostgreSQL database",
        description=(
            "Copy every table of the SQLite database QUIZBOT_DB names into an empty"
            " PostgreSQL database, check each table's row count, and say so; then point"
            " QUIZBOT_DB at the URL. Stop the bot first: what it writes meanwhile is not copied."
        ),
    )
    migrate_to.add_argument(
        "url", metavar="URL", help="postgresql://user:password@host:port/dbname (empty)"
    )
    migrate_to.set_defaults(handler=_db_migrate_to)
    database.set_defaults(handler=lambda _args, _settings: _usage(database))

    health = commands.add_parser(
        "health", help="exit 0 if the running bot is healthy (the container's HEALTHCHECK)"
    )
    health.add_argument("--timeout", type=float, default=5.0, help="seconds to wait (default 5)")
    health.set_defaults(handler=_health)

    anki = commands.add_parser("export-anki", help="write a deck as an Anki package (.apkg)")
    anki.add_argument("deck", help="deck id (see `quizbot content check`)")
    anki.add_argument("out", type=Path, help="the .apkg file to write")
    anki.set_defaults(handler=_export_anki)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        apply_config_file()  # quizbot.toml: fills the environment where it is unset
        settings = Settings.from_env()
        _check_judge_settings()
    except ConfigError as exc:
        return report(exc, _secrets())
    try:
        return int(args.handler(args, settings))
    except (ConfigError, StartupFailure) as exc:
        return report(exc, _secrets(settings))
    except DatabaseUnavailable as exc:
        return report(database_problem(exc), _secrets(settings))
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_OK
    except BrokenPipeError:
        # The reader went away (`quizbot content check | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _secrets(settings: Settings | None = None) -> list[str | None]:
    """What must never be printed: the tokens and the webhook secret."""
    found = [os.environ.get(name, "").strip() for name in SECRET_VARIABLES]
    if settings is not None:
        found += [settings.telegram_token, settings.discord_token]
    return found


SECRET_VARIABLES = (
    "TELEGRAM_BOT_TOKEN",
    "DISCORD_BOT_TOKEN",
    "QUIZBOT_WEBHOOK_SECRET",
    "QUIZBOT_LLM_API_KEY",
)


def _check_judge_settings() -> None:
    """The optional LLM judge's settings, checked before anything starts (ConfigError)."""
    if any(os.environ.get(name) for name in ("QUIZBOT_LLM_URL", "QUIZBOT_LLM_MODEL")):
        from bot.ops.llm import LLMSettings

        LLMSettings.from_env()


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _start(args: argparse.Namespace, settings: Settings) -> int:
    if settings.telegram_token:
        args.platform = "telegram"
        return _run(args, settings)
    print("TELEGRAM_BOT_TOKEN is not set: starting the quiz in this terminal.\n")
    args.user = None
    args.decks = None
    args.lang = None
    return _console(args, settings)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ops.settings import OpsSettings

    webhook_url = getattr(args, "webhook_url", None)
    listen = getattr(args, "listen", None)
    try:
        ops = OpsSettings.from_env()
    except ConfigError as exc:
        print(f"quizbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    webhook = bool(webhook_url or ops.webhook_url)
    if args.platform == "discord" and (webhook_url or listen):
        print("quizbot: --webhook-url and --listen are for Telegram only", file=sys.stderr)
        return EXIT_USAGE
    if listen and not webhook:
        print("quizbot: --listen needs --webhook-url (or QUIZBOT_WEBHOOK_URL)", file=sys.stderr)
        return EXIT_USAGE
    shard_ids = getattr(args, "shard_ids", None)
    shard_count = getattr(args, "shard_count", None)
    if args.platform != "discord" and (shard_ids is not None or shard_count is not None):
        print("quizbot: --shard-ids and --shard-count are for Discord only", file=sys.stderr)
        return EXIT_USAGE
    if args.platform == "discord":
        from bot.discord import parse_shards, run_discord

        try:
            shards = parse_shards(shard_ids, shard_count)
        except ConfigError as exc:
            print(f"quizbot: {exc}", file=sys.stderr)
            return EXIT_USAGE
        return _with_decks(lambda: run_discord(settings, shards))
    if not settings.telegram_token:
        print(TELEGRAM_TOKEN_HELP, file=sys.stderr, end="")
        return EXIT_USAGE
    if webhook:
        from bot.telegram.webhook import run_webhook, webhook_from

        try:
            hook = webhook_from(ops, webhook_url, listen)
        except ConfigError as exc:
            print(f"quizbot: {exc}", file=sys.stderr)
            return EXIT_USAGE
        return run_webhook(settings, hook)
    from bot.telegram.app import run

    return run(settings)


def _language(text: str) -> str:
    """argparse type of --lang: one of the interface languages."""
    lang = i18n.parse(text)
    if lang is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(i18n.LANGUAGES)}")
    return lang


def _console(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.console import console_language, run_console

    lang = console_language(args.lang, settings, os.environ)
    return _with_decks(lambda: asyncio.run(run_console(settings, args.user, args.decks, lang)))


def _with_decks(start: Callable[[], int]) -> int:
    """Run a front end; a deck error stops it before it starts, with every problem listed."""
    from bot.decks import ContentError

    try:
        return start()
    except ContentError as exc:
        print("quizbot: the decks have errors; fix them and start again:", file=sys.stderr)
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return EXIT_FAILED


def _content_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.decks import Catalog, ContentError

    paths = args.paths or list(settings.content_paths)
    try:
        catalog = Catalog.load(paths)
    except ContentError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        count = len(exc.issues)
        print(f"{count} error{'s' if count != 1 else ''} found.", file=sys.stderr)
        return EXIT_FAILED
    multiple_choice = sum(q.is_multiple_choice for q in catalog.questions)
    print(
        f"OK: {_plural(len(catalog.questions), 'question')} ({multiple_choice} multiple choice) "
        f"in {_plural(len(catalog.decks), 'deck')}, {_plural(len(catalog.topics()), 'topic')}."
    )
    for deck in catalog.decks:
        print(f"  {deck.deck}: {deck.title} ({_plural(len(deck.questions), 'question')})")
    return EXIT_OK


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _content_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.decks import Catalog, ContentError
    from bot.decks.importer import run_import

    try:
        existing = Catalog.load(settings.content_paths)
    except ContentError:
        existing = None  # the import still works; only the duplicate check is narrower
    return run_import(args.notes, args.deck, args.output, existing, sys.stdout, update=args.update)


def _content_grade(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from bot.decks import Catalog, ContentError
    from bot.engine.grading import grade

    try:
        catalog = Catalog.load(args.paths)
    except ContentError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return EXIT_FAILED
    question = catalog.by_id.get(args.question)
    if question is None:
        print(
            f"quizbot content grade: no question {args.question!r} in those decks.", file=sys.stderr
        )
        return EXIT_USAGE
    if not question.key_points:
        print(
            f"quizbot content grade: question {args.question!r} has no key points to grade "
            "against.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    points = question.key_points
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline=None)
    for line in stdin:
        result = grade(line.rstrip("\n"), points, question.question)
        record = {
            "score": round(result.score, 4),
            "covered": [points[i].point for i in result.covered],
            "missed": [points[i].point for i in result.missed],
            "evidence": list(result.evidence),
            "credits": [round(credit, 4) for credit in result.credits],
        }
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return EXIT_OK


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.config import safe_url
    from bot.store.backup import BackupError, backup_database
    from bot.store.pgbackup import backup_postgres

    try:
        if settings.db_url is not None:
            copied = asyncio.run(backup_postgres(settings.db_url, args.dest))
        else:
            copied = asyncio.run(backup_database(settings.db_path, args.dest))
    except BackupError as exc:
        print(f"quizbot backup: {exc}", file=sys.stderr)
        return EXIT_FAILED
    source = safe_url(settings.db_url) if settings.db_url else settings.db_path
    print(f"Backed up {source} to {copied}.")
    return EXIT_OK


def _db_migrate_to(args: argparse.Namespace, settings: Settings) -> int:
    from bot.config import is_postgres_url, safe_url, url_problem
    from bot.store.pgdatabase import PostgresUnavailable
    from bot.store.transfer import TransferError, copy_to_postgres

    url = args.url.strip()
    problem = url_problem(url) if is_postgres_url(url) else "not a postgresql:// URL"
    if problem:
        print(f"quizbot db migrate-to: {safe_url(url)}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if settings.db_url is not None:
        print(
            "quizbot db migrate-to: QUIZBOT_DB is a PostgreSQL database already;"
            " set it to the SQLite file to copy",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        copied = copy_to_postgres(settings.db_path, url)
    except (TransferError, PostgresUnavailable) as exc:
        print(f"quizbot db migrate-to: {exc}", file=sys.stderr)
        return EXIT_FAILED
    tables = ", ".join(f"{table} {count}" for table, count in copied.rows)
    print(
        f"Copied {settings.db_path} to {safe_url(url)}: {copied.total} rows, each table's"
        f" count checked ({tables}). Point QUIZBOT_DB at that URL to use it."
    )
    return EXIT_OK


def _export_anki(args: argparse.Namespace, settings: Settings) -> int:
    from bot.decks import Catalog
    from bot.progress.anki import write_package

    def export() -> int:
        decks = {deck.deck: deck for deck in Catalog.load(settings.content_paths).decks}
        deck = decks.get(args.deck)
        if deck is None:
            known = ", ".join(sorted(decks)) or "none"
            print(
                f"quizbot export-anki: there is no deck {args.deck!r}; known decks: {known}",
                file=sys.stderr,
            )
            return EXIT_FAILED
        try:
            notes = write_package(deck, args.out)
        except OSError as exc:
            print(f"quizbot export-anki: cannot write {args.out}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        print(f"Wrote {notes} notes from deck {deck.deck} ({deck.title}) to {args.out}.")
        return EXIT_OK

    return _with_decks(export)


def _health(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ops.probe import probe
    from bot.ops.settings import OpsSettings

    try:
        ops = OpsSettings.from_env()
    except ConfigError as exc:
        print(f"quizbot health: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return probe(ops, settings.database, sys.stdout, sys.stderr, timeout=args.timeout)
