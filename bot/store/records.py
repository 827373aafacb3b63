"""The data layer's typed records: what its repositories take and give back.

Frozen dataclasses, built from result rows by column name (`make`), so the engine and
everything above never see a database driver's rows and an added column never shifts a
value. Times are stored as UTC ISO-8601 text (`bot.store.sqlite.ts`) and come back as
that text; local days are ISO dates.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TypeVar

from bot.store.session import Row

T = TypeVar("T")


_NAMES: dict[type, tuple[str, ...]] = {}
"""Each record class's field names (`fields` rebuilds its answer on every call)."""


def make(cls: type[T], row: Row) -> T:
    """Build a record from a row by column name."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    return cls(**{name: row[name] for name in names})


def maybe(cls: type[T], row: Row | None) -> T | None:
    return None if row is None else make(cls, row)


@dataclass(frozen=True, slots=True)
class ChatRow:
    id: int
    platform: str
    external_id: int
    kind: str
    title: str
    timezone: str
    push_time: str
    thread_id: int | None
    owner_id: int | None
    """The player a private chat belongs to."""
    subscribed: int
    active: int
    decks: str | None = None
    """The chat's choice of decks (JSON, see bot.decks.library); None: the default."""
    language: str | None = None
    """The interface language of what the whole chat reads; None: the default."""
    question_languages: str | None = None
    """The content languages of the chat's questions, codes joined with commas
    (bot.engine.question_languages); None: every language."""

    @property
    def is_group(self) -> bool:
        return self.kind == "group"


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    platform: str
    external_id: int
    display_name: str
    timezone: str | None
    reminders: int
    current_streak: int
    longest_streak: int
    last_active_day: str | None
    freezes: int
    language: str | None = None
    """The interface language the person chose (/lang); None: none chosen."""


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: int
    chat_id: int
    question_id: str
    kind: str
    local_day: str
    asked_by: int | None
    status: str
    claimed_at: str
    sent_at: str | None
    message_id: int | None
    thread_id: int | None
    poll_id: str | None
    reveal_at: str | None
    revealed_at: str | None
    closed_at: str | None


@dataclass(frozen=True, slots=True)
class AttemptRow:
    id: int
    user_id: int
    chat_id: int
    question_id: str
    delivery_id: int | None
    source_key: str
    answer: str
    score: float
    covered: str
    points: int
    local_day: str
    answered_at: str

    @property
    def covered_indexes(self) -> tuple[int, ...]:
        return tuple(json.loads(self.covered))


@dataclass(frozen=True, slots=True)
class ReviewRow:
    id: int
    user_id: int
    question_id: str
    attempt_id: int
    proposed_rating: int
    rating: int
    rated_by_user: int
    card_before: str | None
    card_after: str
    reviewed_at: str


@dataclass(frozen=True, slots=True)
class ScoreRow:
    user_id: int
    display_name: str
    points: int
    reached_at: str
    current_streak: int
    last_active_day: str | None
    freezes: int = 0
    timezone: str | None = None
    """The member's own timezone, if set (their streak's days are local to it)."""


@dataclass(frozen=True, slots=True)
class OwnDeckRow:
    id: int
    owner_id: int
    deck: str
    title: str
    source: str
    body: str
    questions: int
    created_at: str
    updated_at: str
    owner_name: str


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    """A player's answers to one question: how many, their average and latest time."""

    question_id: str
    answers: int
    average_score: float
    last_answered_at: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One of a player's answers, with the chat it was given in and its review's rating
    (None when it had none)."""

    answered_at: str
    local_day: str
    question_id: str
    answer: str
    score: float
    points: int
    chat_kind: str
    chat_title: str
    rating: int | None


@dataclass(frozen=True, slots=True)
class NewAttempt:
    user_id: int
    chat_id: int
    question_id: str
    delivery_id: int | None
    source_key: str
    answer: str
    score: float
    covered: Sequence[int]
    points: int
    local_day: str
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class NewDelivery:
    chat_id: int
    question_id: str
    kind: str
    local_day: str
    asked_by: int | None = None
    reveal_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SentMark:
    """A delivery that went out (`DeliveryRepository.mark_sent`'s arguments)."""

    delivery_id: int
    sent_at: datetime
    message_id: int | None
    thread_id: int | None = None
    poll_id: str | None = None
