"""The languages questions are asked in: `/quiz zh`, and a chat's setting of which
languages its daily question and its plain /quiz come in.

This is the content language, not the interface language (`bot.engine.languages`): a
person may read the bot in English and still want only the Chinese questions.

A question's language is what its deck says: the question's own `language` key, else
its deck's `language` (`Catalog.language_of`). Deck authors state it, uploads detect it
per question (`bot.decks.upload`), and a test keeps the bundled decks' statements in
line with their text; nothing here guesses from characters. Only the primary subtag
counts: `zh-Hans` and `zh-TW` questions are `zh` questions.

A chat's setting is stored per chat (a private chat's is its person's): None, the
default, is every language; otherwise a set of codes (`chats.question_languages`, the
codes joined with commas). An explicit `/quiz en` overrides the setting for that one
question.

`/quiz` text: when its first word is one of CONTENT_LANGUAGES, that word is the
language and the rest the usual topic, tag or deck filter (`/quiz zh transformers`). So
a deck, tag or topic literally named `en` or `zh` is not reached by `/quiz zh` alone:
choose that deck with `/deck use`, or name it after the language (`/quiz zh zh`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.decks.catalog import Catalog
from bot.engine.results import ChatKey, PlayerKey
from bot.errors import NoQuestionInLanguage

if TYPE_CHECKING:  # the engine's asking imports this module
    from bot.engine.quiz import Engine

CONTENT_LANGUAGES = ("en", "zh")
"""The languages `/quiz` and the setting accept. Adding one is adding its code here
(and its name to the adapters' wording)."""
EVERY_LANGUAGE_WORDS = ("all", "any", "*")
"""What sets a chat back to every language."""

Languages = frozenset[str] | None
"""A chat's question languages: a set of codes, or None for every language."""


def base_language(tag: str) -> str:
    """The primary subtag of a BCP 47 tag, lowercased: `zh-Hans` -> `zh`."""
    return tag.split("-", 1)[0].strip().lower()


def split_filter(text: str | None) -> tuple[str | None, str | None]:
    """(language, rest) of a /quiz text: its first word when that is a content language
    (any case), and what follows as the topic, tag or deck filter (None when empty)."""
    words = (text or "").split()
    if words and words[0].casefold() in CONTENT_LANGUAGES:
        return words[0].casefold(), " ".join(words[1:]) or None
    return None, " ".join(words) or None


def parse_choice(words: Sequence[str]) -> Languages:
    """The setting typed after `/lang quiz`: `all` (None), or one or more codes (`zh`,
    `en zh`, `en,zh`). ValueError when a word is neither, or nothing was given."""
    codes = [part.casefold() for word in words for part in word.split(",") if part.strip()]
    if not codes:
        raise ValueError("no language given")
    if any(code in EVERY_LANGUAGE_WORDS for code in codes):
        if len(codes) > 1:
            raise ValueError("'all' goes alone")
        return None
    unknown = [code for code in codes if code not in CONTENT_LANGUAGES]
    if unknown:
        raise ValueError(f"not a content language: {unknown[0]!r}")
    chosen = frozenset(codes)
    return None if chosen >= set(CONTENT_LANGUAGES) else chosen


def encode(languages: Languages) -> str | None:
    """The stored form: None, or the codes sorted and joined with commas."""
    return None if languages is None else ",".join(sorted(languages))


def decode(stored: str | None) -> Languages:
    """A stored setting back as codes; None (every language) for NULL or nothing usable."""
    if not stored:
        return None
    codes = frozenset(code for part in stored.split(",") if (code := base_language(part)))
    return codes or None


def in_languages(
    catalog: Catalog, question_ids: Iterable[str], languages: Collection[str]
) -> list[str]:
    """The ids, in their order, of the questions in one of `languages`."""
    wanted = set(languages)
    return [
        question_id
        for question_id in question_ids
        if base_language(catalog.language_of(catalog.by_id[question_id])) in wanted
    ]


def keep_languages(
    catalog: Catalog,
    candidates: list[str],
    *,
    language: str | None,
    setting: str | None,
    filter_text: str | None,
) -> list[str]:
    """The candidates in the language asked for (`language`, from `/quiz zh`), else in
    the chat's stored `setting`; all of them when neither limits anything.

    Raises NoQuestionInLanguage when there were candidates but none is in the wanted
    languages (with no candidates at all, the caller's usual "nothing to ask" applies).
    """
    wanted = frozenset({language}) if language else decode(setting)
    if wanted is None or not candidates:
        return candidates
    kept = in_languages(catalog, candidates, wanted)
    if not kept:
        raise NoQuestionInLanguage(
            tuple(sorted(wanted)), from_setting=language is None, filter_text=filter_text
        )
    return kept


async def question_languages(engine: Engine, chat: ChatKey) -> Languages:
    """A chat's setting (None: every language; also for a chat never seen)."""
    async with engine.store.read() as tx:
        row = await tx.chats.find(chat.platform, chat.external_id)
    return decode(row.question_languages) if row is not None else None


async def set_question_languages(
    engine: Engine,
    chat: ChatKey,
    languages: Languages,
    now: datetime,
    *,
    is_group: bool,
    title: str = "",
    owner: PlayerKey | None = None,
) -> Languages:
    """Store which languages a chat's questions come in; returns the setting now stored.

    Refused (NoQuestionInLanguage, nothing changed) when the decks the chat uses have no
    question in those languages: its daily question would silently stop. A private
    chat new to the store gets `owner`, whose own decks it can use.
    """
    if languages is not None:
        unknown = set(languages) - set(CONTENT_LANGUAGES)
        if unknown or not languages:
            raise ValueError(f"not content languages: {sorted(unknown) or 'none'}")
    ctx = engine.context
    async with ctx.store.write() as tx:
        row = await ctx.ensure_chat(tx, chat, now, is_group=is_group, title=title, owner=owner)
        if languages is not None:
            view = ctx.view(row)
            if not in_languages(view, (q.id for q in view.questions), languages):
                raise NoQuestionInLanguage(
                    tuple(sorted(languages)), from_setting=True, filter_text=None
                )
        await tx.chats.set_question_languages(row.id, encode(languages))
    return languages
