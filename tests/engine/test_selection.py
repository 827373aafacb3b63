"""Choosing the next question: pure functions over what the store knows."""

from __future__ import annotations

from datetime import date

from bot.engine.selection import GROUP_RETRY_AFTER_DAYS, for_group, for_person

DECK = ["q1", "q2", "q3", "q4"]
TODAY = date(2025, 3, 20)


def person(
    *,
    due: list[str] | None = None,
    by_due: list[str] | None = None,
    known: set[str] | None = None,
    seen_today: set[str] | None = None,
    on_request: bool = False,
    candidates: list[str] = DECK,
) -> str | None:
    by_due = by_due if by_due is not None else list(due or [])
    return for_person(
        candidates,
        due=due or [],
        by_due=by_due,
        known=known if known is not None else set(by_due),
        seen_today=seen_today or set(),
        on_request=on_request,
    )


def test_a_newcomer_gets_the_first_question_in_deck_order() -> None:
    assert person() == "q1"


def test_new_questions_come_in_deck_order() -> None:
    assert person(by_due=["q1", "q2"], known={"q1", "q2"}) == "q3"


def test_a_due_review_comes_before_new_questions() -> None:
    assert person(due=["q2"], by_due=["q2"]) == "q2"


def test_the_most_overdue_review_comes_first() -> None:
    assert person(due=["q3", "q1"], by_due=["q3", "q1"]) == "q3"


def test_reviews_ahead_of_time_come_after_new_questions_run_out() -> None:
    assert person(by_due=["q4", "q2", "q1", "q3"]) == "q4"


def test_a_question_seen_today_is_not_asked_again() -> None:
    assert person(due=["q2"], by_due=["q2"], seen_today={"q2", "q1"}) == "q3"


def test_nothing_is_chosen_when_all_were_seen_today() -> None:
    assert person(seen_today=set(DECK)) is None


def test_on_request_a_question_seen_today_is_repeated_when_all_were_met() -> None:
    chosen = person(by_due=["q3", "q1", "q2", "q4"], seen_today=set(DECK), on_request=True)
    assert chosen == "q3"


def test_on_request_the_fallback_respects_the_filter() -> None:
    chosen = person(
        by_due=["q3", "q1"], seen_today=set(DECK), on_request=True, candidates=["q1", "q2"]
    )
    assert chosen == "q1"


def test_a_due_review_outside_the_filter_is_not_chosen() -> None:
    assert person(due=["q4"], by_due=["q4"], candidates=["q1", "q2"]) == "q1"


def test_a_known_question_without_a_card_comes_after_cards() -> None:
    # Answered but never rated (nothing to grade): after new ones and cards.
    assert person(by_due=["q2"], known={"q1", "q2", "q3", "q4"}) == "q2"
    assert person(by_due=[], known=set(DECK)) == "q1"


def group(
    *, last_asked: dict[str, str] | None = None, missed: set[str] | None = None
) -> str | None:
    return for_group(DECK, last_asked=last_asked or {}, missed=missed or set(), today=TODAY)


def test_a_group_gets_unseen_questions_in_deck_order() -> None:
    assert group(last_asked={"q1": "2025-03-19"}) == "q2"


def test_a_group_gets_the_question_it_saw_least_recently() -> None:
    seen = {"q1": "2025-03-19", "q2": "2025-03-10", "q3": "2025-03-15", "q4": "2025-03-18"}
    assert group(last_asked=seen) == "q2"


def test_a_group_gets_a_question_its_members_missed_first() -> None:
    long_ago = date.fromordinal(TODAY.toordinal() - GROUP_RETRY_AFTER_DAYS).isoformat()
    assert group(last_asked={"q1": "2025-03-01", "q3": long_ago}, missed={"q3"}) == "q3"


def test_a_missed_question_waits_a_week_before_it_comes_back() -> None:
    recent = date.fromordinal(TODAY.toordinal() - GROUP_RETRY_AFTER_DAYS + 1).isoformat()
    assert group(last_asked={"q1": "2025-03-01", "q3": recent}, missed={"q3"}) == "q2"


def test_a_group_with_no_candidates_gets_nothing() -> None:
    assert for_group([], last_asked={}, missed=set(), today=TODAY) is None
