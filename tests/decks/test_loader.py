"""Deck loading: every problem located as FILE:LINE:COL and named, good decks loaded in order.

tests/decks/fixtures/broken/ holds one deck per kind of error (plus one with three
problems); each case below pins the exact location of its single issue and words its
message must contain (the field, the problem).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.decks.loader import (
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    ContentError,
    ContentIssue,
    LoadedDeck,
    Location,
    load_deck_text,
    load_decks,
)
from bot.decks.model import EXPLANATION_MAX, POLL_OPTION_MAX, POLL_QUESTION_MAX, Deck

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
GOOD = FIXTURES / "good"

MINIMAL = """\
deck: inline
title: Inline deck
questions:
  - id: inline-q1
    topic: Testing
    question: Does it load?
    answer: Yes.
"""


@dataclass(frozen=True)
class Expected:
    line: int
    column: int
    words: tuple[str, ...]
    """Each must appear in the message: the field's path, and what is wrong."""


# One deck per kind of error, each with exactly one issue.
SINGLE_FILE_CASES: dict[str, Expected] = {
    "missing_field.yaml": Expected(4, 5, ("questions[0].answer", "missing")),
    "empty_field.yaml": Expected(5, 12, ("questions[0].topic", "empty")),
    "wrong_type.yaml": Expected(6, 11, ("questions[0].tags", "must be a list", "'latency'")),
    "duplicate_id.yaml": Expected(
        8, 9, ("questions[1].id", "'duplicate-id-q1'", "already used", "questions[0]", "line 4")
    ),
    "correct_out_of_range.yaml": Expected(
        9, 14, ("questions[0].correct", "3 is out of range", "0 to 2")
    ),
    "correct_without_choices.yaml": Expected(
        8, 14, ("questions[0].correct", "only allowed together with 'choices'")
    ),
    # Points at `choices`, since `correct` is absent.
    "choices_without_correct.yaml": Expected(
        8, 5, ("questions[0].correct", "required when 'choices' is given")
    ),
    "explanation_too_long.yaml": Expected(
        10, 18, ("questions[0].explanation", f"at most {EXPLANATION_MAX} characters", "207")
    ),
    "unknown_deck_key.yaml": Expected(3, 1, ("author", "unknown key")),
    "unknown_question_key.yaml": Expected(7, 5, ("questions[0].hint", "unknown key 'hint'")),
    "duplicate_key.yaml": Expected(
        8, 5, ("questions[0].topic", "duplicate key 'topic'", "first given on line 5")
    ),
    "tab_indentation.yaml": Expected(5, 1, ("tab", "indentation", "spaces")),
    "not_utf8.yaml": Expected(2, 11, ("UTF-8", "0xe9")),
    "empty.yaml": Expected(1, 1, ("empty",)),
    "top_level_list.yaml": Expected(1, 1, ("top level", "mapping", "not a list")),
    "top_level_scalar.yaml": Expected(2, 1, ("top level", "mapping", "not a single value")),
    "invalid_syntax.yaml": Expected(6, 29, ("invalid YAML", "mapping values", "quotes")),
    "bad_id.yaml": Expected(4, 9, ("questions[0].id", "'Latency P99'", "lowercase")),
}


def issues_of(*paths: Path) -> list[ContentIssue]:
    with pytest.raises(ContentError) as caught:
        load_decks(paths)
    return caught.value.issues


def load_text(text: str | bytes, file: str = "deck.yaml") -> LoadedDeck:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return load_deck_text(raw, file)


def text_issues(text: str | bytes, file: str = "deck.yaml") -> list[ContentIssue]:
    with pytest.raises(ContentError) as caught:
        load_text(text, file)
    assert caught.value.issues, "a ContentError always carries its issues"
    return caught.value.issues


def where(issue: ContentIssue) -> tuple[int, int]:
    return issue.location.line, issue.location.column


# --- one broken deck per kind of error --------------------------------------------------


