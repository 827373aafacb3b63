"""The JSON Schema of the deck format, generated from the pydantic model.

    python -m bot.decks.schema                       # print it
    python -m bot.decks.schema -o content/schema.json  # regenerate the shipped copy

Editors use it to complete and check decks as they are written; with the YAML language
server (VS Code's YAML extension and others), put this first line in a deck:

    # yaml-language-server: $schema=schema.json

The loader remains the authority: it also checks what a JSON Schema cannot express or
that YAML tools hide (duplicate keys and ids, the length of a multiple-choice question).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.decks.model import Deck

SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"
"""Draft 7: what the YAML language server (and so most editors) implements fully."""
SCHEMA_ID = "urn:quizbot:deck:1"
"""Names this version of the format; change the number when a change breaks decks."""
"""Its name next to the shipped decks (content/schema.json)."""
REGENERATE = "python -m bot.decks.schema -o content/schema.json"

_DESCRIPTION = (
    "A quizbot study deck: questions with model answers, key points for grading free-text "
    "replies, and optional multiple choices. One deck per YAML file. Check decks with "
    "`quizbot content check`, which also catches what this schema cannot (duplicate keys "
    "and ids across files). Generated from bot/decks/model.py; do not edit by hand."
)


def deck_schema() -> dict[str, Any]:
    """The JSON Schema of one deck file, with a header naming the dialect and the format."""
    body = Deck.model_json_schema(mode="validation", ref_template="#/definitions/{model}")
    body["definitions"] = body.pop("$defs")
    header: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "quizbot deck",
        "description": _DESCRIPTION,
        "$comment": f"Regenerate with: {REGENERATE}",
    }
    body.pop("title", None)
    body.pop("description", None)
    definitions = body.pop("definitions")
    return {**header, **body, "definitions": definitions}


def render() -> str:
    """The schema as it is shipped: stable key order, two-space indent, a final newline."""
    return json.dumps(deck_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.decks.schema",
        description="Print (or write) the JSON Schema of quizbot's deck format.",
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="write it to this file instead"
    )
    args = parser.parse_args(argv)
    text = render()
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
