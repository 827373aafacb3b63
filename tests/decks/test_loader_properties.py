"""Property tests: whatever bytes a deck file holds, the loader either loads it or raises
ContentError whose every issue is located inside the file; never any other exception.

Inputs: random bytes and text, YAML-ish noise, mutations of valid decks (lines deleted,
duplicated, swapped, re-indented; snippets inserted: tabs, colons, quotes, anchors and
aliases, `!!python/object` tags, `<<:` merge keys, deep nesting, huge ints, dates, control
characters, line separators, broken UTF-8), pairs of mutated decks loaded together, and
random valid decks that must survive a YAML round trip.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.decks.issues import line_column
from bot.decks.loader import ContentError, ContentIssue, LoadedDeck, load_deck_text, load_decks
from bot.decks.model import Deck
from bot.decks.yamltext import _NOT_PRINTABLE, unprintable_issues

FIXTURES = Path(__file__).parent / "fixtures"
BASES = [
    (FIXTURES / "good" / "basics.yaml").read_text(encoding="utf-8"),
    (FIXTURES / "good" / "zh.yaml").read_text(encoding="utf-8"),
    (FIXTURES / "broken" / "three_problems.yaml").read_text(encoding="utf-8"),
]
FILE = "deck.yaml"

# YAML 1.1 line breaks (what libyaml counts), independent of the loader's own definition.
BREAKS = re.compile(rb"\r\n|\r|\n|\xc2\x85|\xe2\x80\xa8|\xe2\x80\xa9")

SNIPPETS = [
    "\t",
    "\t\t",
    ":",
    ": ",
    " :",
    "'",
    '"',
    "\\",
    "&a ",
    "*a",
    "&a [*a]",
    "*undefined",
    "!!python/object:os.system ",
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system ",
    "!custom ",
    "!!binary ",
    "!!int ",
    "!!bool ",
    "!!timestamp ",
    "!!float ",
    "!!set ",
    "!!omap ",
    "!!map ",
    "!!seq ",
    "!!str ",
    "! ",
    "<<: *a",
    "<<: {topic: x}",
    "<<: [*a]",
    "[" * 80,
    "{" * 80,
    "- " * 80,
    "[",
    "]",
    "{",
    "}",
    ",",
    "- ",
    "? ",
    "#",
    "|",
    ">",
    "|-",
    ">+2",
    "---",
    "...",
    "%YAML 1.1",
    "%TAG ! tag:example.com,2000:",
    "9" * 5000,
    "0x" + "F" * 5000,
    "-0x" + "f" * 5000,
    "0b" + "1" * 20000,
    "-" + "9" * 30,
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "1:30:00",
    "6.02e+23",
    ".inf",
    ".nan",
    "2024-01-01",
    "2024-02-30",
    "2001-12-14t21:59:43.10-05:00",
    "~",
    "null",
    "yes",
    "No",
    "on",
    "=",
    "<<",
    "@",
    "`",
    "%",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffe",
    "\r",
    "\r\n",
    "\n",
    "\n\n\n",
    "中文",
    "题：",
    "é",
    "\U0001f600",
    "id: x",
    "questions:",
    "correct: 99",
    "choices: []",
    "a: b: c",
    "- - - x",
]
RAW_SNIPPETS = [
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xe4\xb8",
    b"\xed\xa0\x80",
    b"\x80",
    b"\xef\xbb\xbf",
]


def line_count(raw: bytes) -> int:
    breaks = BREAKS.findall(raw)
    ends_with_break = (
        bool(breaks) and BREAKS.search(raw[-3:]) is not None and raw.endswith(tuple(breaks[-1:]))
    )
    return max(1, len(breaks) + (0 if ends_with_break else 1))


def check(raw: bytes) -> LoadedDeck | None:
    """The property: a deck, or a ContentError with issues located inside the file."""
    try:
        loaded = load_deck_text(raw, FILE)
    except ContentError as exc:
        assert exc.issues
        lines = line_count(raw)
        for issue in exc.issues:
            assert isinstance(issue, ContentIssue)
            assert issue.location.file == FILE
            assert 1 <= issue.location.line <= lines, (issue, lines)
            assert issue.location.column >= 1, issue
            assert issue.message.strip(), issue
        _check_columns(raw, exc.issues)
        return None
    assert isinstance(loaded.deck, Deck)
    assert len(loaded.id_locations) == len(loaded.deck.questions)
    return loaded


def _check_columns(raw: bytes, issues: list[ContentIssue]) -> None:
    """When the file is text, each column is within its line (or just past its end)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return
    lines = re.split("\r\n|[\r\n\x85\u2028\u2029]", text)
    for issue in issues:
        line = lines[issue.location.line - 1]
        assert issue.location.column <= len(line) + 1, (issue, line)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    lines = draw(st.sampled_from(BASES)).splitlines(keepends=True)
    raw_inserts: list[tuple[int, bytes]] = []
    for _ in range(draw(st.integers(1, 6))):
        op = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "insert", "replace", "indent", "raw", "append"]
            )
        )
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op in ("insert", "replace"):
            snippet = draw(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=12)))
            if op == "replace":
                lines[i] = snippet + "\n"
            else:
                at = draw(st.integers(0, len(lines[i])))
                lines[i] = lines[i][:at] + snippet + lines[i][at:]
        elif op == "indent":
            delta = draw(st.integers(-4, 4))
            line = lines[i]
            lines[i] = " " * delta + line if delta >= 0 else line[min(-delta, len(line)) :]
        elif op == "raw":
            raw_inserts.append((i, draw(st.sampled_from(RAW_SNIPPETS))))
        else:
            lines.append(draw(st.sampled_from(SNIPPETS)) + "\n")
    encoded = [line.encode("utf-8", "surrogatepass") for line in lines]
    for i, chunk in raw_inserts:
        if i < len(encoded):
            encoded[i] = chunk + encoded[i]
    return b"".join(encoded)


