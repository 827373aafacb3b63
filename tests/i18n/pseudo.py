"""A pseudo-locale: every message comes out with its letters swapped for full-width ones,
placeholders, markup, commands and links left as they are. Rendered under it, any plain
ASCII word that reaches the reader did not come through the catalogs (or is data)."""

from __future__ import annotations

import gettext
import re

from bot.i18n import Translator

_KEEP = re.compile(r"\{[^{}]*\}|<[^<>]*>|&\w+;|(?<![\w/])/[a-z_]+|https?://\S+|t\.me/\S*")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _widen(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in text)


def pseudo(message: str) -> str:
    out, last = [], 0
    for match in _KEEP.finditer(message):
        out.append(_widen(message[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_widen(message[last:]))
    return "".join(out)


class PseudoCatalog(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)


PSEUDO = Translator("qps", PseudoCatalog())


def untranslated_words(text: str, allowed: set[str]) -> list[str]:
    """ASCII words in `text` outside markup, commands and links, and not `allowed`."""
    visible = _KEEP.sub(" ", text)
    return [word for word in _WORD.findall(visible) if word not in allowed]
