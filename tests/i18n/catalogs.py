"""The messages the code asks for (extracted with Babel, as `pybabel extract` does) and
the catalogs that translate them, for the completeness tests."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n

REPO = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "n_": (1, 2)}
"""The extraction keywords (bot/locale/README.md): `t._(message)`, `t.n_(one, many, n)`
and `N_(message)`, as `pybabel extract -k n_:1,2`."""
METHOD_MAP = [("**.py", "python")]
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")

MessageId = str | tuple[str, str]


@cache
def extracted() -> dict[str, MessageId]:
    """Every message id in bot/ and scheduler/, keyed by its singular text."""
    found: dict[str, MessageId] = {}
    for folder in ("bot", "scheduler"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            REPO / folder, METHOD_MAP, keywords=KEYWORDS
        ):
            key = message[0] if isinstance(message, tuple) else message
            found[key] = message
    return found


def catalog(lang: str) -> Catalog:
    with open(REPO / "bot" / "locale" / lang / "LC_MESSAGES" / "quizbot.po", "rb") as po:
        return read_po(po, locale=lang, domain=i18n.DOMAIN)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def tags(text: str) -> list[str]:
    return sorted(TAG.findall(text))
