"""The notes importer: markdown study notes in, a valid deck YAML out."""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pytest
import yaml

from bot.decks.catalog import Catalog
from bot.decks.importer import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    NoteQuestion,
    bonus_lines,
    draft_key_points,
    import_notes,
    match_terms,
    normalize_question,
    parse_notes,
    plan_import,
    render_deck,
    run_import,
    validate_deck_id,
)
from bot.decks.importer.terms import DeckVocabulary
from bot.decks.loader import load_deck_text
from bot.decks.model import Deck
from bot.engine.grading import echo_only_points, grade

NOTES = Path(__file__).resolve().parent / "fixtures" / "notes"
READING = NOTES / "reading-notes.md"
"""Two books' chapter notes (DMLS, AIE): every question and answer shape the notes use."""
JOB_PLAN = NOTES / "job-search-plan.md"
"""A long plan document whose four questions repeat the reading notes' common questions."""


def parsed(path: Path) -> list[NoteQuestion]:
    return list(parse_notes(path.read_text(encoding="utf-8")).questions)


def parse(markdown: str) -> list[NoteQuestion]:
    return list(parse_notes(textwrap.dedent(markdown)).questions)


def only(markdown: str) -> NoteQuestion:
    questions = parse(markdown)
    assert len(questions) == 1, [q.question for q in questions]
    return questions[0]


def import_to(notes: Path, out: Path | None, deck: str = "mlsd", existing: Catalog | None = None):
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_import(notes, deck, out, existing, stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def load(path: Path) -> Deck:
    return load_deck_text(path.read_bytes(), str(path)).deck


def write_notes(tmp_path: Path, markdown: str, name: str = "notes.md") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(markdown), encoding="utf-8")
    return path


# --- the notes fixtures -----------------------------------------------------------------


def test_the_reading_notes_have_exactly_42_questions() -> None:
    assert len(parsed(READING)) == 42


def test_the_job_search_plan_has_exactly_4_questions() -> None:
    questions = parsed(JOB_PLAN)
    assert [q.question for q in questions] == [
        "How do you detect and handle data distribution shift in production?",
        "How would you speed up LLM inference?",
        "What is the difference between supervised finetuning and preference finetuning?",
        "How would you reduce hallucinations in an LLM application?",
    ]


@pytest.mark.parametrize("path", [READING, JOB_PLAN], ids=["reading", "job-plan"])
def test_no_answer_swallows_another_question_or_a_non_question_section(path: Path) -> None:
    for note in parsed(path):
        assert note.answer, note.question
        for foreign in ("❓", "Key Takeaways", "Sentence Summary", "Final Takeaways", "句话总结"):
            assert foreign not in note.answer, (note.question, foreign)
        for foreign in ("Next Steps", "Conclusion", "Action Plan", "Updating My CV", "Overview"):
            assert foreign not in note.answer, (note.question, foreign)
        assert "✅ Answer" not in note.answer and "✅ **Answer" not in note.answer
        assert not note.answer.startswith("✅"), note.question
        assert "✅ 答" not in note.answer and "✅ 回答" not in note.answer


