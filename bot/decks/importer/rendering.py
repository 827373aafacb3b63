"""Questions and decks as readable YAML, and new questions appended to a deck file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import yaml

from bot.decks.loader import ContentError, load_deck_text
from bot.decks.model import Deck, Question


class _FlowList(list[str]):
    """A short list written on one line: `match: [mean, average, outlier]`."""


class _DeckDumper(yaml.SafeDumper):
    """Block style, sequences indented under their key, `|` blocks for multi-line text."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_flow(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


_DeckDumper.add_representer(str, _represent_str)
_DeckDumper.add_representer(_FlowList, _represent_flow)


def _dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_DeckDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
        indent=2,
    )


def _question_data(question: Question) -> dict[str, Any]:
    data = question.model_dump(exclude_defaults=True)
    for point in data.get("key_points", []):
        if "match" in point:
            point["match"] = _FlowList(point["match"])
    if "tags" in data:
        data["tags"] = _FlowList(data["tags"])
    return data


def render_questions(questions: Iterable[Question], indent: int = 2) -> str:
    """Questions as YAML list items, each line indented by `indent` spaces."""
    text = _dump([_question_data(q) for q in questions])
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def render_deck(deck: Deck) -> str:
    """A whole deck as readable YAML (block style, Unicode as is, `|` multi-line answers)."""
    head = deck.model_dump(exclude_defaults=True, exclude={"questions"})
    head.setdefault("language", deck.language)
    ordered = {
        key: head[key] for key in ("deck", "title", "language", "description") if key in head
    }
    return _dump(ordered) + "questions:\n" + render_questions(deck.questions)


def _append_position(text: str) -> int | None:
    """The column of the `-` of the deck's `questions` items when appending text is safe."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return None
    key, value = node.value[-1]
    if not (
        isinstance(key, yaml.ScalarNode)
        and key.value == "questions"
        and isinstance(value, yaml.SequenceNode)
        and not value.flow_style
        and value.value
    ):
        return None
    mark = value.start_mark
    lines = text.split("\n")
    if mark.line >= len(lines) or lines[mark.line][mark.column : mark.column + 1] != "-":
        return None
    return mark.column


def merge_into(existing_text: str, existing: Deck, new: Sequence[Question]) -> tuple[str, bool]:
    """The deck file with `new` questions appended; (text, True) when appended as text.

    Appending keeps the file exactly as it was (comments, formatting, hand-edited key
    points). When the file's shape does not allow it (questions not last, flow style), the
    whole deck is written anew from its loaded values, and (text, False) is returned.
    """
    column = _append_position(existing_text)
    if column is not None:
        text = existing_text if existing_text.endswith("\n") else existing_text + "\n"
        text += render_questions(new, indent=column)
        try:
            merged = load_deck_text(text.encode("utf-8"), "merged").deck
        except ContentError:
            merged = None
        if merged is not None and merged == existing.model_copy(
            update={"questions": [*existing.questions, *new]}
        ):
            return text, True
    combined = existing.model_copy(update={"questions": [*existing.questions, *new]})
    return render_deck(combined), False


def update_into(existing: Deck, updated: Sequence[Question], new: Sequence[Question]) -> str:
    """The whole deck as YAML with `updated` questions in place (by id) and `new` appended."""
    by_id = {question.id: question for question in updated}
    questions = [by_id.get(question.id, question) for question in existing.questions]
    return render_deck(existing.model_copy(update={"questions": [*questions, *new]}))
