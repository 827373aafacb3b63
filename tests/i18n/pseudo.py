"""A pseudo-locale: every message comes out with its letters swapped for full-width ones,
placeholders, markup, commands and links left as they are. Rendered under it, any plain
ASCII word that reaches the reader did not come through the catalogs (or is data).

`pseudo_translator` stands in for `bot.i18n._compiled` (every language compiles to the
pseudo-locale); `ZH_ONLY_DECK` is a deck with no ASCII word in what it shows, so that a
whole conversation over it can be checked word by word.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

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
ZH_ONLY_DECK = Path(__file__).resolve().parent / "fixtures" / "zh-only.yaml"
ZH_ONLY_WORDS = {"zh", "only", "cache", "index", "formats"}
ZH_GOOD_ANSWER = "热点数据放在内存里，可以减轻数据库压力。"
"""A good answer to the zh-only deck's caching question."""
BROKEN_DECK = b"deck: broken\nquestions:\n  - id: 1\n    question: [\n"
"""An upload that is not a deck (its error reply is read too)."""
ZH_OWN_DECK = (
    "deck: mine\ntitle: 我的题\nlanguage: zh\nquestions:\n"
    "  - id: mine-1\n    topic: 我的主题\n    question: 什么是进程？\n"
    "    answer: 操作系统分配资源的单位。\n"
).encode()
"""An upload that is a deck, all in Chinese."""
"""The ASCII words of ZH_ONLY_DECK that may be shown: its deck id and tags."""
ISSUE_LINE = re.compile(r"^\S*?[\w-]+\.\w+:\d+(?::\d+)?: .*$", re.M)
"""A rejected deck's `FILE:LINE:COL: problem` line: worded by bot.decks, quoting the file."""


def pseudo_translator(lang: str) -> Translator:
    """What `bot.i18n._compiled` returns under the pseudo-locale, for any language."""
    return Translator(lang, PseudoCatalog())


def untranslated_words(text: str, allowed: set[str]) -> list[str]:
    """ASCII words in `text` outside markup, commands and links, and not `allowed`."""
    visible = _KEEP.sub(" ", text)
    return [word for word in _WORD.findall(visible) if word not in allowed]
