"""Domain errors raised by the engine; each adapter turns them into a friendly reply."""

from __future__ import annotations


class QuizError(Exception):
    """Base of every error a player can cause; its message is safe to show them."""


class UnknownFilter(QuizError):
    """A /quiz filter matched no deck, tag or topic."""

    def __init__(
        self,
        text: str,
        topics: list[str],
        tags: list[str],
        decks: list[str],
        closest: list[str] | None = None,
    ) -> None:
        self.text = text
        self.topics = topics
        self.tags = tags
        self.decks = decks
        self.closest = closest or []
        """The topics, tags or decks most like `text`, best first (maybe none)."""
        super().__init__(f"Nothing matches {text!r}.")


class NothingToAsk(QuizError):
    """Every question that fits has been seen today."""


class NoOpenQuestion(QuizError):
    """An answer, skip or reveal arrived but no question is open in that chat."""


class AlreadyAnswered(QuizError):
    """This user already answered this question."""


class AlreadyRevealed(QuizError):
    """The model answer of this question was already revealed."""


class UnknownAttempt(QuizError):
    """A rating refers to an attempt that does not exist or belongs to someone else."""


class InvalidSetting(QuizError):
    """A /time, /timezone or similar value could not be used; the message says why."""
