"""The calendar heatmap's data: 12 weeks of days, the live streak's days, frozen days."""

from __future__ import annotations

from datetime import date, timedelta

from bot.progress.heatmap import DayKind, build_heatmap, intensity, streak_days

TODAY = date(2025, 3, 6)  # a Thursday


def days_back(*backs: int) -> set[date]:
    return {TODAY - timedelta(days=back) for back in backs}


def test_the_calendar_starts_on_a_monday_eleven_weeks_before_this_one() -> None:
    heatmap = build_heatmap(TODAY, {}, set(), set())
    assert heatmap.first_day == date(2024, 12, 16)
    assert heatmap.first_day.weekday() == 0
    # Eleven full weeks and this week up to Thursday; later days are not drawn.
    assert len(heatmap.cells) == 11 * 7 + 4
    assert heatmap.cells[-1].day == TODAY
    assert (heatmap.cells[-1].week, heatmap.cells[-1].weekday) == (11, 3)
    assert [cell.is_today for cell in heatmap.cells].count(True) == 1


def test_cells_carry_answers_and_frozen_days() -> None:
    answers = {TODAY: 3, TODAY - timedelta(days=2): 1}
    frozen = days_back(1)
    heatmap = build_heatmap(TODAY, answers, frozen, set())
    by_day = {cell.day: cell for cell in heatmap.cells}
    assert (by_day[TODAY].kind, by_day[TODAY].answers) == (DayKind.ANSWERED, 3)
    assert by_day[TODAY - timedelta(days=1)].kind is DayKind.FROZEN
    assert by_day[TODAY - timedelta(days=3)].kind is DayKind.EMPTY
    assert sorted(cell.answers for cell in heatmap.cells if cell.answers) == [1, 3]


def test_days_outside_the_window_are_left_out() -> None:
    old = TODAY - timedelta(days=200)
    heatmap = build_heatmap(TODAY, {old: 4}, {old}, set())
    assert not any(cell.answers for cell in heatmap.cells)
    assert all(cell.day >= heatmap.first_day for cell in heatmap.cells)


def test_the_live_streak_walks_back_over_frozen_days() -> None:
    answered = days_back(0, 1, 3, 4, 7)
    frozen = days_back(2)
    # current streak 4: today, yesterday, (frozen), 3 and 4 days ago.
    assert streak_days(answered, frozen, TODAY, 4) == days_back(0, 1, 2, 3, 4)


def test_a_broken_streak_marks_no_days() -> None:
    assert streak_days(days_back(3, 4), set(), TODAY - timedelta(days=3), 0) == set()
    assert streak_days(set(), set(), None, 5) == set()


def test_the_streak_stops_at_a_gap_even_if_the_count_says_more() -> None:
    # A count larger than the days on record (e.g. a timezone change) stops at the gap.
    assert streak_days(days_back(0, 1, 5), set(), TODAY, 3) == days_back(0, 1)


def test_shades_grow_with_answers() -> None:
    assert [intensity(n) for n in (0, 1, 2, 3, 4, 5, 40)] == [0, 1, 2, 3, 3, 4, 4]
