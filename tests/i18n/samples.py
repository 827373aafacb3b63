"""Engine results for rendering every message, with deck text, names and topics in
Chinese: so that any ASCII word in the output comes from the wording, not the data."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.decks.model import KeyPoint, Question
from bot.engine.grading import Grade
from bot.engine.owndecks import DeckEntry, DeckToRemove, SavedDeck
from bot.engine.recaps import HardQuestion, Recap, RecapMember, RecapStreak
from bot.engine.results import (
    AnswerResult,
    Asked,
    ChatSettings,
    Leaderboard,
    LeaderboardEntry,
    RatingResult,
    Reveal,
    RevealEntry,
    StreakInfo,
    TopicMastery,
    UserStats,
)
from bot.engine.srs import Rating

ALLOWED = {
    # time and zone formats, file types and names that stay as they are in any language
    "UTC",
    "HH",
    "MM",
    "ID",
    "CSV",
    "UTF",
    "YAML",
    "yaml",
    "yml",
    "md",
    "csv",
    "apkg",
    "Anki",
    "Excel",
    "LibreOffice",
    "Google",
    "Sheets",
    "MB",
    "pt",
    # command arguments (typed as shown)
    "week",
    "all",
    "image",
    "on",
    "off",
    "use",
    "remove",
    "en",
    "zh",
    "weak",
    "question",
    "answer",
    "topic",
    "English",
    "ml",
    "notes",
    # sample data
    "quiz",
    "bot",
    "Asia",
    "Shanghai",
    "mine",
    "theirs",
    "bundled",
    "deck",
    "yours",
}

TEXT = Question(
    id="q-text",
    topic="主题",
    question="什么是**延迟**？",
    answer="答案：*尾部*延迟。",
    key_points=[KeyPoint(point="要点一", match=["甲"]), KeyPoint(point="要点二", match=["乙"])],
)
CHOICE = Question(
    id="q-choice",
    topic="主题",
    question="哪一个？",
    answer="第二个。",
    choices=["一", "二"],
    correct=1,
    explanation="因为二。",
)
STREAK = StreakInfo(current=3, longest=5, freezes=2, answered_today=False, at_risk=True)
STREAK_ONE = StreakInfo(current=1, longest=1, freezes=1, answered_today=True, at_risk=False)
STREAK_NONE = StreakInfo(current=0, longest=0, freezes=0, answered_today=False, at_risk=False)


def asked(question: Question = TEXT, **changes: object) -> Asked:
    values: dict[str, object] = {
        "delivery_id": 7,
        "question": question,
        "language": "zh",
        "kind": "asked",
        "local_day": date(2025, 3, 3),
        "is_group": False,
        "is_review": False,
    }
    values.update(changes)
    return Asked(**values)  # type: ignore[arg-type]


def grade(covered: tuple[int, ...], missed: tuple[int, ...], score: float) -> Grade:
    return Grade(
        score=score,
        covered=covered,
        missed=missed,
        matched_terms=tuple("甲" for _ in covered),
        evidence=tuple("我说了甲" for _ in covered),
    )


def answered(question: Question = TEXT, score: float = 0.5, **changes: object) -> AnswerResult:
    values: dict[str, object] = {
        "attempt_id": 1,
        "delivery_id": 7,
        "question": question,
        "grade": grade((), (), score) if question.is_multiple_choice else grade((0,), (1,), score),
        "points": 5,
        "proposed_rating": Rating.HARD,
        "streak": STREAK,
        "is_group": False,
    }
    values.update(changes)
    return AnswerResult(**values)  # type: ignore[arg-type]


EVENTS = answered(
    frozen_days=(date(2025, 3, 1), date(2025, 3, 2)),
    freeze_earned=True,
    broken_streak=4,
    advice="多写一点。",
)
UNGRADABLE = answered(
    question=Question(id="q-free", topic="主题", question="说说看？", answer="自由回答。"),
    grade=Grade(score=0.0, covered=(), missed=(), matched_terms=()),
)


def rated(days: int, rating: Rating = Rating.GOOD) -> RatingResult:
    return RatingResult(
        attempt_id=1,
        question=TEXT,
        rating=rating,
        proposed_rating=Rating.HARD,
        due=datetime(2025, 3, 5, tzinfo=UTC),
        interval_days=days,
    )


REVEAL = Reveal(
    delivery_id=7,
    chat_external_id=-5,
    platform="telegram",
    question=CHOICE,
    entries=tuple(RevealEntry(f"小{n}", 0.5, n) for n in range(12)),
    message_id=3,
    thread_id=None,
)
REVEAL_EMPTY = Reveal(7, -5, "telegram", TEXT, (), 3, None)
BOARD = Leaderboard(
    period="week",
    entries=(LeaderboardEntry(1, "小美", 10, 3), LeaderboardEntry(2, "小明", 1, 0, is_me=True)),
    me=LeaderboardEntry(12, "小红", 0, 0),
    members=12,
)
BOARD_EMPTY = Leaderboard(period="all", entries=(), me=None, members=1)
STATS = UserStats(
    answered=3,
    questions_seen=2,
    questions_total=9,
    average_score=0.5,
    due_now=1,
    topics=(TopicMastery("主题", 2, 5, 0.5), TopicMastery("另一个", 0, 4, 0.0)),
    weakest=("主题",),
    streak=STREAK,
)
STATS_EMPTY = UserStats(0, 0, 9, 0.0, 0, (), (), STREAK_NONE)
SETTINGS = ChatSettings("Asia/Shanghai", "09:00", True, True, 240)
UNSUBSCRIBED = ChatSettings("Asia/Shanghai", "09:00", False, True, 240)
SAVED = SavedDeck("mine", "我的题库", 3, True, 0, (("问题", "要点"),), ("注意",) * 6, 2)
UPDATED = SavedDeck("mine", "我的题库", 1, False, 1, (), (), 2)
ENTRIES = (
    DeckEntry("mine", "我的题库", 3, "小美", True, True),
    DeckEntry("theirs", "他的题库", 1, "小明", False, False),
    DeckEntry("bundled", "内置", 10, None, False, True),
)
REMOVE = DeckToRemove(4, "mine", 3)
RECAP = Recap(
    chat_id=1,
    platform="telegram",
    chat_external_id=-5,
    thread_id=None,
    chat_title="学习群",
    week_start=date(2025, 3, 31),
    answers=3,
    players=2,
    top=(RecapMember("小美", 7),),
    streaks=(RecapStreak("小雷", 4),),
    hardest=(HardQuestion("q1", "为什么？", "主题", 0.25, 2, "因为"),),
    covered=1,
    deck_total=4,
    new_last_week=1,
)
