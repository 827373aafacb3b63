"""Key points drafted from the notes: labels, match terms, and how they grade."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.decks.importer import (
    bonus_lines,
    draft_key_points,
    match_terms,
)
from bot.decks.importer.terms import DeckVocabulary
from bot.decks.matching import echo_only_points
from bot.engine.grading import grade
from tests.decks.importing import (
    NOTES,
    READING,
    import_to,
    load,
)


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


SAME_SUBJECT = {(10, 17)}
"""Pairs (question, other answer) of paraphrases.yaml that are not on another topic: the
answer on cutting LLM serving costs (in Chinese) names quantization and distillation, one
of the points of "Why would you compress a model before deploying it?", and the grader
reads Chinese."""


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
        other = (index + 7) % len(pairs)
        another_topic = pairs[other]["answer"]
        if (index, other) in SAME_SUBJECT:
            another_topic = pairs[(other + 1) % len(pairs)]["answer"]
        for off in (another_topic, GENERIC_ANSWERS[language], question.question):
            wrong.append(grade(off, question.key_points, question.question).score)
            assert wrong[-1] <= 0.2, (question.question, off, wrong[-1])
    assert sum(right) / len(right) >= 0.8
    assert sum(wrong) / len(wrong) <= 0.05