@pytest.mark.parametrize("name", sorted(SINGLE_FILE_CASES))
def test_each_broken_fixture_reports_its_one_issue_located_and_named(name: str) -> None:
    path = BROKEN / name
    expected = SINGLE_FILE_CASES[name]

    issues = issues_of(path)

    assert len(issues) == 1, "\n".join(map(str, issues))
    (issue,) = issues
    assert issue.location == Location(str(path), expected.line, expected.column)
    for word in expected.words:
        assert word in issue.message, f"{word!r} not in {issue.message!r}"
    assert str(issue) == f"{path}:{expected.line}:{expected.column}: {issue.message}"


@pytest.mark.parametrize("name", sorted(SINGLE_FILE_CASES))
def test_load_deck_text_reports_the_same_as_load_decks(name: str) -> None:
    path = BROKEN / name
    with pytest.raises(ContentError) as caught:
        load_deck_text(path.read_bytes(), str(path))
    assert caught.value.issues == issues_of(path)


def test_not_utf8_fixture_really_holds_invalid_bytes() -> None:
    raw = (BROKEN / "not_utf8.yaml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_every_broken_fixture_is_covered_by_a_case() -> None:
    on_disk = {p.name for p in BROKEN.glob("*.yaml")}
    assert on_disk == set(SINGLE_FILE_CASES) | {"three_problems.yaml"}
    assert {p.name for p in BROKEN.iterdir() if p.is_dir()} == {
        "dup-question-across",
        "dup-deck-across",
    }


def test_question_id_used_in_two_files() -> None:
    first, second = (
        BROKEN / "dup-question-across" / "a.yaml",
        BROKEN / "dup-question-across" / "b.yaml",
    )

    issues = issues_of(BROKEN / "dup-question-across")

    assert len(issues) == 1, "\n".join(map(str, issues))
    (issue,) = issues
    assert issue.location == Location(str(second), 8, 9)
    assert "questions[1].id" in issue.message
    assert "'dup-question-shared'" in issue.message
    assert f"already used at {first}:4:9" in issue.message


def test_deck_id_used_in_two_files() -> None:
    first, second = BROKEN / "dup-deck-across" / "a.yaml", BROKEN / "dup-deck-across" / "b.yaml"

    issues = issues_of(BROKEN / "dup-deck-across")

    assert len(issues) == 1, "\n".join(map(str, issues))
    (issue,) = issues
    assert issue.location == Location(str(second), 1, 7)
    assert issue.message.startswith("deck: ")
    assert f"'dup-deck' is already used at {first}:1:7" in issue.message


def test_cross_file_duplicates_are_reported_in_load_order() -> None:
    """Given the other way round, the first file named keeps the id."""
    a, b = BROKEN / "dup-deck-across" / "a.yaml", BROKEN / "dup-deck-across" / "b.yaml"
    (issue,) = issues_of(b, a)
    assert issue.location.file == str(a)


def test_the_whole_broken_folder_reports_exactly_the_union_of_its_files() -> None:
    expected = set()
    for path in BROKEN.glob("*.yaml"):
        expected.update(map(str, issues_of(path)))
    for folder in ("dup-question-across", "dup-deck-across"):
        expected.update(map(str, issues_of(BROKEN / folder)))

    issues = issues_of(BROKEN)

    assert len(issues) == len(expected) == len(SINGLE_FILE_CASES) + 3 + 2
    assert set(map(str, issues)) == expected
    files = [issue.location.file for issue in issues]
    assert files == sorted(files, key=lambda f: Path(f).parts), "grouped by file, in order"


# --- every error, not just the first --------------------------------------------------


def test_a_file_with_three_problems_yields_three_issues() -> None:
    path = BROKEN / "three_problems.yaml"

    issues = issues_of(path)

    assert [(where(i), i.message.split(":")[0]) for i in issues] == [
        ((4, 5), "questions[0].topic"),
        ((7, 9), "questions[1].id"),
        ((11, 5), "questions[1].hint"),
    ]
    assert "required but missing" in issues[0].message
    assert "already used by questions[0]" in issues[1].message
    assert "unknown key 'hint'" in issues[2].message


def test_duplicate_ids_in_one_file_are_reported_alongside_other_errors() -> None:
    text = """\
deck: dups
title: Duplicate ids and other errors
questions:
  - id: same
    topic: Testing
    question: First?
    answer: First.
    tags: not-a-list
  - id: same
    topic: Testing
    question: Second?
    answer: ""
  - id: same
    topic: Testing
    question: Third?
    answer: Third.
"""
    issues = text_issues(text)

    assert [(where(i), i.message.split(":")[0]) for i in issues] == [
        ((8, 11), "questions[0].tags"),
        ((9, 9), "questions[1].id"),
        ((12, 13), "questions[1].answer"),
        ((13, 9), "questions[2].id"),
    ]


def test_cross_file_duplicates_are_found_even_when_a_file_has_other_errors(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.yaml").write_text(MINIMAL.replace("answer: Yes.", "answer: ''"))
    (tmp_path / "b.yaml").write_text(MINIMAL.replace("title: Inline deck", "title: Other"))

    issues = issues_of(tmp_path)

    assert [(Path(i.location.file).name, where(i)) for i in issues] == [
        ("a.yaml", (7, 13)),  # the empty answer
        ("b.yaml", (1, 7)),  # the deck id
        ("b.yaml", (4, 9)),  # the question id
    ]
    assert "deck: id 'inline' is already used at" in issues[1].message
    assert "questions[0].id: 'inline-q1' is already used at" in issues[2].message


def test_problems_in_several_files_are_all_reported(tmp_path: Path) -> None:
    for name in ("missing_field.yaml", "wrong_type.yaml", "bad_id.yaml"):
        shutil.copy(BROKEN / name, tmp_path / name)
    issues = issues_of(tmp_path)
    assert sorted(Path(i.location.file).name for i in issues) == [
        "bad_id.yaml",
        "missing_field.yaml",
        "wrong_type.yaml",
    ]


def test_a_syntax_error_keeps_the_problems_found_before_it() -> None:
    text = MINIMAL.replace("    answer: Yes.\n", "    answer: Yes.\n    topic: again\n")
    text += "  - id: [unclosed\n"
    issues = text_issues(text)
    assert [where(i) for i in issues] == [(8, 5), (9, 18)]  # the end of the last line
    assert "duplicate key 'topic'" in issues[0].message
    assert issues[1].message.startswith("invalid YAML")


# --- a broken deck never loads ----------------------------------------------------------


@pytest.mark.parametrize("name", [*sorted(SINGLE_FILE_CASES), "three_problems.yaml"])
def test_a_broken_deck_never_loads_even_beside_good_ones(name: str) -> None:
    with pytest.raises(ContentError):
        load_decks([GOOD, BROKEN / name])
    with pytest.raises(ContentError):
        load_deck_text((BROKEN / name).read_bytes(), name)


def test_missing_path_is_a_located_issue(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    (issue,) = issues_of(GOOD, missing)
    assert str(issue) == f"{missing}:1:1: no such deck file or folder"


def test_a_folder_without_decks_is_an_issue(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("not a deck")
    (issue,) = issues_of(tmp_path)
    assert issue.location == Location(str(tmp_path), 1, 1)
    assert "no deck files" in issue.message


# --- good decks -------------------------------------------------------------------------


def test_a_folder_of_decks_loads_in_order() -> None:
    loaded = load_decks([GOOD])
    assert [item.deck.deck for item in loaded] == ["basics", "minimal", "zh-notes"]
    assert [Path(item.source).name for item in loaded] == ["basics.yaml", "minimal.yaml", "zh.yaml"]
    assert [len(item.deck.questions) for item in loaded] == [3, 1, 3]


def test_paths_load_in_the_order_given_and_each_file_once() -> None:
    loaded = load_decks([GOOD / "zh.yaml", GOOD, GOOD / "basics.yaml"])
    assert [item.deck.deck for item in loaded] == ["zh-notes", "basics", "minimal"]


def test_folders_are_searched_recursively_in_path_order_skipping_hidden(tmp_path: Path) -> None:
    def deck(path: Path, deck_id: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(MINIMAL.replace("inline", deck_id))

    deck(tmp_path / "b.yaml", "b")
    deck(tmp_path / "a" / "z.yml", "a-z")
    deck(tmp_path / "a.yaml", "a")
    deck(tmp_path / "c" / "d" / "e.yaml", "c-d-e")
    deck(tmp_path / ".git" / "x.yaml", "hidden-dir")
    deck(tmp_path / ".backup.yaml", "hidden-file")
    (tmp_path / "schema.json").write_text("{}")
    (tmp_path / "README.md").write_text("# decks")

    loaded = load_decks([tmp_path])

    assert [item.deck.deck for item in loaded] == ["a-z", "a", "b", "c-d-e"]


def test_loaded_deck_records_where_its_ids_stand() -> None:
    (basics, *_rest) = load_decks([GOOD])
    source = str(GOOD / "basics.yaml")
    assert basics.deck_location == Location(source, 2, 7)
    assert basics.id_locations == (
        Location(source, 7, 9),
        Location(source, 20, 9),
        Location(source, 28, 9),
    )


def test_good_deck_values() -> None:
    deck = load_decks([GOOD / "basics.yaml"])[0].deck
    latency, parquet, batch = deck.questions
    assert deck.language == "en"
    assert latency.tags == ["latency", "metrics"]
    assert latency.answer.startswith("The mean hides the slow tail")
    assert latency.answer.endswith("the tail.")  # block scalar, stripped
    assert [kp.match for kp in latency.key_points] == [
        ["mean", "average", "outlier"],
        ["p99", "tail", "percentile"],
    ]
    assert not latency.is_multiple_choice
    assert parquet.choices == ["CSV", "JSON", "Parquet"]
    assert parquet.correct == 2
    assert parquet.is_multiple_choice
    assert batch.id == "basics.batch_vs_online"
    assert batch.question.startswith("Batch or online prediction: which")


# --- Chinese and other Unicode ---------------------------------------------------------


def test_chinese_text_loads() -> None:
    deck = load_decks([GOOD / "zh.yaml"])[0].deck
    assert deck.title == "机器学习系统设计（中文笔记）"
    assert deck.language == "zh"
    first, formats, override = deck.questions
    assert first.question == "哪些问题适合用机器学习来解决？"
    assert first.tags == ["基础", "ml-basics"]
    assert first.key_points[0].match == ["规律", "模式", "pattern"]
    assert formats.choices == ["行式", "列式", "两者一样"]
    assert formats.explanation == "分析查询通常只读几列，列式存储只需读取这些列。"
    assert override.language == "en"


def test_chinese_deck_round_trips_through_yaml() -> None:
    deck = load_decks([GOOD / "zh.yaml"])[0].deck
    dumped = yaml.safe_dump(
        deck.model_dump(mode="json", exclude_none=True), allow_unicode=True, sort_keys=False
    )
    assert "机器学习系统设计" in dumped  # written as text, not escapes

    again = load_text(dumped).deck

    assert again == deck
    assert again.model_dump() == deck.model_dump()


def test_columns_count_characters_not_bytes() -> None:
    text = MINIMAL.replace("question: Does it load?", "question: 中文问题\n    提示: 中文")
    (issue,) = text_issues(text)
    assert where(issue) == (7, 5)
    text = "deck: d\ntitle: 标题\nquestions:\n  - {id: q, topic: 主题, question: 问题, answer: 答, x: 1}\n"
    (issue,) = text_issues(text)
    assert where(issue) == (4, 49)  # in bytes it would be column 59
    assert issue.message == "questions[0].x: unknown key 'x'"


def test_invalid_utf8_after_chinese_is_located_in_characters() -> None:
    raw = "deck: d\ntitle: 中文".encode() + b"\xff\n"
    (issue,) = text_issues(raw)
    assert where(issue) == (2, 10)


def test_several_invalid_bytes_are_each_reported() -> None:
    raw = b"deck: \xff\ntitle: \xfe\xfe\n"
    assert [where(i) for i in text_issues(raw)] == [(1, 7), (2, 8), (2, 9)]


def test_byte_order_mark_and_crlf_are_accepted_and_located_alike() -> None:
    assert load_text(b"\xef\xbb\xbf" + MINIMAL.encode()).deck.deck == "inline"
    assert load_text(MINIMAL.replace("\n", "\r\n")).deck.deck == "inline"
    broken = MINIMAL.replace("answer: Yes.", "answer: ''")
    expected = [where(i) for i in text_issues(broken)]
    assert expected == [(7, 13)]
    assert [where(i) for i in text_issues(broken.replace("\n", "\r\n"))] == expected
    assert [where(i) for i in text_issues(b"\xef\xbb\xbf" + broken.encode())] == expected


def test_control_characters_are_located() -> None:
    issues = text_issues(MINIMAL.replace("Yes.", "Yes\x07.").replace("Testing", "Te\x00sting"))
    assert [where(i) for i in issues] == [(5, 14), (7, 16)]
    assert "U+0000" in issues[0].message


# --- YAML that a deck never needs -------------------------------------------------------


def test_merge_keys_are_refused() -> None:
    text = MINIMAL + "  - <<: {topic: Testing}\n    id: inline-q2\n    question: Q\n    answer: A\n"
    issues = text_issues(text)
    assert [where(i) for i in issues] == [(8, 5), (8, 5)]
    assert "merge keys (<<) are not supported" in issues[0].message
    assert issues[1].message == "questions[1].topic: required but missing"


def test_custom_tags_are_refused_not_constructed() -> None:
    text = MINIMAL.replace("answer: Yes.", "answer: !!python/object/apply:os.system ['true']")
    (issue,) = text_issues(text)
    assert where(issue) == (7, 13)
    assert "questions[0].answer: unsupported tag" in issue.message
    text = MINIMAL.replace("answer: Yes.", "answer: !!python/name:os.system x")
    (issue,) = text_issues(text)
    assert "questions[0].answer: cannot read this value" in issue.message


def test_aliases_work_but_one_referring_to_itself_is_refused() -> None:
    text = MINIMAL.replace("topic: Testing", "topic: &t Testing") + (
        "  - id: inline-q2\n    topic: *t\n    question: Q\n    answer: A\n"
    )
    assert [q.topic for q in load_text(text).deck.questions] == ["Testing", "Testing"]

    text = MINIMAL + "description: &d [*d]\n"
    issues = text_issues(text)
    assert any("refers to itself" in i.message for i in issues)


def test_unknown_alias_is_located() -> None:
    (issue,) = text_issues(MINIMAL.replace("answer: Yes.", "answer: *nothing"))
    assert where(issue) == (7, 13)
    assert "*nothing" in issue.message


def test_alias_bombs_are_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    issues = text_issues("\n".join(lines) + "\n")
    assert any(f"more than {MAX_ALIAS_EXPANSION:,} values" in i.message for i in issues)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000, 200_000])
def test_deep_nesting_is_refused_without_crashing(depth: int) -> None:
    # The loader's own limit or libyaml's (PyYAML >= 6.0.4 stops flow nesting at 1000 levels)
    # may stop it first; either way: a located error that names the limit, no crash.
    for text in ("a: " + "[" * depth + "]" * depth + "\n", "- " * depth + "x\n"):
        (issue,) = text_issues(text)
        line, column = where(issue)
        assert line == 1
        opened = text.index("[") if "[" in text else 0
        assert opened < column <= len(text) - 1, "points at the nesting, not past it"
        assert f"nested more than {MAX_DEPTH} levels deep" in issue.message


def test_a_second_document_is_refused() -> None:
    (issue,) = text_issues(MINIMAL + "---\ndeck: other\n")
    assert where(issue) == (8, 1)
    assert "second YAML document" in issue.message


def test_keys_must_be_plain_words() -> None:
    issues = text_issues(MINIMAL + "? [a, b]\n: c\n")
    assert [(where(i), "a key must be a plain word" in i.message) for i in issues] == [
        ((8, 3), True)
    ]


# --- values YAML reads differently than people expect ----------------------------------


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("yes", "not true (yes/no/on/off are booleans in YAML); put it in quotes"),
        ("No", "not false"),
        ("2024-01-01", "not the date 2024-01-01; put it in quotes"),
        ("12", "not the number 12; put it in quotes"),
        ("1.5", "not the number 1.5"),
        ("", "must not be empty"),
        ("~", "must not be empty"),
        ("[a, b]", "not a list"),
    ],
)
def test_non_text_answers_are_explained(value: str, found: str) -> None:
    (issue,) = text_issues(MINIMAL.replace("answer: Yes.", f"answer: {value}"))
    assert where(issue) == (7, 13 if value else 12)  # an empty value: just after the colon
    assert issue.message.startswith("questions[0].answer: ")
    assert found in issue.message


def test_quoted_values_stay_text() -> None:
    text = MINIMAL.replace("answer: Yes.", "answer: 'yes'").replace(
        "topic: Testing", 'topic: "2024-01-01"'
    )
    question = load_text(text).deck.questions[0]
    assert (question.answer, question.topic) == ("yes", "2024-01-01")


def test_unreadable_values_are_reported_once() -> None:
    (issue,) = text_issues(MINIMAL.replace("topic: Testing", "topic: 2024-02-30"))
    assert where(issue) == (5, 12)
    assert "cannot read this value" in issue.message


@pytest.mark.parametrize(
    ("correct", "message"),
    [
        ("5", "5 is out of range: there are 2 choices (valid: 0 to 1)"),
        ("99999999999999999999999999", "this number is too large"),
        ("-1", "must be 0 or more"),
        ("true", "must be a whole number, not true"),
        ("'1'", "must be a whole number, not the text '1'"),
        ("1.0", "must be a whole number"),
    ],
)
def test_bad_correct_values(correct: str, message: str) -> None:
    text = MINIMAL + f"    choices: [a, b]\n    correct: {correct}\n"
    (issue,) = text_issues(text)
    assert where(issue) == (9, 14)
    assert issue.message.startswith("questions[0].correct: ")
    assert message in issue.message


@pytest.mark.parametrize(
    "number", ["0x" + "F" * 5000, "-0x" + "f" * 5000, "9" * 5000, "9223372036854775808"]
)
def test_huge_numbers_are_refused_without_crashing(number: str) -> None:
    """Python refuses to print ints over 4300 digits; they must not reach any message."""
    text = MINIMAL.replace("topic: Testing", f"topic: {number}")
    text += f"    choices: [a, b]\n    correct: {number}\n"
    issues = text_issues(text)
    assert [(where(i), i.message.split(":")[0]) for i in issues] == [
        ((5, 12), "questions[0].topic"),
        ((9, 14), "questions[0].correct"),
    ]
    assert all(len(i.message) < 200 for i in issues)


def test_unknown_key_suggests_the_closest_field() -> None:
    missing, typo = text_issues(MINIMAL.replace("answer:", "anwser:"))
    assert (where(missing), where(typo)) == ((4, 5), (7, 5))
    assert typo.message == "questions[0].anwser: unknown key 'anwser' (did you mean 'answer'?)"
    assert missing.message == "questions[0].answer: required but missing"
    missing, typo = text_issues(MINIMAL.replace("title:", "titel:"))
    assert str(missing) == "deck.yaml:1:1: title: required but missing"
    assert str(typo) == "deck.yaml:2:1: titel: unknown key 'titel' (did you mean 'title'?)"


def test_nested_key_point_errors_are_located() -> None:
    text = MINIMAL + (
        "    key_points:\n"
        "      - point: Fine\n"
        "        match: [fine]\n"
        "      - point: No terms\n"
        "        match: []\n"
        "      - point: ''\n"
        "        match: [x, '  ']\n"
    )
    issues = text_issues(text)
    assert [(where(i), i.message) for i in issues] == [
        ((12, 16), "questions[0].key_points[1].match: must have at least 1 item(s)"),
        ((13, 16), "questions[0].key_points[2].point: must not be empty"),
        ((14, 20), "questions[0].key_points[2].match[1]: must not be empty"),
    ]


def test_key_points_may_leave_out_match_terms_and_be_optional() -> None:
    text = MINIMAL + (
        "    key_points:\n"
        "      - point: Said in any words\n"
        "      - point: A bonus\n"
        "        match: [bonus]\n"
        "        optional: true\n"
    )
    (question,) = load_text(text).deck.questions
    plain, bonus = question.key_points
    assert (plain.match, plain.optional) == ([], False)
    assert (bonus.match, bonus.optional) == (["bonus"], True)


def test_optional_must_be_true_or_false() -> None:
    text = MINIMAL + "    key_points:\n      - point: A bonus\n        optional: maybe\n"
    (issue,) = text_issues(text)
    assert "questions[0].key_points[0].optional" in issue.message


# --- Telegram's limits -----------------------------------------------------------------


def test_explanation_of_exactly_the_limit_loads() -> None:
    base = MINIMAL + "    choices: [a, b]\n    correct: 0\n"
    assert load_text(base + f"    explanation: {'x' * EXPLANATION_MAX}\n")
    (issue,) = text_issues(base + f"    explanation: {'x' * (EXPLANATION_MAX + 1)}\n")
    assert "questions[0].explanation" in issue.message


def test_choices_must_fit_a_quiz_poll() -> None:
    base = MINIMAL + "    correct: 0\n"
    assert load_text(base + f"    choices: [a, {'b' * POLL_OPTION_MAX}]\n")
    (issue,) = text_issues(base + f"    choices: [a, {'b' * (POLL_OPTION_MAX + 1)}]\n")
    assert issue.message.startswith("questions[0].choices[1]: must be at most 100 characters")
    (issue,) = text_issues(base + "    choices: [only]\n")
    assert issue.message == "questions[0].choices: must have at least 2 item(s)"
    (issue,) = text_issues(base + f"    choices: [{', '.join('abcdefghijk')}]\n")
    assert issue.message.startswith("questions[0].choices: must have at most 10 items")


def test_a_multiple_choice_question_must_fit_a_quiz_poll() -> None:
    long_question = "q" * (POLL_QUESTION_MAX + 1)
    text = MINIMAL.replace("Does it load?", long_question)
    assert load_text(text).deck.questions[0].question == long_question  # free text: fine
    (issue,) = text_issues(text + "    choices: [a, b]\n    correct: 0\n")
    assert issue.message.startswith("questions[0].choices: a multiple-choice question is at most")


@pytest.mark.parametrize("language", ["en", "zh", "zh-Hans", "zh-Hans-CN", "yue"])
def test_language_tags_accepted(language: str) -> None:
    assert load_text(MINIMAL + f"language: {language}\n").deck.language == language


@pytest.mark.parametrize("language", ["EN", "english", "zh_CN", ""])
def test_language_tags_refused(language: str) -> None:
    (issue,) = text_issues(MINIMAL + f"language: '{language}'\n")
    assert issue.message.startswith("language: ")


def test_deck_ids_have_their_own_form() -> None:
    (issue,) = text_issues(MINIMAL.replace("deck: inline", "deck: My_Deck"))
    assert where(issue) == (1, 7)
    assert "deck: 'My_Deck' is not valid here; use lowercase letters, digits and '-'" in str(issue)


def test_the_model_alone_validates_python_data() -> None:
    data = yaml.safe_load(MINIMAL)
    assert Deck.model_validate(data) == load_text(MINIMAL).deck