YAMLISH = st.text(alphabet=st.sampled_from(list(":-[]{}'\"!&*#|>?,.% \n\t\r\\ab01中~@`<=")))


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(raw: bytes) -> None:
    check(raw)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    check(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=1000, deadline=None)
@given(YAMLISH)
def test_yaml_like_noise(text: str) -> None:
    check(text.encode("utf-8"))


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_decks(raw: bytes) -> None:
    check(raw)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), mutated())
def test_mutated_pairs_of_files(first: bytes, second: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / "a.yaml", Path(folder) / "b.yaml"]
        for path, raw in zip(paths, (first, second), strict=True):
            path.write_bytes(raw)
        counts = {
            str(path): line_count(raw) for path, raw in zip(paths, (first, second), strict=True)
        }
        try:
            loaded = load_decks([Path(folder)])
        except ContentError as exc:
            assert exc.issues
            for issue in exc.issues:
                assert issue.location.file in counts
                assert 1 <= issue.location.line <= counts[issue.location.file], issue
                assert issue.location.column >= 1
        else:
            assert len(loaded) == 2


# --- valid decks survive a round trip ---------------------------------------------------

WORDS = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from(list(":#-'\"[]{}&*!|>%@`,?\n ")),
    ),
    min_size=1,
    max_size=30,
)
QUESTION_IDS = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True)


@st.composite
def deck_data(draw: st.DrawFn) -> dict[str, object]:
    ids = draw(st.lists(QUESTION_IDS, min_size=1, max_size=4, unique=True))
    questions = []
    for question_id in ids:
        question: dict[str, object] = {
            "id": question_id,
            "topic": draw(WORDS),
            "question": draw(WORDS),
            "answer": draw(WORDS),
        }
        if draw(st.booleans()):
            question["tags"] = draw(st.lists(WORDS, max_size=3))
        if draw(st.booleans()):
            question["key_points"] = [
                {"point": draw(WORDS), "match": draw(st.lists(WORDS, min_size=1, max_size=3))}
            ]
        if draw(st.booleans()):
            choices = draw(st.lists(WORDS, min_size=2, max_size=4))
            question["choices"] = choices
            question["correct"] = draw(st.integers(0, len(choices) - 1))
            question["explanation"] = draw(WORDS)
        questions.append(question)
    return {
        "deck": draw(st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True)),
        "title": draw(WORDS),
        "language": draw(st.sampled_from(["en", "zh", "zh-Hans"])),
        "questions": questions,
    }


DUMP_STYLES: dict[str, dict[str, Any]] = {
    "plain": {"allow_unicode": True, "sort_keys": False},
    "wide": {"allow_unicode": True, "sort_keys": False, "width": 10_000},
    "quoted": {"allow_unicode": True, "sort_keys": False, "default_style": "'"},
    "flow": {"allow_unicode": True, "default_flow_style": True, "width": 60},
    "canonical": {"allow_unicode": False, "canonical": True},
}
"""How `yaml.safe_dump` may write a deck (arguments by style) for the tests to read back."""


def valid_deck(data: dict[str, object]) -> Deck:
    """The deck `data` stands for; hypothesis drops the example when it is not valid."""
    try:
        return Deck.model_validate(data)
    except ValidationError:
        assume(False)
        raise


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deck_data(), st.sampled_from(["plain", "flow", "canonical"]))
def test_valid_decks_round_trip(data: dict[str, object], style: str) -> None:
    expected = valid_deck(data)
    text = yaml.safe_dump(data, **DUMP_STYLES[style])
    loaded = check(text.encode("utf-8"))
    assert loaded is not None, text
    assert loaded.deck == expected


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=200), st.text(st.characters(max_codepoint=0x7F), max_size=200)))
def test_unprintable_characters_are_found_as_the_pattern_finds_them(text: str) -> None:
    found = [
        (line_column(text, match.start()), ord(match.group()))
        for match in _NOT_PRINTABLE.finditer(text)
    ][:20]
    issues = unprintable_issues(text, FILE)
    assert [(i.location.line, i.location.column) for i in issues] == [at for at, _ in found]
    assert all(f"U+{code:04X}" in i.message for i, (_, code) in zip(issues, found, strict=True))