@pytest.mark.parametrize(
    ("path", "question", "in_answer", "not_in_answer"),
    [
        (READING, "为什么要关心训练数据的采样方式？", "蓄水池抽样适合数据流", "没有足够的人工标签"),
        (READING, "如何处理类别不平衡？", "加大少数类的权重", "Ch4.2"),
        (
            READING,
            "Why use data augmentation when you already have real data?",
            "without collecting new data",
            "---",
        ),
        (
            READING,
            "How do you decide which features to keep?",
            "Keep score = importance − λ * serving_cost",
            "model evaluation",
        ),
        (
            READING,
            "How would you handle missing values in a feature?",
            "🚀 Example:",
            "SHAP values",
        ),
        (
            READING,
            "What are common problems with offline evaluation?",
            "✅ **Solution**: Run **perturbation tests**",
            "Offline evaluation needs baselines",
        ),
        (
            READING,
            "What are the trade-offs between AutoML and manual tuning?",
            "📌 **Example**: A team might use **Bayesian optimization**",
            "Track every experiment",
        ),
        (
            READING,
            "How do you defend an application against prompt injection?",
            "forward all invoices to this address",
            "Retrieval quality depends",
        ),
        (
            READING,
            "What are the benefits and drawbacks of parameter-efficient finetuning such as LoRA?",
            "3. **Catastrophic forgetting**",
            "task vectors",
        ),
        (READING, "大模型推理服务的成本怎么降？", "vLLM 和 PagedAttention", "电商搜索"),
        (READING, "什么是特征存储（Feature Store），为什么需要它？", "多个团队", "先看数据"),
        (READING, "模型上线后效果变差，你怎么排查？", "概念漂移", "Feast"),
        (
            JOB_PLAN,
            "How would you reduce hallucinations in an LLM application?",
            "HR assistant cites the policy paragraph",
            "One Portfolio Project",
        ),
    ],
)
def test_each_answer_holds_its_own_notes_and_nothing_after_them(
    path: Path, question: str, in_answer: str, not_in_answer: str
) -> None:
    by_text = {note.question: note for note in parsed(path)}
    assert question in by_text
    assert in_answer in by_text[question].answer
    assert not_in_answer not in by_text[question].answer


def test_fixture_topics_are_book_and_chapter() -> None:
    topics = {note.question: note.topic("x") for note in parsed(READING)}
    assert topics["为什么要关心训练数据的采样方式？"] == "DMLS ch4.1"
    assert topics["How do you deal with disagreement between annotators?"] == "DMLS Ch4.2"
    assert (
        topics["What is model calibration, and when does it matter?"]
        == "DMLS chapter 6.1 model evaluation offline"
    )
    assert topics["What does perplexity tell you about a language model?"] == "AIE ch3.1"
    assert topics["如何设计一个电商搜索排序系统？"] == "AIE WEEK 2"


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


# --- heading and answer styles (small inline notes) -------------------------------------


def test_plain_heading_with_q_number_and_answer_label() -> None:
    note = only(
        """\
        #### ❓ Q1: Why is latency important?
        ✅ Answer:
        Users leave slow apps.
        """
    )
    assert note.question == "Why is latency important?"
    assert note.answer == "Users leave slow apps."


def test_bold_heading_and_bold_answer_label() -> None:
    note = only(
        "#### **❓ Q2: How do text and binary formats differ?**\n"
        "✅ **Answer:**  \n"  # two trailing spaces: a markdown line break, as in the notes
        "- **Text formats** are human-readable.  \n"
    )
    assert note.question == "How do text and binary formats differ?"
    assert note.answer == "- **Text formats** are human-readable."


def test_bold_label_with_the_colon_outside_the_bold() -> None:
    note = only(
        """\
        #### **❓ Q3: What is RAG?**
        ✅ **Answer**:
        1. **Retrieve** documents.
        2. **Generate** with them.
        """
    )
    assert note.answer == "1. **Retrieve** documents.\n2. **Generate** with them."


def test_chinese_interviewer_numbering_and_full_width_colon() -> None:
    note = only(
        """\
        #### ❓ 面试官问 1：什么时候需要重新训练模型？
        ✅ 回答：
        线上数据的分布发生了变化。
        """
    )
    assert note.question == "什么时候需要重新训练模型？"
    assert note.answer == "线上数据的分布发生了变化。"


def test_answer_points_label_and_ascii_colon_label() -> None:
    first, second = parse(
        """\
        ### ❓ Q1: 如何设计推荐系统？
        ✅ 回答要点：

        数据处理管道：特征工程
        ### ❓ Q2: 如何优化推理速度？
        ✅ 回答: 量化和蒸馏
        """
    )
    assert first.answer == "数据处理管道：特征工程"
    assert second.answer == "量化和蒸馏"


