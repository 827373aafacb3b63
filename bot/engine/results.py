"""What the engine hands back to adapters: plain values, no platform types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.decks.model import Question
from bot.engine.grading import Grade
from bot.engine.srs import Rating


@dataclass(frozen=True, slots=True)
class ChatKey:
    """A chat as its platform knows it; (platform, external_id) is unique."""

    platform: str
    external_id: int


@dataclass(frozen=True, slots=True)
class PlayerKey:
    platform: str
    external_id: int
    display_name: str


@dataclass(frozen=True, slots=True)
class Asked:
    """A question claimed for a chat; the adapter sends it and reports `question_sent`."""

    delivery_id: int
    question: Question
    language: str
    kind: str
    """'daily' (the scheduled question) or 'asked' (/quiz)."""
    local_day: date
    is_group: bool
    is_review: bool
    thread_id: int | None = None
    note: str = ""
    """A line to show with the question (which topics `/quiz weak` drills), or empty."""


@dataclass(frozen=True, slots=True)
class StreakInfo:
    current: int
    longest: int
    freezes: int
    answered_today: bool
    at_risk: bool


@dataclass(frozen=True, slots=True)
class AnswerResult:
    attempt_id: int
    delivery_id: int | None
    question: Question
    grade: Grade
    points: int
    proposed_rating: Rating
    streak: StreakInfo
    is_group: bool
    duplicate: bool = False
    """The same platform message was recorded before; nothing changed this time."""
    streak_extended: bool = False
    frozen_days: tuple[date, ...] = ()
    freeze_earned: bool = False
    broken_streak: int = 0
    chosen_option: int | None = None
    """For multiple choice: the option picked."""
    advice: str = ""
    """One sentence of advice from the optional judge ("" without one)."""


@dataclass(frozen=True, slots=True)
class RatingResult:
    attempt_id: int
    question: Question
    rating: Rating
    proposed_rating: Rating
    due: datetime
    interval_days: int


@dataclass(frozen=True, slots=True)
class RevealEntry:
    display_name: str
    score: float
    points: int


@dataclass(frozen=True, slots=True)
class Reveal:
    delivery_id: int
    chat_external_id: int
    platform: str
    question: Question
    entries: tuple[RevealEntry, ...]
    message_id: int | None
    thread_id: int | None


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    rank: int
    display_name: str
    points: int
    streak: int
    is_me: bool = False


@dataclass(frozen=True, slots=True)
class Leaderboard:
    period: str
    """'week' or 'all'."""
    entries: tuple[LeaderboardEntry, ...]
    me: LeaderboardEntry | None
    """The asking player's own line when they are outside the top entries."""
    members: int


@dataclass(frozen=True, slots=True)
class TopicMastery:
    topic: str
    seen: int
    total: int
    average_score: float


@dataclass(frozen=True, slots=True)
class UserStats:
    answered: int
    questions_seen: int
    questions_total: int
    average_score: float
    due_now: int
    topics: tuple[TopicMastery, ...]
    weakest: tuple[str, ...]
    streak: StreakInfo


@dataclass(frozen=True, slots=True)
class ChatSettings:
    timezone: str
    push_time: str
    subscribed: bool
    active: bool
    reveal_after_minutes: int
    question_filter: str | None
