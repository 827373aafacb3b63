"""The words for the engine's errors, shared by Telegram, Discord and the console.

The engine raises typed errors (`bot.errors`) with a code and the facts; this module
says each one as a plain sentence (a message id: adapters translate it with `t._`). Adapters add their markup and length limits: Telegram
escapes the sentence for HTML, Discord clips it to a message, the console prints it.
"""

from __future__ import annotations

from bot.errors import (
    AlreadyAnswered,
    AlreadyRevealed,
    InvalidSetting,
    NoHint,
    NoOpenQuestion,
    NoQuestionInLanguage,
    NothingToAsk,
    QuizError,
    UnknownAttempt,
    UnknownFilter,
)
from bot.i18n import N_, Translator

NO_OPEN_QUESTION = {
    "never_asked": N_("No question has been asked here yet: try /quiz."),
    "none_open": N_("No question is open: try /quiz."),
    "reply_needed": N_("Reply to a question to answer it."),
    "unknown_poll": N_("That poll is not one of this quiz's questions."),
    "question_removed": N_("That question is no longer in the decks."),
    "nothing_to_reveal": N_("There is no question waiting for its answer here."),
    "unavailable": N_("That question is no longer available."),
    "closed": N_(
        "This question is closed: its answer was revealed, or it is no longer in the decks."
    ),
}
UNKNOWN_ATTEMPT = {
    "not_yours": N_("That answer is not yours to rate."),
    "not_ratable": N_("That answer cannot be rated."),
}
NO_HINT = {
    "no_key_points": N_("This question has no key points to hint at."),
    "private_only": N_("Hints and “I don't know” are for private chats."),
}
NO_QUESTION_IN_LANGUAGE = N_("No question here is in that language.")
NOTHING_TO_ASK = N_("You have met every question here today. Come back tomorrow!")
ALREADY_ANSWERED = N_("You already answered this question.")
ALREADY_REVEALED = N_("That answer was already revealed.")
SOMETHING_WENT_WRONG = N_("Something went wrong, try again.")


def error_text(error: QuizError) -> str:
    """The plain sentence for an engine error (an adapter escapes or clips it)."""
    if isinstance(error, NoOpenQuestion):
        return NO_OPEN_QUESTION.get(error.code, NO_OPEN_QUESTION["none_open"])
    if isinstance(error, UnknownAttempt):
        return UNKNOWN_ATTEMPT.get(error.code, UNKNOWN_ATTEMPT["not_yours"])
    if isinstance(error, NoHint):
        return NO_HINT.get(error.code, NO_HINT["no_key_points"])
    if isinstance(error, NoQuestionInLanguage):  # adapters word it fully (its languages)
        return NO_QUESTION_IN_LANGUAGE
    if isinstance(error, NothingToAsk):
        return NOTHING_TO_ASK
    if isinstance(error, AlreadyAnswered):
        return ALREADY_ANSWERED
    if isinstance(error, AlreadyRevealed):
        return ALREADY_REVEALED
    if isinstance(error, InvalidSetting):
        return error.reason
    if isinstance(error, UnknownFilter):
        return f"Nothing matches {error.text!r}."
    return SOMETHING_WENT_WRONG


VALUE_SHOWN = 40
"""Characters of a mistyped setting repeated back."""
INVALID_SETTING = {
    "push_time": N_("{value} is not a time of day in HH:MM form (e.g. 09:00)."),
    "timezone": N_("{value} is not an IANA timezone name (e.g. Europe/Berlin)."),
    "city": N_(
        "I know no timezone or city called {value}. Try a big city near you (Berlin) or "
        "an IANA name (Europe/Berlin)."
    ),
}
"""What is wrong with a setting's value, by `InvalidSetting.setting` (the value quoted
and cut short)."""


def error_sentence(error: QuizError, t: Translator) -> str:
    """`error_text` in the reader's language, its facts filled in (plain text: an adapter
    escapes or clips it)."""
    if isinstance(error, InvalidSetting):
        wording = INVALID_SETTING.get(error.setting)
        if wording is not None and error.value is not None:
            value = error.value.strip()
            if len(value) > VALUE_SHOWN:
                value = value[: VALUE_SHOWN - 1] + "…"
            return t._(wording, value=repr(value))
    if isinstance(error, UnknownFilter):
        return t._("Nothing matches {text}.", text=repr(error.text))
    return t._(error_text(error))
