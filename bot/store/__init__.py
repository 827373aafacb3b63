"""The data layer: the database and its repositories, one module per aggregate.

`Store` (`database`) opens and migrates the database (`schema`, `migrations/`) and hands
out units of work (`unit.UnitOfWork`) whose attributes are the repositories: `chats`,
`users`, `deliveries`, `attempts`, `cards`, `scores`, `recaps`, `own_decks`, `inbox`,
`health`. They return the typed records of `records`, never driver rows. Everything
SQLite-specific is in `sqlite` (the session and the SQL dialect); the repositories need
only a `session.Session`. A PostgreSQL URL in `QUIZBOT_DB` selects PostgreSQL instead
(`backends.open_database`): `pgdatabase` (a pool, its units of work), `postgresql` (its
session and dialect), `pgschema` (migrations/postgresql/), `transfer` (copying a SQLite
database over), `pgbackup` (pg_dump). `selection` holds the reads that choose a question, live or
preloaded for a batch.
"""

from bot.store.database import GROUP_COMMIT_MAX, Store
from bot.store.errors import DatabaseUnavailable, SchemaTooNew
from bot.store.records import (
    AttemptRow,
    ChatRow,
    DeliveryRow,
    HistoryEntry,
    NewAttempt,
    NewDelivery,
    OwnDeckRow,
    QuestionSummary,
    ReviewRow,
    ScoreRow,
    SentMark,
    UserRow,
)
from bot.store.schema import LATEST_VERSION, migration_scripts
from bot.store.selection import BatchSelection, LiveSelection, NotLoaded, SelectionReads
from bot.store.sqlite import BUSY_TIMEOUT_MS
from bot.store.unit import UnitOfWork

__all__ = [
    "BUSY_TIMEOUT_MS",
    "GROUP_COMMIT_MAX",
    "LATEST_VERSION",
    "AttemptRow",
    "BatchSelection",
    "ChatRow",
    "DatabaseUnavailable",
    "DeliveryRow",
    "HistoryEntry",
    "LiveSelection",
    "NewAttempt",
    "NewDelivery",
    "NotLoaded",
    "OwnDeckRow",
    "QuestionSummary",
    "ReviewRow",
    "SchemaTooNew",
    "ScoreRow",
    "SelectionReads",
    "SentMark",
    "Store",
    "UnitOfWork",
    "UserRow",
    "migration_scripts",
]
