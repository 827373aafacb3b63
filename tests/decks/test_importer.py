"""The notes importer as a command: markdown study notes in, a valid deck YAML out."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml

from bot.decks.catalog import Catalog
from bot.decks.importer import (
    import_notes,
    normalize_question,
    plan_import,
    render_deck,
    run_import,
)
from bot.decks.loader import load_deck_text
from bot.decks.model import deck_id_problem
from bot.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from tests.decks.importing import (
    JOB_PLAN,
    READING,
    import_to,
    load,
    parse,
    parsed,
    write_notes,
)

# --- importing the notes fixtures -------------------------------------------------------


def test_importing_the_reading_notes_writes_a_deck_the_loader_accepts(tmp_path: Path) -> None:
    out = tmp_path / "mlsd.yaml"
    code, report, errors = import_to(READING, out)
    assert (code, errors) == (EXIT_OK, "")
    deck = load(out)
    assert deck.deck == "mlsd"
    assert len(deck.questions) == 42
    Catalog.load([out])  # the whole-catalog checks (unique ids) pass too
    assert "Found 42 questions" in report


def test_every_imported_question_gets_key_points_that_the_loader_accepts(tmp_path: Path) -> None:
    out = tmp_path / "mlsd.yaml"
    import_to(READING, out)
    for question in load(out).questions:
        assert 1 <= len(question.key_points) <= 5, question.id
        for point in question.key_points:
            assert point.match and all(term.strip() for term in point.match)


def test_ids_are_the_same_on_every_run(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    import_to(READING, first)
    import_to(READING, second)
    assert [q.id for q in load(first).questions] == [q.id for q in load(second).questions]
    assert first.read_bytes() == second.read_bytes()


def test_ids_are_unique_prefixed_by_the_deck_and_short(tmp_path: Path) -> None:
    out = tmp_path / "dmls.yaml"
    import_to(READING, out, deck="dmls")
    ids = [q.id for q in load(out).questions]
    assert len(set(ids)) == len(ids)
    for question_id in ids:
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", question_id)
        assert len(question_id) <= 48
        assert question_id.startswith("dmls-")
    assert ids[0].startswith("dmls-ch4.1-")  # the book named like the deck is not repeated
    assert ids[-1].startswith("dmls-aie-week-2-")


def test_ids_depend_on_the_question_text_not_on_its_position(tmp_path: Path) -> None:
    one = write_notes(
        tmp_path,
        """\
        ## ch1
        ### ❓ Q1: What is A?
        ✅ Answer: first
        ### ❓ Q2: What is B?
        ✅ Answer: second
        """,
        "one.md",
    )
    two = write_notes(
        tmp_path,
        """\
        ## ch1
        ### ❓ Q1: What is B?
        ✅ Answer: second
        ### ❓ Q2: What is A?
        ✅ Answer: first
        """,
        "two.md",
    )
    import_to(one, tmp_path / "one.yaml", deck="d")
    import_to(two, tmp_path / "two.yaml", deck="d")
    ids_one = {q.question: q.id for q in load(tmp_path / "one.yaml").questions}
    ids_two = {q.question: q.id for q in load(tmp_path / "two.yaml").questions}
    assert ids_one == ids_two


def test_rerunning_into_the_same_file_skips_everything_as_already_present(tmp_path: Path) -> None:
    out = tmp_path / "mlsd.yaml"
    import_to(READING, out)
    before = out.read_bytes()
    code, report, _ = import_to(READING, out)
    assert code == EXIT_OK
    assert out.read_bytes() == before
    assert "0 new, 42 skipped" in report
    assert report.count(f"already in {out}") == 42
    assert "unchanged" in report


def test_appending_adds_only_new_questions_and_keeps_the_existing_ones_as_written(
    tmp_path: Path,
) -> None:
    first = write_notes(
        tmp_path,
        """\
        ## ch1
        ### ❓ Q1: What is a p95 latency?
        ✅ Answer:
        - The latency 95% of requests beat.
        """,
        "day1.md",
    )
    out = tmp_path / "deck.yaml"
    import_to(first, out, deck="d")
    edited = "# my own comment\n" + out.read_text(encoding="utf-8").replace(
        "match: [", "match: [tail latency, "
    )
    out.write_text(edited, encoding="utf-8")
    second = write_notes(
        tmp_path,
        """\
        ## ch1
        ### ❓ Q1: What is a p95 latency?
        ✅ Answer: changed wording that must not overwrite the edited deck
        ## ch2
        ### ❓ Q2: Why batch requests?
        ✅ Answer:
        - **Throughput** goes up.
        - Each request waits longer.
        """,
        "day2.md",
    )
    code, report, _ = import_to(second, out, deck="d")
    assert code == EXIT_OK
    text = out.read_text(encoding="utf-8")
    assert text.startswith(edited)  # appended, byte for byte
    deck = load(out)
    assert [q.question for q in deck.questions] == ["What is a p95 latency?", "Why batch requests?"]
    assert deck.questions[0].key_points[0].match[0] == "tail latency"
    assert "1 new, 1 skipped" in report
    assert "now has 2" in report


def test_an_output_file_holding_another_deck_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "other.yaml"
    import_to(JOB_PLAN, out, deck="jobs")
    before = out.read_bytes()
    code, _, errors = import_to(READING, out, deck="mlsd")
    assert code == EXIT_FAILED
    assert "holds deck 'jobs', not 'mlsd'" in errors
    assert out.read_bytes() == before


def test_the_job_plan_repeats_of_the_reading_notes_are_skipped_because_their_texts_match(
    tmp_path: Path,
) -> None:
    # The plan's four questions are, word for word, the four "Common Interview Questions"
    # of the reading notes (only the bold markers and the answers differ): all are repeats.
    common = [n for n in parsed(READING) if n.topic("").startswith("AIE Common Interview")]
    repeats = parsed(JOB_PLAN)
    assert [normalize_question(n.question) for n in repeats] == [
        normalize_question(n.question) for n in common
    ]
    mlsd = tmp_path / "mlsd.yaml"
    import_to(READING, mlsd)
    code, _, report = import_to(JOB_PLAN, None, deck="jobs", existing=Catalog.load([mlsd]))
    assert code == EXIT_OK
    assert "0 new, 4 skipped" in report
    assert report.count("already in deck 'mlsd'") == 4
    ids = {q.question: q.id for q in load(mlsd).questions}
    for note in repeats:
        assert f"skip  {ids[note.question]}  {note.question}" in report


def test_a_question_repeated_later_in_the_same_notes_is_skipped(tmp_path: Path) -> None:
    notes = write_notes(
        tmp_path,
        """\
        ## ch1
        ### ❓ Q1: What is RAG?
        ✅ Answer: Retrieval plus generation.
        ## ch9
        #### **❓ Q7: what is  RAG ？**
        ✅ **Answer:** Said again.
        """,
    )
    code, _, report = import_to(notes, None, deck="d")
    assert code == EXIT_OK
    assert "1 new, 1 skipped" in report
    assert re.search(r"skip  d-ch1-\w+  what is  ?RAG ？.*same as line 2 of", report)


def test_without_output_file_the_yaml_goes_to_stdout_and_the_report_to_stderr(
    tmp_path: Path,
) -> None:
    code, yaml_text, report = import_to(JOB_PLAN, None, deck="jobs")
    assert code == EXIT_OK
    deck = load_deck_text(yaml_text.encode("utf-8"), "<stdout>").deck
    assert len(deck.questions) == 4
    assert yaml_text.startswith("deck: jobs\n")
    assert "Found 4 questions" in report and "Found 4 questions" not in yaml_text
    assert "  new   jobs-" in report and "  new   jobs-" not in yaml_text


def test_with_output_file_the_report_goes_to_stdout(tmp_path: Path) -> None:
    code, report, errors = import_to(JOB_PLAN, tmp_path / "jobs.yaml", deck="jobs")
    assert (code, errors) == (EXIT_OK, "")
    lines = report.splitlines()
    assert lines[0].startswith("Found 4 questions")
    assert all(re.match(r"  new   jobs-\S+  \S", line) for line in lines[1:5])


def test_yaml_is_readable_unicode_with_literal_block_answers(tmp_path: Path) -> None:
    out = tmp_path / "mlsd.yaml"
    import_to(READING, out)
    text = out.read_text(encoding="utf-8")
    assert "question: 为什么要关心训练数据的采样方式？" in text
    assert "\\u" not in text and "\\U" not in text
    assert "    answer: |-\n      采样方式决定了模型看到的数据分布：\n" in text
    assert re.search(r"^        match: \[.+\]$", text, re.MULTILINE)
    assert re.search(r"^  - id: mlsd-", text, re.MULTILINE)


def test_ids_fit_48_characters_even_with_a_long_deck_id_and_chapter() -> None:
    deck_id = "a" * 32
    notes = parse("## chapter 12.34 a very long chapter name indeed\n### ❓ Q: A?\n✅ Answer: a\n")
    (question,) = plan_import(notes, deck_id).added
    assert len(question.id) <= 48
    assert question.id.startswith(f"{deck_id}-")


# --- errors -----------------------------------------------------------------------------


def test_missing_notes_file_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    code, out, errors = import_to(tmp_path / "nope.md", None)
    assert code == EXIT_FAILED and out == ""
    assert errors.count("\n") == 1 and f"{tmp_path / 'nope.md'}: no such notes file" in errors


def test_notes_without_questions_are_an_error(tmp_path: Path) -> None:
    notes = write_notes(tmp_path, "# Title\n## ch1\nJust prose, no ❓ marks here? No.\n")
    code, out, errors = import_to(notes, tmp_path / "x.yaml")
    assert code == EXIT_FAILED and out == ""
    assert f"{notes}: no questions found" in errors
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize("deck_id", ["MLSD", "ml sd", "-mlsd", "", "a" * 33, "ml_sd"])
def test_an_invalid_deck_id_is_a_usage_error(tmp_path: Path, deck_id: str) -> None:
    code, _, errors = import_to(JOB_PLAN, None, deck=deck_id)
    assert code == EXIT_USAGE
    assert errors.startswith("quizbot content import: --deck: invalid deck id")


def test_output_that_is_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, _, errors = import_to(JOB_PLAN, tmp_path, deck="jobs")
    assert code == EXIT_USAGE
    assert "is a folder" in errors


def test_output_in_a_missing_folder_is_an_error_before_any_report(tmp_path: Path) -> None:
    code, out, errors = import_to(JOB_PLAN, tmp_path / "no" / "x.yaml", deck="jobs")
    assert code == EXIT_FAILED and out == ""
    assert "no folder" in errors


def test_an_invalid_existing_output_deck_is_reported_with_its_location(tmp_path: Path) -> None:
    out = tmp_path / "broken.yaml"
    out.write_text("deck: jobs\ntitle: x\nquestions: []\n", encoding="utf-8")
    code, _, errors = import_to(JOB_PLAN, out, deck="jobs")
    assert code == EXIT_FAILED
    assert f"{out}:3:" in errors
    assert out.read_text(encoding="utf-8") == "deck: jobs\ntitle: x\nquestions: []\n"


def test_an_output_deck_whose_layout_cannot_be_appended_to_is_rewritten_whole(
    tmp_path: Path,
) -> None:
    out = tmp_path / "deck.yaml"
    out.write_text(
        yaml.safe_dump(
            {
                "questions": [{"id": "d-old", "topic": "t", "question": "Old?", "answer": "x"}],
                "deck": "d",
                "title": "T",
            }
        ),
        encoding="utf-8",
    )
    notes = write_notes(tmp_path, "### ❓ New?\n✅ Answer: y\n")
    code, report, _ = import_to(notes, out, deck="d")
    assert code == EXIT_OK
    assert "rewrote the whole file" in report
    assert load(out).questions[0].id == "d-old"
    assert len(load(out).questions) == 2


# --- deck ids that clash with the configured content ------------------------------------


def test_a_deck_id_a_configured_deck_has_is_refused_before_writing_with_a_free_suggestion(
    tmp_path: Path,
) -> None:
    configured = tmp_path / "dmls.yaml"
    import_to(JOB_PLAN, configured, deck="dmls")
    taken = tmp_path / "taken.yaml"
    import_to(JOB_PLAN, taken, deck="dmls-notes")  # the first suggestion is taken too
    existing = Catalog.load([configured, taken])
    out = tmp_path / "dmls-ch4.yaml"
    code, report, errors = import_to(READING, out, deck="dmls", existing=existing)
    assert code == EXIT_USAGE
    assert report == ""
    assert errors.count("\n") == 1
    assert "--deck dmls: the configured content already has a deck 'dmls'" in errors
    assert "use --deck dmls-2 for a new deck" in errors
    assert not out.exists()


def test_a_clashing_deck_id_is_refused_when_writing_to_standard_output_too(
    tmp_path: Path,
) -> None:
    configured = tmp_path / "aie.yaml"
    import_to(JOB_PLAN, configured, deck="aie")
    code, yaml_text, errors = import_to(
        READING, None, deck="aie", existing=Catalog.load([configured])
    )
    assert (code, yaml_text) == (EXIT_USAGE, "")
    assert "use --deck aie-notes for a new deck" in errors


def test_adding_to_the_configured_decks_own_file_is_not_a_clash(tmp_path: Path) -> None:
    configured = tmp_path / "jobs.yaml"
    import_to(JOB_PLAN, configured, deck="jobs")
    code, report, errors = import_to(
        READING, configured, deck="jobs", existing=Catalog.load([configured])
    )
    assert (code, errors) == (EXIT_OK, "")
    assert "38 new, 4 skipped" in report
    assert len(load(configured).questions) == 42


def test_a_suggested_deck_id_stays_within_the_length_limit(tmp_path: Path) -> None:
    long_id = "a" * 32
    configured = tmp_path / "long.yaml"
    import_to(JOB_PLAN, configured, deck=long_id)
    code, _, errors = import_to(READING, None, deck=long_id, existing=Catalog.load([configured]))
    assert code == EXIT_USAGE
    suggestion = re.search(r"use --deck (\S+) for a new deck", errors)
    assert suggestion is not None
    assert suggestion.group(1) == "a" * 26 + "-notes"
    assert deck_id_problem(suggestion.group(1)) is None


# --- updating a deck from edited notes --------------------------------------------------

DAY_ONE = """\
    # DMLS
    ## ch7
    ### ❓ Q1: Why compress a model before serving it?
    ✅ Answer:
    - **Quantization** stores weights in fewer bits.
    - **Pruning** removes weights that matter little.
    ### ❓ Q2: What is a canary release?
    ✅ Answer:
    - A small share of traffic goes to the new model first.
    - Metrics are compared before the full rollout.
    """


def test_update_replaces_changed_questions_by_id_adds_new_ones_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    out = tmp_path / "dmls.yaml"
    import_to(write_notes(tmp_path, DAY_ONE, "day1.md"), out, deck="dmls")
    first = {q.question: q for q in load(out).questions}
    edited = out.read_text(encoding="utf-8").replace("match: [", "match: [rollout share, ", 1)
    edited = edited.replace(
        "    answer: |-\n      - A small share",
        "    tags: [deploy]\n    answer: |-\n      - A small share",
    )
    out.write_text(edited, encoding="utf-8")
    hand_edited = {q.question: q for q in load(out).questions}
    day_two = DAY_ONE.replace(
        "- **Pruning** removes weights that matter little.",
        "- **Pruning** removes weights that matter little.\n"
        "    - **Distillation** trains a small student on a large teacher.",
    ).rstrip(" ") + (
        "    ### ❓ Q3: What is shadow deployment?\n"
        "    ✅ Answer: The new model sees live traffic but its answers are not shown.\n"
    )
    code, report, errors = run_update(write_notes(tmp_path, day_two, "day2.md"), out)
    assert (code, errors) == (EXIT_OK, "")
    assert "1 new, 1 updated, 1 unchanged, 0 skipped" in report
    compress = first["Why compress a model before serving it?"]
    assert f"  update  {compress.id}  Why compress a model before serving it?" in report
    assert "now has 3" in report
    after = load(out)
    by_text = {q.question: q for q in after.questions}
    assert [q.question for q in after.questions] == [
        "Why compress a model before serving it?",
        "What is a canary release?",
        "What is shadow deployment?",
    ]
    updated = by_text["Why compress a model before serving it?"]
    assert updated.id == compress.id
    assert "Distillation" in updated.answer
    assert any("Distillation" in p.match for p in updated.key_points)
    canary = by_text["What is a canary release?"]
    assert canary == hand_edited["What is a canary release?"]  # unchanged: edits kept
    assert canary.tags == ["deploy"]


def test_update_keeps_the_tags_of_a_question_it_changes(tmp_path: Path) -> None:
    out = tmp_path / "dmls.yaml"
    import_to(write_notes(tmp_path, DAY_ONE, "day1.md"), out, deck="dmls")
    text = out.read_text(encoding="utf-8")
    out.write_text(text.replace("    answer: |-", "    tags: [serving]\n    answer: |-", 1))
    day_two = DAY_ONE.replace("in fewer bits", "in 8 or 4 bits")
    code, report, _ = run_update(write_notes(tmp_path, day_two, "day2.md"), out)
    assert code == EXIT_OK and "0 new, 1 updated, 1 unchanged" in report
    (compress, _canary) = load(out).questions
    assert compress.tags == ["serving"]
    assert "8 or 4 bits" in compress.answer


def test_update_with_nothing_changed_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    notes = write_notes(tmp_path, DAY_ONE, "day1.md")
    out = tmp_path / "dmls.yaml"
    import_to(notes, out, deck="dmls")
    before = out.read_bytes()
    code, report, _ = run_update(notes, out)
    assert code == EXIT_OK
    assert "0 new, 0 updated, 2 unchanged, 0 skipped" in report
    assert out.read_bytes() == before


def test_without_update_present_questions_are_skipped_and_the_report_mentions_update(
    tmp_path: Path,
) -> None:
    out = tmp_path / "dmls.yaml"
    import_to(write_notes(tmp_path, DAY_ONE, "day1.md"), out, deck="dmls")
    before = out.read_bytes()
    changed = write_notes(tmp_path, DAY_ONE.replace("fewer bits", "8 bits"), "day2.md")
    code, report, _ = import_to(changed, out, deck="dmls")
    assert code == EXIT_OK
    assert "0 new, 2 skipped" in report
    assert "2 questions of the notes are in" in report
    assert "add --update to update them from the notes" in report
    assert out.read_bytes() == before


def test_update_without_an_output_deck_is_a_usage_error(tmp_path: Path) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_import(JOB_PLAN, "jobs", None, None, stdout, stderr=stderr, update=True)
    assert code == EXIT_USAGE
    assert "--update needs -o" in stderr.getvalue()
    assert stdout.getvalue() == ""


def run_update(notes: Path, out: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_import(notes, "dmls", out, None, stdout, stderr=stderr, update=True)
    return code, stdout.getvalue(), stderr.getvalue()


# --- the entry point for scripts --------------------------------------------------------


def test_import_notes_returns_the_deck_the_command_writes(tmp_path: Path) -> None:
    deck = import_notes(READING.read_text(encoding="utf-8"), "dmls")
    out = tmp_path / "dmls.yaml"
    import_to(READING, out, deck="dmls")
    assert deck == load(out)
    assert render_deck(deck) == out.read_text(encoding="utf-8")
    assert deck.title == "DMLS / AIE"
    assert import_notes(JOB_PLAN.read_text(encoding="utf-8"), "jobs", title="Plan").title == "Plan"


@pytest.mark.parametrize(
    ("markdown", "deck_id", "message"),
    [
        ("### ❓ What is RAG?\n✅ Answer: retrieval.\n", "Bad Id", "invalid deck id"),
        ("# Notes\nNo questions here.\n", "notes", "no questions with answers found"),
    ],
)
def test_import_notes_refuses_a_bad_id_or_notes_without_questions(
    markdown: str, deck_id: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        import_notes(markdown, deck_id)
