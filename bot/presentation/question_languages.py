"""What the adapters say about the languages questions come in: `/quiz zh` finding no
Chinese question, and `/lang quiz` showing, setting or refusing a chat's setting.

The engine (`bot.engine.question_languages`) gives codes and the error's facts; these
functions word them in the reader's language. A /quiz filter echoed back is the player's
own text, so it goes through the adapter's `escape`.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.errors import NoQuestionInLanguage
from bot.i18n import N_, Translator
from bot.presentation.markup import Markup, clip

LANGUAGE_NAMES = {"en": N_("English"), "zh": N_("Chinese")}
"""The content languages' names, as in "Chinese questions"."""
ECHO_FILTER = 60
"""At most this much of a /quiz filter is echoed back."""
COMMAND = "/lang quiz zh|en|all"
FULL_STOPS = ("。", "！", "？")


def language_names(codes: Collection[str], t: Translator) -> str:
    """The languages' names (in `t`'s language), in a stable order, joined."""
    names = [
        t._(LANGUAGE_NAMES[code]) if code in LANGUAGE_NAMES else code for code in sorted(codes)
    ]
    return t._(", ").join(names)


def no_questions(error: NoQuestionInLanguage, m: Markup, t: Translator) -> str:
    """/quiz found no question in the languages wanted (asked for, or the chat's)."""
    names = language_names(error.languages, t)
    shown = m.bold(m.escape(clip(error.filter_text, ECHO_FILTER))) if error.filter_text else ""
    if not error.from_setting:
        if shown:
            return t._(
                "The decks here have no {language} question about {filter}.",
                language=names,
                filter=shown,
            )
        return t._("The decks here have no {language} questions.", language=names)
    other = next((code for code in LANGUAGE_NAMES if code not in error.languages), None)
    if shown and other is not None:
        return t._(
            "Questions here come in {languages} only, and none of those is about {filter}. "
            "Ask for another language ({ask}) or change the setting with {command}.",
            languages=names,
            filter=shown,
            ask=m.code(f"/quiz {other} {m.escape(clip(error.filter_text or '', ECHO_FILTER))}"),
            command=m.code(COMMAND),
        )
    return t._(
        "Questions here come in {languages} only, and the decks here have none. "
        "Change the setting with {command}, or the decks with /decks.",
        languages=names,
        command=m.code(COMMAND),
    )


def setting_now(languages: Collection[str] | None, is_group: bool, m: Markup, t: Translator) -> str:
    """`/lang quiz` without a value: the setting in force and how to change it."""
    if languages is None:
        current = t._("📚 Questions here come in every language.")
    else:
        current = t._(
            "📚 Questions here come in {languages} only.",
            languages=language_names(languages, t),
        )
    if is_group:
        how = t._("Admins change it with {command}.", command=m.code(COMMAND))
    else:
        how = t._("Change it with {command}.", command=m.code(COMMAND))
    space = "" if current.endswith(FULL_STOPS) else " "  # none after Chinese punctuation
    return f"{current}{space}{how}"


def setting_set(languages: Collection[str] | None, t: Translator) -> str:
    """The answer to `/lang quiz …`: what is stored now."""
    if languages is None:
        return t._("📚 Done: questions here now come in every language.")
    return t._(
        "📚 Done: daily questions and /quiz here now come in {languages} only; "
        "/quiz en or /quiz zh still asks for one language.",
        languages=language_names(languages, t),
    )


def setting_refused(error: NoQuestionInLanguage, t: Translator) -> str:
    """`/lang quiz zh` where the chat's decks have no Chinese question: nothing stored."""
    return t._(
        "The decks here have no {language} questions, so nothing was changed. "
        "Choose other decks with /decks first.",
        language=language_names(error.languages, t),
    )


def setting_usage(m: Markup, t: Translator) -> str:
    return t._(
        "Usage: {command}: which languages the daily question and /quiz here come in "
        "(/lang en|zh is the language I speak).",
        command=m.code(COMMAND),
    )
