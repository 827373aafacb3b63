"""What the engine hands back to adapters: plain values, no platform types."""

from __future__ import annotations

from collections.abc import Mapping
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
    drill: tuple[str, ...] | None = None
    """For `/quiz weak`: the weak topics drilled, weakest first (empty: no history yet,
    asked from everything); None for any other question."""


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
    hinted: bool = False
    """A hint was shown before this answer: its score is capped (`bot.engine.hints`)."""
    gave_up: bool = False
    """"I don't know": nothing to grade, the model answer to show, rated Again."""
    person_language: str | None = None
    """The interface language the person chose (/lang), read with the answer so the reply
    needs no second read; None: none chosen."""


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
    language: str | None = None
    """The chat's interface language (None: the default)."""


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
    """How long a group has to answer before the model answer is revealed."""


@dataclass(frozen=True, slots=True)
class LeaderboardChartData:
    """A `Leaderboard` with what its image needs: the group's title and week."""

    board: Leaderboard
    chat_title: str
    today: date
    """The group's local day."""
    week_start: date | None
    """The Monday of the ranked week; None for all time."""


@dataclass(frozen=True, slots=True)
class PlayerActivity:
    """What the /stats image shows of a player (`bot.progress.chart_data` lays it out)."""

    display_name: str
    today: date
    """The player's local day."""
    streak: StreakInfo
    last_active_day: date | None
    topics: tuple[TopicMastery, ...]
    answered: int
    questions_seen: int
    questions_total: int
    average_score: float
    """Over graded answers, 0..1."""
    answered_days: Mapping[date, int]
    """Answers on each local day."""
    frozen_days: frozenset[date]
    """Local days a streak freeze covered."""


@dataclass(frozen=True, slots=True)
class HistoryRow:
    answered_at: str
    """UTC ISO-8601, as stored."""
    local_day: str
    deck: str
    """Empty when the question is no longer in the decks."""
    topic: str
    question_id: str
    question: str
    answer: str
    score: float
    points: int
    rating: str
    """Again/Hard/Good/Easy, or empty for an answer with no review."""
    chat: str
    """'private', or the group's title."""
