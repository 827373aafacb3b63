"""Which question to ask next: pure functions over what the store knows."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta

GROUP_RETRY_AFTER_DAYS = 7
"""A question a group's members missed comes back first once this many days have passed."""
MISSED_BELOW = 0.6
"""Members' average score under which a question counts as missed."""


def for_person(
    candidates: Sequence[str],
    *,
    due: Sequence[str],
    by_due: Sequence[str],
    known: Collection[str],
    seen_today: Collection[str],
    on_request: bool,
) -> str | None:
    """A person's next question.

    Reviews that are due come first (most overdue first), then new questions in deck
    order, then reviews ahead of time (soonest due first). A question already met today
    is never chosen, except on request when nothing else is left.
    `candidates` are the question ids allowed (deck order); `due` and `by_due` are the
    person's card question ids, due ones most overdue first and all by due date.
    """
    allowed = set(candidates)
    for question_id in due:
        if question_id in allowed and question_id not in seen_today:
            return question_id
    for question_id in candidates:
        if question_id not in known and question_id not in seen_today:
            return question_id
    for question_id in by_due:
        if question_id in allowed and question_id not in seen_today:
            return question_id
    for question_id in candidates:
        if question_id not in seen_today:
            return question_id
    if on_request and candidates:
        # Everything was met today: asked for more, repeat the one due soonest.
        return next((q for q in by_due if q in allowed), candidates[0])
    return None


def for_group(
    candidates: Sequence[str],
    *,
    last_asked: Mapping[str, str],
    missed: Collection[str],
    today: date,
) -> str | None:
    """A group's next question: the one it saw least recently, preferring missed ones.

    Missed questions not asked in the last week come first, then questions the group
    never had (deck order), then the rest by how long ago the group last saw them.
    """
    if not candidates:
        return None
    retry_before = (today - timedelta(days=GROUP_RETRY_AFTER_DAYS)).isoformat()

    def rank(item: tuple[int, str]) -> tuple[int, str, int]:
        position, question_id = item
        last = last_asked.get(question_id)
        if question_id in missed and (last is None or last <= retry_before):
            return (0, last or "", position)
        if last is None:
            return (1, "", position)
        return (2, last, position)

    return min(enumerate(candidates), key=rank)[1]
