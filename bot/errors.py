"""Domain errors raised by the engine: each names its case with a `code` and carries the
facts of it as attributes, never wording. Adapters turn them into replies
(`bot.presentation.errors` holds the words they share)."""

from __future__ import annotations


class QuizError(Exception):
    """Base of every error a player can cause. `code` says which case it is (each class
    lists its codes); `str(error)` is the code (and the case's key fact), for logs."""

    code: str = "quiz_error"

    def __init__(self, code: str | None = None) -> None:
        if code is not None:
            self.code = code
        super().__init__(self.code)


class UnknownFilter(QuizError):
    """A /quiz filter matched no deck, tag or topic."""

    code = "unknown_filter"

    def __init__(
        self,
        text: str,
        topics: list[str],
        tags: list[str],
        decks: list[str],
        closest: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.text = text
        self.topics = topics
        self.tags = tags
        self.decks = decks
        self.closest = closest or []
        """The topics, tags or decks most like `text`, best first (maybe none)."""

    def __str__(self) -> str:
        return f"{self.code}: {self.text!r}"


class NothingToAsk(QuizError):
    """Every question that fits has been seen today."""

    code = "all_met_today"


class NoQuestionInLanguage(NothingToAsk):
    """No question fits in the languages wanted: those of `/quiz zh` (`from_setting`
    False) or of the chat's setting (`from_setting` True), among the chat's decks and
    the /quiz filter (`filter_text`, None without one). `languages` are codes."""

    code = "no_questions_in_language"

    def __init__(
        self, languages: tuple[str, ...], *, from_setting: bool, filter_text: str | None
    ) -> None:
        super().__init__()
        self.languages = languages
        self.from_setting = from_setting
        self.filter_text = filter_text

    def __str__(self) -> str:
        return f"{self.code}: {','.join(self.languages)}"


class NoOpenQuestion(QuizError):
    """An answer, skip, reveal or peek found no question to act on. Codes:

    - `never_asked`: nothing was ever asked in this chat;
    - `none_open`: no question is open in this private chat (or chat);
    - `reply_needed`: a group answer that replies to no question of ours;
    - `unknown_poll`: a vote in a poll that is not one of our questions;
    - `question_removed`: the question is no longer in the decks;
    - `nothing_to_reveal`: no group question is waiting for its answer;
    - `unavailable`: the question asked for privately is not this chat's (or is gone);
    - `closed`: the question was revealed or removed (an adapter's own check).
    """

    code = "none_open"


class AlreadyAnswered(QuizError):
    """This user already answered this question."""

    code = "already_answered"


class AlreadyRevealed(QuizError):
    """The model answer of this question was already revealed."""

    code = "already_revealed"


class UnknownAttempt(QuizError):
    """A rating refers to an attempt that is someone else's or missing (`not_yours`), or
    to one that has nothing to rate (`not_ratable`: its question or review is gone)."""

    code = "not_yours"


class InvalidSetting(QuizError):
    """A /time, /timezone or similar value could not be used. `setting` names which
    (`push_time`, `timezone`, `city`, or an adapter's own, like `channel`); `reason` is
    the parser's sentence saying what is wrong (a message id when there is no `value`);
    `value` is what was given, when the adapters word the sentence themselves
    (`bot.presentation.errors`)."""

    code = "invalid_setting"

    def __init__(self, setting: str, reason: str, *, value: str | None = None) -> None:
        super().__init__()
        self.setting = setting
        self.reason = reason
        self.value = value

    def __str__(self) -> str:
        return f"{self.code}: {self.setting}"


class NoHint(QuizError):
    """Help with a question that cannot have it. Codes:

    - `no_key_points`: a hint for a question without key points, or multiple choice;
    - `private_only`: a hint or "I don't know" in a group, whose answers are compared.
    """

    code = "no_key_points"