def test_a_bare_check_mark_and_a_short_answer_label_are_not_part_of_the_answer() -> None:
    first, second = parse(
        """\
        ### ❓ Q1: 什么是特征存储？
        ✅

        统一管理训练和服务的特征。
        ### ❓ Q2: 效果变差怎么排查？
        ✅ 答：
        先看数据漂移。
        ✅
        再看标签定义。
        """
    )
    assert first.answer == "统一管理训练和服务的特征。"
    assert second.answer == "先看数据漂移。\n再看标签定义。"


def test_text_on_the_answer_label_line_is_kept() -> None:
    note = only(
        """\
        ### ❓ What is p95?
        ✅ **Answer:** The latency 95% of requests beat.
        Useful for tails.
        """
    )
    assert note.answer == "The latency 95% of requests beat.\nUseful for tails."


def test_a_question_without_an_answer_label_still_gets_its_answer() -> None:
    note = only(
        """\
        ### ❓ Q1: What is p95?
        The latency 95% of requests beat.
        """
    )
    assert note.answer == "The latency 95% of requests beat."


def test_a_bold_question_line_that_is_not_a_heading_counts() -> None:
    note = only(
        """\
        **❓ Q1: What is drift?**
        ✅ Answer: Inputs change over time.
        """
    )
    assert note.question == "What is drift?"
    assert only("- ❓ Q2: What is skew?\n✅ Answer: Train and serve differ.\n").question == (
        "What is skew?"
    )


def test_horizontal_rule_ends_the_answer() -> None:
    note = only(
        """\
        #### ❓ Q1: What is batching?
        ✅ Answer:
        Grouping requests.
        ---
        This paragraph is not part of the answer.
        """
    )
    assert note.answer == "Grouping requests."


def test_key_takeaways_heading_after_an_answer_is_not_merged_into_it() -> None:
    note = only(
        """\
        #### ❓ Q3: What is batching?
        ✅ Answer:
        Grouping requests.

        ### 📌 Key Takeaways (3-Sentence Summary)
        1️⃣ **Batching trades latency for throughput.**
        """
    )
    assert note.answer == "Grouping requests."


def test_key_takeaways_label_line_ends_the_answer_too() -> None:
    note = only(
        """\
        #### ❓ Q3: What is batching?
        ✅ Answer:
        Grouping requests.

        📌 **Key Takeaways:**
        - Batching trades latency for throughput.
        """
    )
    assert note.answer == "Grouping requests."


def test_example_lines_are_kept_as_text() -> None:
    note = only(
        """\
        #### ❓ Q1: Build or buy?
        ✅ **Answer:**
        - **Build** if AI is core.

        🚀 **Example**: OpenAI builds its own models.
        📌 **Example**: Most companies buy.
        🚀 加分点 → 你可以提到 RAG。
        """
    )
    assert note.answer == (
        "- **Build** if AI is core.\n\n"
        "🚀 **Example**: OpenAI builds its own models.\n"
        "📌 **Example**: Most companies buy.\n"
        "🚀 加分点 → 你可以提到 RAG。"
    )


def test_tables_become_one_readable_line_per_row() -> None:
    note = only(
        """\
        #### ❓ Q2: How do ETL and ELT differ?
        ✅ **Answer:**
        | **Method** | **When** | **Best For** |
        |-----------|------------|------------|
        | **ETL** | Transform **before storage**. | Fixed schemas. |
        | **ELT** | Transform after loading. | Raw data lakes. |
        """
    )
    assert note.answer == (
        "- **ETL** — When: Transform **before storage**; Best For: Fixed schemas.\n"
        "- **ELT** — When: Transform after loading; Best For: Raw data lakes."
    )


def test_nested_bullets_keep_their_indentation_and_blank_runs_collapse() -> None:
    note = only(
        """\
        #### ❓ Q2: When use a graph database?
        ✅ Answer:
        - **Use cases**:
          - Social networks.
          - Fraud detection.



        - Faster joins.
        """
    )
    assert note.answer == (
        "- **Use cases**:\n  - Social networks.\n  - Fraud detection.\n\n- Faster joins."
    )


