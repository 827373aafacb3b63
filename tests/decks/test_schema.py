"""content/schema.json: generated from the model, kept in sync, and agreeing with the loader."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.decks.loader import ContentError, load_decks
from bot.decks.schema import REGENERATE, SCHEMA_DIALECT, SCHEMA_ID, deck_schema, render

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "content" / "schema.json"
FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(SHIPPED.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def errors(validator: Any, path: Path) -> list[Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))


def test_shipped_schema_is_what_the_model_generates() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == render(), (
        f"{SHIPPED.relative_to(ROOT)} is out of date with bot/decks/model.py; "
        f"regenerate it with: {REGENERATE}"
    )


def test_the_module_prints_the_schema(tmp_path: Path) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "bot.decks.schema"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        cwd=ROOT,
    ).stdout
    assert printed == render()
    out = tmp_path / "schema.json"
    subprocess.run([sys.executable, "-m", "bot.decks.schema", "-o", str(out)], check=True, cwd=ROOT)
    assert out.read_text(encoding="utf-8") == render()


def test_schema_header() -> None:
    schema = deck_schema()
    assert list(schema)[:5] == ["$schema", "$id", "title", "description", "$comment"]
    assert schema["$schema"] == SCHEMA_DIALECT == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] == SCHEMA_ID
    assert schema["title"] == "quizbot deck"
    assert REGENERATE in schema["$comment"]
    assert schema["type"] == "object"
    assert schema["required"] == ["deck", "title", "questions"]
    assert set(schema["definitions"]) == {"Question", "KeyPoint"}


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield from schema["properties"].items()
    for name, definition in schema["definitions"].items():
        for field, spec in definition["properties"].items():
            yield f"{name}.{field}", spec


def test_every_field_is_described_and_closed() -> None:
    schema = deck_schema()
    undescribed = [name for name, spec in _properties(schema) if not spec.get("description")]
    assert undescribed == []
    assert schema["additionalProperties"] is False
    for definition in schema["definitions"].values():
        assert definition["additionalProperties"] is False
        assert definition.get("description")


def test_telegram_limits_are_in_the_schema() -> None:
    question = deck_schema()["definitions"]["Question"]
    explanation = question["properties"]["explanation"]["anyOf"][0]
    assert explanation["maxLength"] == 200
    choices = question["properties"]["choices"]["anyOf"][0]
    assert (choices["minItems"], choices["maxItems"], choices["items"]["maxLength"]) == (2, 10, 100)
    assert question["dependencies"] == {"choices": ["correct"], "correct": ["choices"]}


@pytest.mark.parametrize("path", sorted(GOOD.glob("*.yaml")), ids=lambda p: p.name)
def test_good_fixtures_validate(validator: Any, path: Path) -> None:
    assert [e.message for e in errors(validator, path)] == []


def test_shipped_decks_validate(validator: Any) -> None:
    decks = sorted(SHIPPED.parent.glob("*.yaml"))
    assert decks, f"no decks next to {SHIPPED}"
    for path in decks:
        assert [e.message for e in errors(validator, path)] == [], path.name


# Broken decks whose problem the schema can express: each fails it, at the same field.
SCHEMA_CATCHES = {
    "unknown_deck_key.yaml": ("additionalProperties", []),
    "unknown_question_key.yaml": ("additionalProperties", ["questions", 0]),
    "missing_field.yaml": ("required", ["questions", 0]),
    "wrong_type.yaml": ("type", ["questions", 0, "tags"]),
    "empty_field.yaml": ("minLength", ["questions", 0, "topic"]),
    "bad_id.yaml": ("pattern", ["questions", 0, "id"]),
    "explanation_too_long.yaml": ("anyOf", ["questions", 0, "explanation"]),
    "correct_without_choices.yaml": ("dependencies", ["questions", 0]),
    "choices_without_correct.yaml": ("dependencies", ["questions", 0]),
    "top_level_list.yaml": ("type", []),
}


@pytest.mark.parametrize("name", sorted(SCHEMA_CATCHES))
def test_broken_fixtures_the_schema_can_express_fail_it(validator: Any, name: str) -> None:
    keyword, path = SCHEMA_CATCHES[name]
    found = errors(validator, BROKEN / name)
    assert [(e.validator, list(e.absolute_path)) for e in found] == [(keyword, path)]


@pytest.mark.parametrize(
    "name", ["duplicate_key.yaml", "duplicate_id.yaml", "correct_out_of_range.yaml"]
)
def test_what_only_the_loader_catches(validator: Any, name: str) -> None:
    """These pass the schema (YAML tools even hide the duplicate key); the loader does not."""
    assert errors(validator, BROKEN / name) == []
    with pytest.raises(ContentError, match=r"\d+:\d+: questions\[\d\]"):
        load_decks([BROKEN / name])


def test_the_editor_modeline_in_the_fixture_points_at_the_schema() -> None:
    first = (GOOD / "basics.yaml").read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    assert (GOOD / match.group(1)).resolve() == SHIPPED
