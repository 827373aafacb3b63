"""The interface's languages: which exist, how a platform's language tag maps to one, and
the translator that words messages in it.

Messages are gettext messages of the `quizbot` domain; their catalogs are the `.po` files
under `bot/locale/<lang>/LC_MESSAGES/` (English is the source language: its catalog has
the message ids and no translations). `babel.cfg` and `python -m bot.i18n` keep them up to
date (`bot/locale/README.md` says how).

The `.po` files are read with Babel and compiled in memory the first time a language is
asked for, once per process. Nothing is built at install time, so `pip install .`,
`pip install -e .` and a plain checkout behave alike, and no compiled `.mo` can drift
from the `.po` it came from.

Wording code takes a `Translator` and writes messages with named placeholders:
`t._("Due for review: {count}", count=n)`, `t.n_("{count} day", "{count} days", n)`.
Values are substituted after translation, so a translation may move them around.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "quizbot"
LANGUAGES = ("en", "zh")
"""Interface languages, the default first. Adding one is adding its catalog here."""
DEFAULT = LANGUAGES[0]
NAMES = {"en": "English", "zh": "简体中文"}
"""Each language's name, in that language (what /lang lists)."""


def resolve(tag: str | None, fallback: str = DEFAULT) -> str:
    """The interface language for a platform's language tag (Telegram's `language_code`,
    Discord's locale, a locale name): `zh…` is Chinese, any other tag English, no tag the
    `fallback` (the operator's `QUIZBOT_LANG`)."""
    if not tag:
        return fallback if fallback in LANGUAGES else DEFAULT
    return "zh" if tag.strip().lower().startswith("zh") else "en"


def parse(text: str | None) -> str | None:
    """A language someone typed (`/lang zh`, `--lang en`, `QUIZBOT_LANG=zh_CN.UTF-8`), or
    None when it names none of LANGUAGES."""
    if not text:
        return None
    word = text.strip().lower().replace("_", "-")
    for lang in LANGUAGES:
        if word == lang or word.startswith(f"{lang}-") or word.startswith(f"{lang}."):
            return lang
    aliases = {"english": "en", "chinese": "zh", "中文": "zh", "简体中文": "zh", "英文": "en"}
    return aliases.get(word)


@dataclass(frozen=True, slots=True)
class Translator:
    """Words messages in one language. `_` and `n_` are what the extractor looks for."""

    lang: str
    catalog: gettext.NullTranslations

    def _(self, message: str, /, **values: Any) -> str:
        text = self.catalog.gettext(message)
        return text.format(**values) if values else text

    def n_(self, singular: str, plural: str, count: int, /, **values: Any) -> str:
        """A message whose wording depends on `count` (available as `{count}`)."""
        text = self.catalog.ngettext(singular, plural, count)
        return text.format(count=count, **values)


def percent(score: float) -> str:
    """A 0-1 score as a whole percentage ("67%"), the same in every language here."""
    return f"{round(score * 100)}%"


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined (a table of command
    descriptions); it is translated where it is shown, with `Translator._`."""
    return message


def catalog_path(lang: str) -> Any:
    """The `.po` file of `lang` (a Traversable inside the installed package)."""
    return resources.files("bot") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def translator_for(lang: str) -> Translator:
    """The translator of `lang` (one of LANGUAGES; anything else gets the default's),
    compiled from its `.po` on first use and kept for the life of the process."""
    return _compiled(lang if lang in LANGUAGES else DEFAULT)


@cache
def _compiled(lang: str) -> Translator:
    with catalog_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translator(lang, gettext.GNUTranslations(compiled))
