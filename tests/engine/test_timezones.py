"""Finding a timezone from a city name, in English, Chinese or as typed in a hurry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine.timezones import COMMON_ZONES, find_zones, local_now


def zones(text: str) -> list[str]:
    return [match.zone for match in find_zones(text)]


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Shanghai", "Asia/Shanghai"),
        ("shanghai", "Asia/Shanghai"),
        ("北京", "Asia/Shanghai"),
        ("Berlin", "Europe/Berlin"),
        ("San Francisco", "America/Los_Angeles"),
        ("san  francisco", "America/Los_Angeles"),
        ("Zurich", "Europe/Zurich"),
        ("Zürich", "Europe/Zurich"),
        ("new_york", "America/New_York"),
        ("Bengaluru", "Asia/Kolkata"),
        ("Reykjavik", "Atlantic/Reykjavik"),  # no table row: the zone's own city
        ("Europe/Paris", "Europe/Paris"),  # an IANA name as it is
        ("europe/paris", "Europe/Paris"),
    ],
)
def test_a_city_finds_its_zone_first(text: str, zone: str) -> None:
    assert zones(text)[0] == zone


def test_a_small_typo_still_finds_the_city() -> None:
    assert zones("Shanghia")[0] == "Asia/Shanghai"


def test_the_start_of_a_name_finds_it() -> None:
    assert "America/Los_Angeles" in zones("San Fran")


def test_each_zone_is_offered_once() -> None:
    found = zones("Sydney")
    assert len(found) == len(set(found))


@pytest.mark.parametrize("text", ["", "   ", "Atlantis", "zzzzzz", "x" * 500])
def test_nothing_fits_nonsense(text: str) -> None:
    assert zones(text) == []


def test_every_common_zone_and_table_zone_is_known() -> None:
    from bot.engine.timezones import _names

    for zone in COMMON_ZONES:
        assert zones(zone) == [zone]
    for matches in _names().values():
        for match in matches:
            assert local_now(match.zone, datetime(2025, 1, 1, tzinfo=UTC))


def test_local_time_follows_the_zone() -> None:
    noon = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
    assert local_now("Asia/Shanghai", noon).hour == 20
    assert local_now("America/Los_Angeles", noon).hour == 5  # summer time