def test_a_heading_inside_a_code_block_does_not_end_the_answer() -> None:
    note = only(
        """\
        ### ❓ Q1: How do you log in Python?
        ✅ Answer:
        ```python
        # configure once
        logging.basicConfig()
        ```
        """
    )
    assert "# configure once" in note.answer
    assert note.answer.endswith("```")


def test_chapter_headings_set_the_topic_with_the_book_prefix() -> None:
    notes = parse(
        """\
        # MLSD
        ---
        ## ch1.1
        ### ❓ Q1: A?
        ✅ Answer: a
        ## Ch1.2
        ### 📌 Key Takeaways
        - not a chapter
        ### ❓ Q1: B?
        ✅ Answer: b
        ## chapter 3.1 data source and data format
        ### ❓ Q1: C?
        ✅ Answer: c
        # AIE
        ### ❓ Q1: D?
        ✅ Answer: d
        """
    )
    assert [n.topic("notes") for n in notes] == [
        "MLSD ch1.1",
        "MLSD Ch1.2",
        "MLSD chapter 3.1 data source and data format",
        "AIE",
    ]


def test_a_long_title_naming_book_and_chapter_keeps_them_as_the_topic_prefix() -> None:
    first, second = parse(
        """\
        # DMLS ch4 Training Data and How to Sample It
        ## 4.1 Sampling
        #### ❓ Q1: A?
        ✅ Answer: a
        # DMLS notes for the second interview round
        ## Labels
        #### ❓ Q2: B?
        ✅ Answer: b
        """
    )
    assert first.topic("notes") == "DMLS ch4 4.1 Sampling"
    assert second.topic("notes") == "DMLS Labels"


def test_without_headings_the_topic_falls_back_to_the_given_default() -> None:
    assert only("❓ Q1: A?\n✅ Answer: a\n").topic("notes") == "notes"


def test_a_long_document_title_is_not_used_as_a_topic_prefix() -> None:
    note = only(
        """\
        # What One Week of Reading Changed About My Job Hunt
        ## Interview practice
        #### ❓ Q1: A?
        ✅ Answer: a
        """
    )
    assert note.topic("notes") == "Interview practice"


# --- ids, duplicates, languages, key points ---------------------------------------------


def test_normalized_text_ignores_markers_numbering_case_width_and_punctuation() -> None:
    assert (
        normalize_question("**❓ Q1: What is RAG?**")
        == normalize_question("what is  ＲＡＧ ？")
        == "whatisrag"
    )
    assert normalize_question("❓ 面试官问 2：什么时候不需要深度学习？") == "什么时候不需要深度学习"


def test_chinese_questions_get_language_zh_and_english_ones_none() -> None:
    notes = parse(
        """\
        ## ch1
        #### ❓ 面试官问 1：什么时候需要重新训练模型？
        ✅ 回答：数据分布变了。
        #### ❓ 如何设计一个新闻推荐系统？
        ✅ 回答要点：召回层（Retrieval）：向量检索
        #### ❓ Q1: Why measure p95?
        ✅ Answer: Means hide outliers.
        #### ❓ Q2: Why batch?
        ✅ Answer: Throughput.
        #### ❓ Q3: Why cache?
        ✅ Answer: Speed.
        """
    )
    plan = plan_import(notes, "d")
    assert plan.language == "en"
    assert [q.language for q in plan.added] == ["zh", "zh", None, None, None]


def test_a_question_without_answer_text_is_skipped_with_a_reason() -> None:
    plan = plan_import(parse("### ❓ Q1: A?\n✅ Answer:\n---\n### ❓ Q2: B?\nb\n"), "d")
    assert [o.skipped for o in plan.outcomes] == ["no answer under it", None]


