"""How an adapter marks text up: the few functions the shared wording needs.

The wording in `bot.presentation` never knows whether it ends up as Telegram HTML,
Discord Markdown or terminal text; it calls `escape` on every piece of user- or
deck-supplied text and wraps text in `bold`, `italic` or `code`. Each adapter passes
its own `Markup` (escaping happens there); `PLAIN` leaves text as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Markup:
    escape: Callable[[str], str]
    """Makes user- or deck-supplied text safe in this markup."""
    bold: Callable[[str], str]
    """Wraps text already escaped."""
    code: Callable[[str], str] = _same
    """Wraps text already escaped (an id, a command)."""
    italic: Callable[[str], str] = _same
    """Wraps text already escaped."""


PLAIN = Markup(escape=_same, bold=_same)
"""No markup at all: terminal text, titles that show no formatting."""


def clip(text: str, limit: int) -> str:
    """`text` stripped and cut to `limit` characters, with an ellipsis when it was longer."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
