"""Finding a timezone from what people type: "Shanghai", "berlin", "San Francisco", "北京".

Names come from two places: every IANA zone's own city (Europe/Berlin gives "Berlin"),
and the small table `cities.tsv` beside this module, which adds other cities, countries
with one zone, and names in other languages and spellings. Matching forgives case,
accents, underscores and small typos; an IANA name typed in full is taken as it is.

Pure lookups: adapters turn the matches into buttons and wording, and the engine's
`set_timezone` stores the one chosen.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from rapidfuzz import fuzz, process

CITIES = Path(__file__).with_name("cities.tsv")

COMMON_ZONES: tuple[str, ...] = (
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "UTC",
)
"""The zones offered as buttons before anyone types a city (most of the first users)."""

MAX_MATCHES = 6
MIN_PREFIX = 3
"""Typed letters from which a name's start counts ("Shang" finds Shanghai)."""
FUZZY_CUTOFF = 85
"""How alike (0-100, rapidfuzz's ratio) a typo must be to a name to find it."""
_REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe")
_REGIONS += ("Indian", "Pacific")


@dataclass(frozen=True, slots=True)
class ZoneMatch:
    zone: str
    """The IANA name (what `set_timezone` stores)."""
    place: str
    """The name that matched, as written in the table or the zone ("San Francisco")."""


def find_zones(text: str, limit: int = MAX_MATCHES) -> list[ZoneMatch]:
    """The zones `text` names, best first: at most `limit`, none when nothing fits."""
    wanted = _normal(text)
    if not wanted:
        return []
    names = _names()
    exact = _by_zone_name().get(text.strip().casefold())
    if exact is not None:
        return [ZoneMatch(exact, exact)]
    found: list[ZoneMatch] = list(names.get(wanted, ()))
    if len(wanted) >= MIN_PREFIX or _has_ideographs(wanted):
        for name, matches in names.items():
            if name != wanted and (
                name.startswith(wanted) or (_has_ideographs(wanted) and wanted in name)
            ):
                found += matches
    if not found:
        for name, _score, _index in process.extract(
            wanted, list(names), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=limit
        ):
            found += names[name]
    unique: dict[str, ZoneMatch] = {}
    for match in found:
        unique.setdefault(match.zone, match)
    return list(unique.values())[:limit]


def local_now(zone: str, now: datetime) -> datetime:
    """The wall time in `zone` at the moment `now`."""
    return now.astimezone(ZoneInfo(zone))


def _normal(text: str) -> str:
    """Lower case, accents and underscores gone, single spaces."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("_", " "))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.replace("'", "").replace(".", " ").split())


def _has_ideographs(text: str) -> bool:
    return any(unicodedata.category(char) == "Lo" for char in text)


@cache
def _by_zone_name() -> dict[str, str]:
    """Every IANA zone by its name in lower case."""
    return {zone.casefold(): zone for zone in available_timezones()}


@cache
def _names() -> dict[str, tuple[ZoneMatch, ...]]:
    """Every known name (normalised) with the zones it may mean."""
    names: dict[str, list[ZoneMatch]] = {}
    for line in CITIES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        zone, _, spellings = line.partition("\t")
        for spelling in spellings.split("|"):
            names.setdefault(_normal(spelling), []).append(ZoneMatch(zone, spelling))
    for zone in sorted(available_timezones()):
        region, _, city = zone.partition("/")
        if region in _REGIONS and city:
            place = city.rpartition("/")[2].replace("_", " ")
            matches = names.setdefault(_normal(place), [])
            if all(match.zone != zone for match in matches):
                matches.append(ZoneMatch(zone, place))
    return {name: tuple(matches) for name, matches in names.items()}