def test_ids_fit_48_characters_even_with_a_long_deck_id_and_chapter() -> None:
    deck_id = "a" * 32
    notes = parse("## chapter 12.34 a very long chapter name indeed\n### ❓ Q: A?\n✅ Answer: a\n")
    (question,) = plan_import(notes, deck_id).added
    assert len(question.id) <= 48
    assert question.id.startswith(f"{deck_id}-")


def test_key_points_come_from_the_answer_lines_with_bold_terms_first() -> None:
    points = draft_key_points(
        "- **Decouples services** → No direct dependencies.\n"
        "- **Asynchronous processing** → Enables low latency.\n"
        "- **Fault tolerance** → One failure does not crash the system.\n\n"
        "📌 **Example**: Fraud signals published once."
    )
    assert [p.point for p in points] == [
        "Decouples services → No direct dependencies.",
        "Asynchronous processing → Enables low latency.",
        "Fault tolerance → One failure does not crash the system.",
    ]
    assert [p.match[0] for p in points] == [
        "Decouples services",
        "Asynchronous processing",
        "Fault tolerance",
    ]


def test_key_points_are_at_most_five() -> None:
    answer = "\n".join(f"{n}. **Term{n}** explains part {n}." for n in range(1, 9))
    assert len(draft_key_points(answer)) == 5


def test_a_one_paragraph_answer_is_split_into_sentence_key_points() -> None:
    points = draft_key_points(
        "Latency affects user experience and system performance. Mean latency can be "
        "misleading, so high percentiles help detect outliers."
    )
    assert len(points) == 2
    assert points[0].point == "Latency affects user experience and system performance."


def test_a_one_line_answer_still_gets_one_key_point() -> None:
    (point,) = draft_key_points("Quantization.")
    assert point.match == ["Quantization"]


def test_chinese_terms_are_dictionary_words_not_character_slices() -> None:
    terms = match_terms("蓄水池抽样适合数据流，在未知总量时也能均匀抽取。")
    assert "蓄水池" in terms and "数据流" in terms
    assert not any(slice_ in terms for slice_ in ("合数据流", "蓄水池抽", "在未知"))
    mixed = match_terms("Batch Processing：提高吞吐量，但可能增加延迟")
    assert mixed[0] == "Batch Processing"
    assert "吞吐量" in mixed and "延迟" in mixed


def test_a_suffix_character_stays_with_its_word() -> None:
    assert "召回率" in match_terms("先换评估指标，用精确率、召回率和 F1 代替准确率。")


def test_generic_labels_are_not_used_as_match_terms() -> None:
    terms = match_terms("- **Key Difference**: OLTP uses **row-major storage**.")
    assert "Key Difference" not in terms
    assert terms[0] == "row-major storage"


def test_match_terms_prefer_words_not_used_by_an_earlier_point() -> None:
    assert "Parquet" not in match_terms("Parquet files are columnar.", avoid=["Parquet"])


def test_a_long_line_is_labelled_by_its_leading_clauses_never_cut_mid_clause() -> None:
    long_line = (
        "- **Decoupling** lets each service " + "scale independently and " * 8 + "fail alone."
    )
    (point, *_) = draft_key_points(long_line + "\n- Asynchronous messaging cuts latency.")
    assert "…" not in point.point
    assert len(point.point) <= 120
    assert point.point.startswith("Decoupling lets each service scale independently")
    assert point.point.endswith("scale independently")


def test_a_long_line_with_several_sentences_is_labelled_by_its_first() -> None:
    first = "Split data by time rather than randomly, so the model never trains on the future."
    (point, *_) = draft_key_points(
        f"- {first} Random splits let rows from next month leak into the training set and "
        "make offline metrics look far better than anything production will ever see.\n"
        "- Fit scalers on the training split only."
    )
    assert point.point == first


