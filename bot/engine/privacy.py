"""What `/forgetme` removed: plain counts for the adapter to confirm with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Forgotten:
    found: bool
    """False when nothing was stored about the player in the first place."""
    answers: int = 0
    ratings: int = 0
    cards: int = 0
    """Spaced-repetition states (one per question met)."""
    scores: int = 0
    """Leaderboard totals (one per group and period)."""
    chats: int = 0
    """Private chats (their schedule and the questions sent there)."""
