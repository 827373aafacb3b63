"""Fire times of a daily local time: once per local day, DST days included."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.firetimes import fire_on, last_fire, next_fire
from scheduler.trigger import DailyTrigger
from tests.scheduler.fakes import utc

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Shanghai",
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Asia/Kolkata",
    "Pacific/Kiritimati",
    "America/Santiago",  # DST changes at midnight
]


def fires_between(at: time, zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    fires = []
    moment = next_fire(at, zone, start)
    while moment < end:
        fires.append(moment)
        moment = next_fire(at, zone, moment)
    return fires


def test_nine_in_shanghai_is_one_utc() -> None:
    assert next_fire(time(9), SHANGHAI, utc("2025-03-03 00:00")) == utc("2025-03-03 01:00")
    assert next_fire(time(9), SHANGHAI, utc("2025-03-03 01:00")) == utc("2025-03-04 01:00")
    assert last_fire(time(9), SHANGHAI, utc("2025-03-03 01:00")) == utc("2025-03-03 01:00")
    assert last_fire(time(9), SHANGHAI, utc("2025-03-03 00:59")) == utc("2025-03-02 01:00")


@pytest.mark.parametrize(
    ("zone", "at", "day", "expected_utc"),
    [
        # spring forward: 02:30 does not exist; it fires at 03:30 summer time
        (BERLIN, time(2, 30), date(2025, 3, 30), "2025-03-30 01:30"),
        (NEW_YORK, time(2, 30), date(2025, 3, 9), "2025-03-09 07:30"),
        # fall back: 02:30 (Berlin) and 01:30 (New York) happen twice: the first one
        (BERLIN, time(2, 30), date(2025, 10, 26), "2025-10-26 00:30"),
        (NEW_YORK, time(1, 30), date(2025, 11, 2), "2025-11-02 05:30"),
        # 02:30 on New York's fall-back day is unambiguous (the repeated hour is 01:xx)
        (NEW_YORK, time(2, 30), date(2025, 11, 2), "2025-11-02 07:30"),
    ],
)
def test_dst_days_fire_once_at_the_expected_instant(
    zone: ZoneInfo, at: time, day: date, expected_utc: str
) -> None:
    start = datetime.combine(day - timedelta(days=2), time(12), tzinfo=UTC)
    fires = fires_between(at, zone, start, start + timedelta(days=5))
    local_days = [fire.astimezone(zone).date() for fire in fires]
    assert local_days == [day + timedelta(days=n) for n in range(-1, 4)]
    assert fire_on(day, at, zone) == utc(expected_utc)
    assert utc(expected_utc) in fires


@pytest.mark.parametrize("zone_name", ZONES)
@pytest.mark.parametrize("at", [time(0, 0), time(0, 30), time(1, 30), time(2, 30), time(23, 59)])
def test_a_year_of_fires_is_one_per_local_day(zone_name: str, at: time) -> None:
    zone = ZoneInfo(zone_name)
    start = utc("2025-01-01 12:00")
    fires = fires_between(at, zone, start, start + timedelta(days=365))
    days = [fire.astimezone(zone).date() for fire in fires]
    assert len(days) == len(set(days))
    assert len(fires) in (364, 365)
    assert fires == sorted(fires)


@settings(max_examples=300, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    moment=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
    ),
)
def test_next_and_last_fire_bracket_any_moment(
    zone_name: str, hour: int, minute: int, moment: datetime
) -> None:
    zone = ZoneInfo(zone_name)
    at = time(hour, minute)
    after = next_fire(at, zone, moment)
    before = last_fire(at, zone, moment)
    assert before <= moment < after
    assert next_fire(at, zone, before) == after
    assert after - before <= timedelta(hours=26)
    assert last_fire(at, zone, after) == after


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        next_fire(time(9), BERLIN, datetime(2025, 1, 1))


def test_cron_trigger_fires_twice_on_fall_back_day_and_daily_trigger_once() -> None:
    """Why the scheduler does not use CronTrigger: on the fall-back day it fires twice."""
    start = utc("2025-10-25 12:00")
    end = utc("2025-10-27 12:00")

    def fires(trigger: CronTrigger | DailyTrigger) -> list[datetime]:
        found: list[datetime] = []
        previous = None
        now = start
        while True:
            fire = trigger.get_next_fire_time(previous, now)
            if fire is None or fire >= end:
                return found
            found.append(fire.astimezone(UTC))
            previous = now = fire

    cron = fires(CronTrigger(hour=2, minute=30, timezone=BERLIN))
    daily = fires(DailyTrigger(time(2, 30), BERLIN))
    assert utc("2025-10-26 00:30") in cron and utc("2025-10-26 01:30") in cron
    assert daily == [utc("2025-10-26 00:30"), utc("2025-10-27 01:30")]


def test_daily_trigger_first_fire_is_at_or_after_now() -> None:
    trigger = DailyTrigger(time(9), SHANGHAI)
    now = utc("2025-03-03 01:00").astimezone(SHANGHAI)
    assert trigger.get_next_fire_time(None, now) == now
    later = trigger.get_next_fire_time(None, now + timedelta(seconds=1))
    assert later == utc("2025-03-04 01:00")
    assert str(trigger) == "daily[09:00 Asia/Shanghai]"
