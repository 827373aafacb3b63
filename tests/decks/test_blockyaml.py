"""The block YAML reader reads what the builder reads, to the same values, or gives up.

`read_block_deck` reads the plain block YAML most decks are written in, and
`parse_block_deck` keeps what it read only for a deck with no problem at all; every other
file is read by the builder (`parse_text`), which locates every problem. Held here:

- whenever the reader reads a text, the builder reads it to the same values (types too)
  with no issue, and each `id` and the deck id stand where the builder places them;
- whenever `parse_block_deck` gives a result, `parse_text` gives the same one (the same
  deck, the same places of its ids, no problem);
- the bundled decks, the good fixtures and the benchmark's decks take the reader;
- hostile YAML (alias bombs, deep nesting, duplicate keys, Python tags, merge keys, huge
  numbers, a second document) makes it give up, so the builder's limits and messages
  apply exactly as before.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.bench_decks import write_decks
from bot.decks.blockyaml import BlockDeck, read_block_deck
from bot.decks.deckfile import parse_block_deck, parse_file, parse_text
from bot.decks.loader import MAX_ALIAS_EXPANSION, MAX_DEPTH, load_decks
from bot.decks.yamlbuilder import Builder
from bot.decks.yamltext import decode_utf8, unprintable_issues
from tests.decks.test_loader import MINIMAL
from tests.decks.test_loader_properties import DUMP_STYLES, deck_data, mutated, valid_deck

ROOT = Path(__file__).parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
FILE = "deck.yaml"


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types, all the way down (NaN equal to NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def check_places(block: BlockDeck, builder: Builder, mine: Any, theirs: Any, path: Any) -> None:
    """Each text `id` stands where the builder places it (the values are alike)."""
    if isinstance(mine, dict):
        if isinstance(mine.get("id"), str):
            location = builder.locate((*path, "id"))
            assert block.id_marks[id(mine)] == (location.line - 1, location.column - 1), path
        for key, item in mine.items():
            check_places(block, builder, item, theirs[key], (*path, key))
    elif isinstance(mine, list):
        for index, item in enumerate(mine):
            check_places(block, builder, item, theirs[index], (*path, index))


def check_reader(text: str) -> bool:
    """The property for one text; whether the reader read it."""
    block = read_block_deck(text)
    if block is None:
        return False
    builder = Builder(text, FILE)
    try:
        builder.build()
    finally:
        builder.loader.dispose()
    assert builder.issues == [], (text, builder.issues)
    assert same(block.data, builder.root), (text, block.data, builder.root)
    check_places(block, builder, block.data, builder.root, ())
    if isinstance(block.data.get("deck"), str):
        location = builder.locate(("deck",))
        assert block.deck_mark == (location.line - 1, location.column - 1), text
    return True


def check_parse(text: str) -> bool:
    """`parse_block_deck` gives what `parse_text` gives, when it gives anything."""
    fast = parse_block_deck(text, FILE)
    if fast is None:
        return False
    full = parse_text(text, FILE)
    assert fast == full, text
    assert fast.deck is not None and fast.issues == []
    return True


def text_of(raw: bytes) -> str | None:
    """The text the loader hands the readers, if the bytes make one."""
    text = decode_utf8(raw, FILE)
    if isinstance(text, list) or unprintable_issues(text, FILE):
        return None
    return text


@pytest.mark.parametrize(
    "path", sorted((FIXTURES / "good").glob("*.yaml")), ids=lambda path: path.name
)
def test_the_good_fixtures_take_the_block_reader(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert check_reader(text)
    assert check_parse(text)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "content").glob("*.yaml")), ids=lambda path: path.name
)
def test_the_bundled_decks_are_read_alike_by_both(path: Path) -> None:
    # They take the block reader today; one written otherwise would only load slower.
    text = path.read_text(encoding="utf-8")
    if check_reader(text):
        check_parse(text)
    assert parse_file(text.encode("utf-8"), FILE) == parse_text(text, FILE)


def test_the_benchmark_decks_take_the_block_reader(tmp_path: Path) -> None:
    write_decks(tmp_path, 2, 40)
    for path in sorted(tmp_path.iterdir()):
        text = path.read_text(encoding="utf-8")
        assert check_reader(text)
        assert check_parse(text)


def test_loaded_decks_keep_the_places_the_builder_finds() -> None:
    (loaded,) = load_decks([ROOT / "content" / "aie.yaml"])
    text = (ROOT / "content" / "aie.yaml").read_text(encoding="utf-8")
    full = parse_text(text, str(ROOT / "content" / "aie.yaml"))
    assert loaded.id_locations == tuple(location for _, _, location in full.question_ids)
    assert full.deck_id is not None and loaded.deck_location == full.deck_id[1]


@pytest.mark.parametrize(
    "path", sorted((FIXTURES / "broken").rglob("*.yaml")), ids=lambda path: path.name
)
def test_a_deck_with_a_problem_is_left_to_the_builder(path: Path) -> None:
    raw = path.read_bytes()
    text = text_of(raw)
    if text is None or parse_text(text, FILE).issues == []:
        return  # not text, or one of a pair that is broken only together
    assert parse_block_deck(text, FILE) is None
    if read_block_deck(text) is not None:
        check_reader(text)


def nested_by_indentation(depth: int) -> str:
    return "".join(f"{'  ' * level}a:\n" for level in range(depth)) + "  " * depth + "a: x\n"


HOSTILE = {
    "alias bomb": "\n".join(
        ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    )
    + "\n",
    "alias to itself": MINIMAL + "description: &d [*d]\n",
    "anchored and aliased text": MINIMAL.replace("topic: Testing", "topic: &t Testing")
    + "  - id: inline-q2\n    topic: *t\n    question: Q\n    answer: A\n",
    "deep flow nesting": "a: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "deep list nesting": "- " * 10_000 + "x\n",
    "deep nesting by indentation": nested_by_indentation(MAX_DEPTH + 5),
    "duplicate key": MINIMAL.replace("    topic: Testing\n", "    topic: Testing\n    topic: T\n"),
    "python tag": MINIMAL.replace(
        "answer: Yes.", "answer: !!python/object/apply:os.system ['true']"
    ),
    "python name": MINIMAL.replace("answer: Yes.", "answer: !!python/name:os.system x"),
    "merge key": MINIMAL
    + "  - <<: {topic: Testing}\n    id: inline-q2\n    question: Q\n    answer: A\n",
    "huge number": MINIMAL.replace("answer: Yes.", "answer: " + "9" * 5000),
    "huge hex number": MINIMAL.replace("answer: Yes.", "answer: 0x" + "F" * 5000),
    "second document": MINIMAL + "---\ndeck: other\n",
    "directive": "%YAML 1.1\n---\n" + MINIMAL,
    "date": MINIMAL.replace("answer: Yes.", "answer: 2024-01-01"),
    "tab": MINIMAL.replace("answer: Yes.", "answer:\tYes."),
}


def test_the_minimal_deck_the_hostile_ones_start_from_takes_the_reader() -> None:
    assert check_parse(MINIMAL)
    assert all(text != MINIMAL for text in HOSTILE.values())


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_yaml_is_left_to_the_builder_and_says_what_it_said(name: str) -> None:
    text = HOSTILE[name]
    assert read_block_deck(text) is None
    assert parse_file(text.encode("utf-8"), FILE) == parse_text(text, FILE)


def test_the_builder_limits_still_speak_for_the_files_given_up() -> None:
    issues = parse_file(HOSTILE["alias bomb"].encode("utf-8"), FILE).issues
    assert any(f"more than {MAX_ALIAS_EXPANSION:,} values" in i.message for i in issues)
    issues = parse_file(HOSTILE["deep nesting by indentation"].encode("utf-8"), FILE).issues
    assert any(f"nested more than {MAX_DEPTH} levels deep" in i.message for i in issues)
    issues = parse_file(HOSTILE["duplicate key"].encode("utf-8"), FILE).issues
    assert any("duplicate key 'topic'" in i.message for i in issues)


def test_nesting_up_to_the_limit_is_read_to_the_same_values() -> None:
    assert check_reader(nested_by_indentation(MAX_DEPTH - 2))


@pytest.mark.parametrize(
    "value",
    [
        "[x" + " " * 200_000 + "y]",
        "[x" + " " * 200_000 + "]",
        "[x" + " " * 200_000,
        "'" + "''" * 100_000 + "x",
        "'" + "''" * 100_000 + "'",
        "[" + "b, " * 100_000 + "]",
        "[" + "b, " * 100_000 + "c]",
        '"' + "x" * 200_000,
    ],
    ids=lambda value: f"{value[:3]}...{value[-3:]}",
)
def test_long_runs_are_read_alike_or_given_up_in_time_linear_in_their_length(
    value: str,
) -> None:
    text = MINIMAL + f"description: {value}\n"
    if check_reader(text):
        assert parse_file(text.encode("utf-8"), FILE) == parse_text(text, FILE)


def test_a_huge_text_is_read_whole_as_the_builder_reads_it() -> None:
    text = MINIMAL.replace("answer: Yes.", "answer: " + "word " * 200_000 + "end")
    assert check_reader(text)
    assert check_parse(text)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_decks_read_by_the_reader_are_read_alike_by_the_builder(raw: bytes) -> None:
    text = text_of(raw)
    if text is not None:
        check_reader(text)
        check_parse(text)


SCALARS = [
    "x",
    "two  words",
    "[a, b]",
    "[a,b]",
    "[ a , 'b' ]",
    '["x: y", "#z", "2+2"]',
    "[]",
    "[ ]",
    "[yes, 1, ~, .nan]",
    "[a, ]",
    "[a, [b]]",
    "'q'",
    "'it''s'",
    "'a' # c",
    "'a'b",
    '"d"',
    '"e\\n"',
    '"f" # c',
    "1",
    "-1",
    "0x1F",
    "1_000",
    "1.5",
    ".nan",
    ".inf",
    "yes",
    "No",
    "ON",
    "null",
    "~",
    "=",
    "<<",
    "x # c",
    "x  #c",
    "C#",
    "x: y",
    "x:",
    "x:y",
    "http://a",
    "a - b",
    "&a x",
    "*a",
    "!!str 1",
    "!x y",
    "{a: b}",
    "- x",
    "?",
    "? x",
    "%",
    "@x",
    "`x`",
    "**b** and `c`",
    "中文 题",
    "---",
    "...",
    "2024-01-01",
    "9" * 30,
    "x ",
    "",
]
BLOCK_HEADERS = ["|", "|-", ">", ">-", "|+", "|2", "| # c"]
TEXT_LINES = ["a", "b c", "", "  more", "- item", "# not a comment", "x: y", "   "]
KEY_NAMES = ["a", "b", "id", "deck", "questions", "key_points", "x-y", "yes", "<<"]


@st.composite
def block_document(draw: st.DrawFn) -> str:
    """A document in block style, as people write them: mostly well formed, with every
    kind of scalar, `|` / `>` texts, comments, blank lines and indentation slips."""
    lines: list[str] = []

    def noise(indent: int) -> None:
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", " " * indent + "# note", "   ", "#"])))

    def text_after(head: str, indent: int) -> None:
        if draw(st.integers(0, 3)) == 0:
            header = draw(st.sampled_from(BLOCK_HEADERS))
            lines.append(head + header)
            shift = indent + draw(st.sampled_from([2, 2, 1, 4, 0]))
            for _ in range(draw(st.integers(0, 3))):
                lines.append(" " * shift + draw(st.sampled_from(TEXT_LINES)))
        else:
            lines.append((head + draw(st.sampled_from(SCALARS))).rstrip(" ") or head)

    def mapping(indent: int, depth: int, first: str | None = None) -> None:
        keys = draw(st.lists(st.sampled_from(KEY_NAMES), min_size=1, max_size=4))
        for number, key in enumerate(keys):
            noise(indent)
            slip = draw(st.sampled_from([0] * 12 + [1, -1]))
            head = (first if number == 0 and first is not None else " " * (indent + slip)) + key
            head += ":"
            kind = draw(st.sampled_from(["scalar"] * 3 + ["map", "list"])) if depth else "scalar"
            if kind == "scalar":
                text_after(head + " ", indent)
            elif kind == "map":
                lines.append(head)
                mapping(indent + draw(st.sampled_from([2, 2, 4, 1])), depth - 1)
            else:
                lines.append(head)
                sequence(indent + draw(st.sampled_from([0, 2, 2])), depth - 1)

    def sequence(indent: int, depth: int) -> None:
        for _ in range(draw(st.integers(1, 3))):
            noise(indent)
            dash = " " * indent + draw(st.sampled_from(["- ", "- ", "-  "]))
            kind = draw(st.sampled_from(["scalar", "map", "map", "list"])) if depth else "scalar"
            if kind == "scalar":
                text_after(dash, indent)
            elif kind == "map":
                mapping(len(dash), depth - 1, first=dash)
            else:
                lines.append(dash.rstrip(" "))
                sequence(indent + 2, depth - 1)

    mapping(0, draw(st.integers(0, 4)))
    return "\n".join(lines) + "\n"


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block_document())
def test_block_documents_read_by_the_reader_are_read_alike_by_the_builder(text: str) -> None:
    check_reader(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deck_data(), st.sampled_from(["plain", "wide", "quoted"]))
def test_dumped_decks_read_by_the_reader_are_read_alike_by_the_builder(
    data: dict[str, object], style: str
) -> None:
    valid_deck(data)
    text = yaml.safe_dump(data, **DUMP_STYLES[style])
    check_reader(text)
    check_parse(text)
