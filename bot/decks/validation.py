"""Validating a deck's values against the model, each error located and said plainly.

pydantic checks the values (`bot.decks.model`); its errors are turned into one sentence
each (what is wrong and what to write instead) at the line of the value, or of its
nearest parent when the value is missing.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from bot.decks.issues import ContentIssue, dotted
from bot.decks.model import (
    DECK_ID_FORM,
    DECK_ID_PATTERN,
    LANGUAGE_PATTERN,
    QUESTION_ID_MAX,
    QUESTION_ID_PATTERN,
    Deck,
    KeyPoint,
    Question,
)
from bot.decks.yamlbuilder import INT_BITS, Builder

_FORMS = {
    DECK_ID_PATTERN: DECK_ID_FORM,
    QUESTION_ID_PATTERN: (
        "lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, "
        f"at most {QUESTION_ID_MAX} characters"
    ),
    LANGUAGE_PATTERN: "a language tag such as en, zh or zh-Hans",
}
_MODELS: dict[int, type[Deck | Question | KeyPoint]] = {1: Deck, 3: Question, 5: KeyPoint}
"""Which model a mapping at a path of this length is (deck, questions[i], key_points[j])."""
_STAND_IN = {"correct": "choices"}
"""Where to point when this field is absent: its error is about that one."""


def _found(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (yes/no/on/off are booleans in YAML)"
    if isinstance(value, int) and value.bit_length() > INT_BITS:
        return "a very large number"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, datetime | date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"the text {_short(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _message(error: dict[str, Any]) -> str:
    kind: str = error["type"]
    loc = tuple(error["loc"])
    where = dotted(loc)
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        message = f"{where}: unknown key '{loc[-1]}'"
        model = _MODELS.get(len(loc))
        if model is not None:
            close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
            if close:
                message += f" (did you mean '{close[0]}'?)"
        return message
    if kind == "missing":
        return f"{where}: required but missing"
    if kind == "string_pattern_mismatch":
        form = _FORMS.get(ctx.get("pattern", ""), f"the form {ctx.get('pattern', '')}")
        return f"{where}: {_short(str(value))} is not valid here; use {form}"
    if kind == "string_too_short" or (kind == "string_type" and value is None):
        return f"{where}: must not be empty"
    if kind == "string_too_long":
        return (
            f"{where}: must be at most {ctx['max_length']} characters "
            f"(this one has {len(str(value))})"
        )
    if kind == "string_type":
        hint = "; put it in quotes" if isinstance(value, int | float | date) else ""
        return f"{where}: must be text, not {_found(value)}{hint}"
    if kind in ("int_type", "int_from_float"):
        return f"{where}: must be a whole number, not {_found(value)}"
    if kind == "list_type":
        return f"{where}: must be a list, not {_found(value)}"
    if kind in ("dict_type", "model_type"):
        return f"{where}: must be a mapping of keys to values, not {_found(value)}"
    if kind == "too_short" and isinstance(value, list):
        return f"{where}: must have at least {ctx['min_length']} item(s)"
    if kind == "too_long" and isinstance(value, list):
        return f"{where}: must have at most {ctx['max_length']} items (this one has {len(value)})"
    if kind == "greater_than_equal":
        return f"{where}: must be {ctx['ge']} or more, not {_found(value)}"
    if kind == "value_error":
        return f"{where}: {error['msg'].removeprefix('Value error, ')}"
    return f"{where}: {error['msg']}"


def validate(data: Any, builder: Builder) -> tuple[Deck | None, list[ContentIssue]]:
    try:
        return Deck.model_validate(data), []
    except ValidationError as exc:
        issues = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if any(loc[:end] in builder.bad for end in range(len(loc) + 1)):
                continue
            location, found = builder.find(loc, key=error["type"] == "extra_forbidden")
            stand_in = _STAND_IN.get(str(loc[-1])) if loc else None
            if stand_in is not None and not found:
                location = builder.locate((*loc[:-1], stand_in), key=True)
            issues.append(ContentIssue(location, _message(error)))
        return None, issues
