"""Reading notes: which questions and answers the importer finds, and their topics."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.decks.importer import (
    normalize_question,
    plan_import,
)
from tests.decks.importing import (
    JOB_PLAN,
    READING,
    only,
    parse,
    parsed,
)

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


# --- duplicates and languages ---------------------------------------------------------


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
