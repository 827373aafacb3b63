"""Which fonts draw the charts' labels, and what a label becomes when no font can draw it.

Topics and names may be Chinese (or Japanese, Korean...). matplotlib's bundled DejaVu Sans
has no CJK glyphs, so the charts look for a CJK-capable font installed on the system
(Noto Sans CJK, Source Han Sans, WenQuanYi, Droid Sans Fallback, ...) and list it after
DejaVu Sans, so matplotlib falls back to it glyph by glyph. Without one, a label keeps
its drawable prefix ("DMLS ch1.1 何时使用机器学习" becomes "DMLS ch1.1") instead of
showing boxes. Discovery runs once per process, on the first chart.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

BASE_FAMILY = "DejaVu Sans"

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Sans",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Arial Unicode MS",
)
"""Known CJK-capable families, most preferred first."""

_FILE_HINTS = (
    "cjk",
    "wqy",
    "sourcehan",
    "droidsansfallback",
    "uming",
    "ukai",
    "msyh",
    "simhei",
    "pingfang",
    "hiragino",
    "notosanssc",
    "arialuni",
)
"""Parts of file names of CJK fonts, for fonts installed after matplotlib built its cache."""

_PROBE = ord("中")
_TRIM = " \t-–—:：·,，;；/|([{（【"


@dataclass(frozen=True, slots=True)
class Fonts:
    """The font families to draw with, and the characters they can draw."""

    families: tuple[str, ...]
    cjk_family: str | None
    drawable: frozenset[int]
    base: frozenset[int]
    """What the first family alone draws."""

    def can_draw(self, text: str) -> bool:
        return all(ord(ch) in self.drawable or ch.isspace() for ch in text)

    def base_draws(self, text: str) -> bool:
        return all(ord(ch) in self.base or ch.isspace() for ch in text)

    def label(self, text: str, fallback: str = "?") -> str:
        """`text` if every character can be drawn; else its drawable prefix (trimmed),
        or the drawable characters left, or `fallback` when nothing is left."""
        if self.can_draw(text):
            return text
        return plain_label(text, self.drawable, fallback)


def plain_label(text: str, drawable: frozenset[int], fallback: str = "?") -> str:
    """`text` without what cannot be drawn: its prefix up to the first undrawable
    character ("DMLS ch1.1 何时..." -> "DMLS ch1.1"); if that is empty, the drawable
    characters left; if none, `fallback`."""
    cut = next(
        (i for i, ch in enumerate(text) if not ch.isspace() and ord(ch) not in drawable),
        len(text),
    )
    prefix = text[:cut].rstrip(_TRIM)
    if prefix.strip():
        return prefix.strip()
    kept = "".join(ch for ch in text if ch.isspace() or ord(ch) in drawable)
    kept = " ".join(kept.split()).rstrip(_TRIM)
    return kept or fallback


def clip(text: str, width: float) -> str:
    """`text` cut with an ellipsis to about `width` narrow characters (wide CJK ones
    count two), so a label keeps clear of what is drawn beside it."""
    used = 0.0
    for index, ch in enumerate(text):
        used += 2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0
        if used > width:
            return text[:index].rstrip(_TRIM) + "…"
    return text


_lock = threading.Lock()
_found: Fonts | None = None


def chart_fonts() -> Fonts:
    """The fonts of this process's charts (looked up once)."""
    global _found
    with _lock:
        if _found is None:
            _found = discover()
            if _found.cjk_family:
                log.info("charts draw CJK text with %s", _found.cjk_family)
            else:
                log.info("no CJK font found: chart labels keep their non-CJK prefix")
        return _found


def discover(*, allow_cjk: bool = True) -> Fonts:
    """Look for a CJK font matplotlib can use; `allow_cjk=False` gives the fallback."""
    from matplotlib import font_manager

    base = frozenset(_charmap(font_manager.findfont(BASE_FAMILY, fallback_to_default=True)))
    cjk: tuple[str, str] | None = None
    if allow_cjk:
        cjk = _known_cjk() or _installed_cjk()
    if cjk is None:
        return Fonts((BASE_FAMILY,), None, base, base)
    family, path = cjk
    logging.getLogger("matplotlib.font_manager").addFilter(_NoBoldWarning(family))
    return Fonts((BASE_FAMILY, family), family, base | _charmap(path), base)


class _NoBoldWarning(logging.Filter):
    """CJK fonts often come in one weight: bold CJK text is drawn regular, quietly."""

    def __init__(self, family: str) -> None:
        super().__init__()
        self.family = family

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("Failed to find font weight" in message and self.family in message)


def _known_cjk() -> tuple[str, str] | None:
    from matplotlib import font_manager

    entries = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        path = entries.get(family)
        if path and _PROBE in _charmap(path):
            return family, path
    return None


def _installed_cjk() -> tuple[str, str] | None:
    """A CJK font file installed after matplotlib cached its font list: register it."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    try:
        paths = font_manager.findSystemFonts()
    except Exception:  # an odd font folder must never stop a chart
        log.debug("font scan failed", exc_info=True)
        return None
    for path in _hinted(paths):
        if _PROBE not in _charmap(path):
            continue
        before = {entry.name for entry in manager.ttflist}
        try:
            manager.addfont(path)
        except Exception:
            log.debug("cannot use font %s", path, exc_info=True)
            continue
        added = [e.name for e in manager.ttflist if e.fname == path and e.name not in before]
        names = added or [e.name for e in manager.ttflist if e.fname == path]
        if names:
            return names[0], path
    return None


def _hinted(paths: Iterable[str]) -> list[str]:
    def squashed(path: str) -> str:
        return Path(path).name.casefold().replace("-", "").replace("_", "").replace(" ", "")

    return sorted(p for p in paths if any(hint in squashed(p) for hint in _FILE_HINTS))


def _charmap(path: str) -> set[int]:
    from matplotlib.ft2font import FT2Font

    try:
        return set(FT2Font(path).get_charmap())
    except Exception:
        log.debug("cannot read font %s", path, exc_info=True)
        return set()
