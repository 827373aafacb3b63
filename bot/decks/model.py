"""The deck format: one pydantic model per YAML mapping (see DESIGN.md, "Deck format").

The same models generate the JSON Schema shipped as content/schema.json (bot.decks.schema),
so every description written here is what an editor shows next to the field.
"""

from __future__ import annotations

import re
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
POLL_OPTIONS_MIN = 2
POLL_OPTIONS_MAX = 10
EXPLANATION_MAX = 200
DECK_ID_MAX = 32
QUESTION_ID_MAX = 48

DECK_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
"""Starting with a letter or digit, so that question ids made from it (the importer's
`DECK-CHAPTER-HASH`) are valid question ids too."""
DECK_ID_FORM = (
    "lowercase letters, digits and '-', starting with a letter or digit, "
    f"at most {DECK_ID_MAX} characters"
)
QUESTION_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
"""A BCP 47 language tag such as `en`, `zh`, `zh-Hans` or `zh-Hans-CN`."""


def deck_id_problem(deck_id: str) -> str | None:
    """None when `deck_id` can name a deck (the rule `Deck` checks), else what is wrong.

    The one deck-id rule: the loader checks it through the model, the notes importer and
    uploads call this before they build a deck."""
    if re.match(DECK_ID_PATTERN, deck_id) and len(deck_id) <= DECK_ID_MAX:
        return None
    return f"invalid deck id {deck_id!r}: use {DECK_ID_FORM}"


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
DeckId = Annotated[str, StringConstraints(pattern=DECK_ID_PATTERN, max_length=DECK_ID_MAX)]
QuestionId = Annotated[
    str, StringConstraints(pattern=QUESTION_ID_PATTERN, max_length=QUESTION_ID_MAX)
]
Language = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]
Choice = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=POLL_OPTION_MAX)
]
Explanation = Annotated[str, StringConstraints(max_length=EXPLANATION_MAX)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class KeyPoint(_Strict):
    """One idea a good answer covers, and optionally the terms that show it was covered."""

    point: Text = Field(description="The idea, as shown to the player after grading.")
    match: list[Text] = Field(
        default_factory=list,
        min_length=1,
        description=(
            "Optional terms; any one of them found (fuzzily) in an answer covers the point. "
            "Without them the point is judged by its meaning."
        ),
    )
    optional: bool = Field(
        default=False,
        description=(
            "A bonus point: covering it adds credit, missing it costs nothing "
            "(the score still tops out at 100%)."
        ),
    )


class Question(_Strict):
    """One question with its model answer; multiple choice when `choices` is given."""

    model_config = ConfigDict(
        # Editors that read the JSON Schema (draft 7) flag a half-written multiple-choice
        # question: each of the two keys requires the other.
        json_schema_extra={"dependencies": {"choices": ["correct"], "correct": ["choices"]}}
    )

    id: QuestionId = Field(
        description=(
            "Stable id, unique across all decks; progress is keyed on it, so never reuse or "
            f"rename it. Lowercase letters, digits, '.', '_' and '-', at most {QUESTION_ID_MAX} "
            "characters."
        )
    )
    topic: Text = Field(description="Book and chapter or theme; /quiz TOPIC filters on it.")
    tags: list[Text] = Field(
        default_factory=list, description="Optional labels; /quiz TAG filters on them."
    )
    language: Language | None = Field(
        default=None,
        description="Language of this question (BCP 47, e.g. en, zh); overrides the deck's.",
    )
    question: Text = Field(
        description=(
            "The question as asked. At most "
            f"{POLL_QUESTION_MAX} characters when it is multiple choice."
        )
    )
    answer: Text = Field(description="The model answer, revealed after replies (small Markdown).")
    key_points: list[KeyPoint] = Field(
        default_factory=list,
        description="What a good answer covers; free-text replies are graded against these.",
    )
    choices: list[Choice] | None = Field(
        default=None,
        min_length=POLL_OPTIONS_MIN,
        max_length=POLL_OPTIONS_MAX,
        description=(
            f"Makes it multiple choice (a native quiz poll in Telegram): {POLL_OPTIONS_MIN} to "
            f"{POLL_OPTIONS_MAX} options of at most {POLL_OPTION_MAX} characters each."
        ),
    )
    correct: int | None = Field(
        default=None,
        ge=0,
        validate_default=True,
        description="Index (from 0) of the right choice; required with, and only with, choices.",
    )
    explanation: Explanation | None = Field(
        default=None,
        description=(
            "Shown after a multiple-choice answer; at most "
            f"{EXPLANATION_MAX} characters (Telegram's limit)."
        ),
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
            shown = str(correct) if correct.bit_length() <= 63 else "the index"
            raise ValueError(
                f"{shown} is out of range: there are {len(choices)} choices "
                f"(valid: 0 to {len(choices) - 1})"
            )
        return correct

    @property
    def is_multiple_choice(self) -> bool:
        return self.choices is not None


class Deck(_Strict):
    """A study deck: one YAML file under content/."""

    deck: DeckId = Field(
        description=(f"Deck id, unique across all decks: {DECK_ID_FORM}. /quiz DECK filters on it.")
    )
    title: Text = Field(description="The deck's name, as shown to players.")
    language: Language = Field(
        default="en",
        description="Default language (BCP 47, e.g. en, zh) of the deck's questions.",
    )
    description: str | None = Field(default=None, description="Optional notes about the deck.")
    questions: list[Question] = Field(min_length=1, description="The questions, in asking order.")
