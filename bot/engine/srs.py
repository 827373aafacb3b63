"""Spaced repetition with FSRS, day-based: no minute-level learning steps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

import fsrs

from bot.engine.clock import utc

SCHEDULER = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


# A typed answer's coverage proposes a rating; the player may override it.
_HARD_FROM = 0.4
_GOOD_FROM = 0.7


def proposed_rating(score: float, *, multiple_choice: bool = False) -> Rating:
    """The recall rating a score suggests (Easy is only ever the player's own call)."""
    if multiple_choice:
        return Rating.GOOD if score >= 1.0 else Rating.AGAIN
    if score >= _GOOD_FROM:
        return Rating.GOOD
    if score >= _HARD_FROM:
        return Rating.HARD
    return Rating.AGAIN


@dataclass(frozen=True, slots=True)
class Reviewed:
    card_json: str
    due: datetime


def new_card(now: datetime) -> fsrs.Card:
    # An explicit card_id keeps fsrs from deriving one from the wall clock.
    return fsrs.Card(card_id=1, due=utc(now))


def card_from_json(card_json: str | None, now: datetime) -> fsrs.Card:
    return fsrs.Card.from_dict(json.loads(card_json)) if card_json else new_card(now)


def review(card_json: str | None, rating: Rating, now: datetime) -> Reviewed:
    """Apply one review to a card (a new card when `card_json` is None)."""
    card = card_from_json(card_json, now)
    updated, _log = SCHEDULER.review_card(card, fsrs.Rating(int(rating)), utc(now))
    return Reviewed(json.dumps(updated.to_dict()), updated.due)


def retrievability(card_json: str, now: datetime) -> float:
    """Probability of recall now, 0..1."""
    return SCHEDULER.get_card_retrievability(card_from_json(card_json, now), utc(now))
