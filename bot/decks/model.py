"""The deck format: one pydantic model per YAML mapping (see DESIGN.md, "Deck format")."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

# Telegram's limits shape the format: a quiz poll's question, options and explanation
# must fit, and question ids must stay short enough to travel in callback data.
POLL_QUESTION_MAX = 300
POLL_OPTION_MAX = 100
EXPLANATION_MAX = 200
QUESTION_ID_MAX = 48

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
DeckId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$", max_length=32)]
QuestionId = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=QUESTION_ID_MAX)
]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")]
Choice = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class KeyPoint(_Strict):
    """One idea a good answer covers, and the terms that show it was covered."""

    point: Text = Field(description="The idea, as shown to the player.")
    match: list[Text] = Field(
        min_length=1,
        description="Terms; any one of them found (fuzzily) in an answer covers the point.",
    )


class Question(_Strict):
    id: QuestionId = Field(description="Stable id, unique across all decks.")
    topic: Text = Field(description="Book and chapter or theme; /quiz TOPIC filters on it.")
    tags: list[Text] = Field(default_factory=list)
    language: Language | None = Field(default=None, description="Overrides the deck's.")
    question: Text
    answer: Text = Field(description="The model answer (a small Markdown subset).")
    key_points: list[KeyPoint] = Field(default_factory=list)
    choices: list[Choice] | None = Field(
        default=None,
        min_length=2,
        max_length=10,
        description="Makes it multiple choice (a native quiz poll in Telegram).",
    )
    correct: int | None = Field(
        default=None, ge=0, validate_default=True, description="Index into choices."
    )
    explanation: Annotated[str, StringConstraints(max_length=EXPLANATION_MAX)] | None = Field(
        default=None, description="Shown after a multiple-choice answer (Telegram: 200 max)."
    )

    @field_validator("choices")
    @classmethod
    def _poll_question_fits(
        cls, choices: list[str] | None, info: ValidationInfo
    ) -> list[str] | None:
        question = info.data.get("question")
        if choices is not None and question is not None and len(question) > POLL_QUESTION_MAX:
            raise ValueError(
                f"a multiple-choice question is at most {POLL_QUESTION_MAX} characters "
                f"(this one has {len(question)})"
            )
        return choices

    @field_validator("correct")
    @classmethod
    def _correct_indexes_choices(cls, correct: int | None, info: ValidationInfo) -> int | None:
        if "choices" not in info.data:  # choices itself was invalid: reported there
            return correct
        choices = info.data["choices"]
        if choices is None:
            if correct is not None:
                raise ValueError("'correct' is only allowed together with 'choices'")
        elif correct is None:
            raise ValueError("'correct' is required when 'choices' is given")
        elif correct >= len(choices):
            raise ValueError(
                f"{correct} is out of range: there are {len(choices)} choices "
                f"(valid: 0 to {len(choices) - 1})"
            )
        return correct

    @property
    def is_multiple_choice(self) -> bool:
        return self.choices is not None


class Deck(_Strict):
    deck: DeckId = Field(description="Deck id, [a-z0-9-]+, unique.")
    title: Text
    language: Language = "en"
    description: str | None = None
    questions: list[Question] = Field(min_length=1)