def test_match_terms_never_use_words_of_the_question() -> None:
    points = draft_key_points(
        "- Leakage happens when label information sneaks into the features.\n"
        "- Data augmentation adds perturbed copies of samples.",
        "What is data leakage, and how does augmentation relate?",
    )
    terms = [term.casefold() for point in points for term in point.match]
    assert terms
    assert not {"leakage", "data", "augmentation", "data augmentation"} & set(terms)


def test_words_common_across_the_deck_give_way_to_rare_ones() -> None:
    vocabulary = DeckVocabulary.of(
        [f"Question {n} about latency and its percentiles, with latency again." for n in range(12)]
        + ["Batching raises throughput but each request pays more latency."]
    )
    terms = match_terms(
        "Batching raises throughput but each request pays more latency.", vocabulary=vocabulary
    )
    assert "throughput" in terms
    assert "latency" not in terms


def test_nested_bullets_under_an_introducing_line_become_points() -> None:
    points = draft_key_points(
        "- **Main strategies**:\n"
        "  - **Data parallelism** → Each worker trains on a shard.\n"
        "  - **Model parallelism** → Layers live on different devices.\n"
        "- **Key Advantage**: Training time drops with more workers."
    )
    assert [p.point for p in points] == [
        "Data parallelism → Each worker trains on a shard.",
        "Model parallelism → Layers live on different devices.",
        "Key Advantage: Training time drops with more workers.",
    ]


def test_bonus_lines_are_not_required_points() -> None:
    answer = (
        "KV Cache：缓存注意力的键值，避免重复计算\n"
        "动态批处理：把多个请求合并，提高 GPU 利用率\n"
        "加分：vLLM 和 PagedAttention\n"
        "🚀 加分点 → 可以提到 连续批处理。"
    )
    points = draft_key_points(answer, "大模型推理服务的成本怎么降？")
    assert len(points) == 2
    assert not any("vLLM" in p.point or "vLLM" in p.match for p in points)
    assert bonus_lines(answer) == ["vLLM 和 PagedAttention", "连续批处理。"]


def test_imported_fixture_points_are_readable_and_free_of_question_words(tmp_path: Path) -> None:
    out = tmp_path / "dmls.yaml"
    import_to(READING, out, deck="dmls")
    for question in load(out).questions:
        assert question.key_points, question.id
        for point in question.key_points:
            assert "…" not in point.point and "加分" not in point.point, point.point
            assert not echo_only_points([point], question.question), (question.question, point)
            for term in point.match:
                chinese = [ch for ch in term if "\u4e00" <= ch <= "\u9fff"]
                assert not chinese or len(chinese) >= 2, term


GENERIC_ANSWERS = {
    "en": "We should use a good model with enough data, train it well, evaluate it and "
    "monitor the system in production to improve performance.",
    "zh": "要用好的模型和足够的数据，训练好之后评估，上线后持续监控，提高系统的性能。",
}


def test_imported_key_points_recognise_right_answers_in_other_words_and_nothing_else(
    tmp_path: Path,
) -> None:
    out = tmp_path / "dmls.yaml"
    import_to(READING, out, deck="dmls")
    by_text = {q.question: q for q in load(out).questions}
    pairs = yaml.safe_load((NOTES / "paraphrases.yaml").read_text(encoding="utf-8"))
    right, wrong = [], []
    for index, pair in enumerate(pairs):
        question = by_text[pair["question"]]
        language = "zh" if question.language == "zh" else "en"
        score = grade(pair["answer"], question.key_points, question.question).score
        assert score >= 0.3, (question.question, score)
        right.append(score)
        another_topic = pairs[(index + 7) % len(pairs)]["answer"]
        for off in (another_topic, GENERIC_ANSWERS[language], question.question):
            wrong.append(grade(off, question.key_points, question.question).score)
            assert wrong[-1] <= 0.2, (question.question, off, wrong[-1])
    assert sum(right) / len(right) >= 0.8
    assert sum(wrong) / len(wrong) <= 0.1


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
    assert validate_deck_id(suggestion.group(1)) is None


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
