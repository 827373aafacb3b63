"""The grader: which typed answers cover which key points."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.decks import Catalog
from bot.decks.matching import echo_only_points
from bot.decks.model import KeyPoint
from bot.engine.grading import BARE_LIST_SHARE, Grade, grade
from bot.engine.termlists import is_bare_list


def kp(*terms: str, point: str = "a point") -> KeyPoint:
    return KeyPoint(point=point, match=list(terms))


def covers(answer: str, *terms: str, question: str = "") -> bool:
    """Whether `answer` covers a single key point matched by `terms`."""
    return grade(answer, [kp(*terms)], question).covered == (0,)


LATENCY_QUESTION = "Why do production teams report latency as percentiles rather than the mean?"
LATENCY_POINTS = [
    kp("mean", "average", point="The mean hides slow outliers"),
    kp("p99", "tail latency", "long tail", point="High percentiles show the tail"),
    kp("user experience", "slowest users", point="The tail is what users feel"),
    kp("SLO", "service level objective", point="Targets are set on percentiles"),
]


# --- forgiving about form -----------------------------------------------------------------


def test_case_does_not_matter() -> None:
    assert covers("The OUTLIER dominates", "outlier")
    assert covers("an outlier", "OUTLIER")


def test_punctuation_does_not_matter() -> None:
    assert covers("...outlier!!! (see: tail-latency)", "outlier")
    assert covers("tail-latency, again", "tail latency")


def test_full_width_characters_match_ascii() -> None:
    assert covers("ｍｅａｎ ｌａｔｅｎｃｙ", "mean")
    assert covers("look at ｐ９９", "p99")


def test_accents_do_not_matter() -> None:
    assert covers("a naïve baseline", "naive")


@pytest.mark.parametrize(
    ("answer", "term"),
    [
        ("outliers", "outlier"),
        ("outlier", "outliers"),
        ("latencies", "latency"),
        ("latency", "latencies"),
        ("indexes", "index"),
        ("indices", "index"),
        ("indices", "indexes"),
        ("biases", "bias"),
        ("batches", "batch"),
        ("queries", "query"),
        ("GPUs", "GPU"),
        ("use cases", "use case"),
    ],
)
def test_simple_plurals_do_not_matter(answer: str, term: str) -> None:
    assert covers(answer, term)


@pytest.mark.parametrize(
    ("answer", "term"),
    [
        ("the percentlie view", "percentile"),
        ("interpretabilty matters", "interpretability"),
        ("outlires", "outlier"),
        ("a recomendation system", "recommendation"),
    ],
)
def test_small_typos_still_match(answer: str, term: str) -> None:
    assert covers(answer, term)


@pytest.mark.parametrize(
    ("answer", "term"),
    [
        ("a decision", "precision"),
        ("its influence", "inference"),
        ("interoperability", "interpretability"),
        ("a match", "batch"),
        ("latent factors", "latency"),
    ],
)
def test_a_different_real_word_is_not_a_typo(answer: str, term: str) -> None:
    assert not covers(answer, term)


@pytest.mark.parametrize(
    ("answer", "term"),
    [
        ("p95 latency", "p99"),
        ("a CPU", "GPU"),
        ("TSV files", "CSV"),
        ("mea", "mean"),
    ],
)
def test_short_terms_must_match_exactly(answer: str, term: str) -> None:
    assert not covers(answer, term)


def test_short_terms_must_be_a_whole_word() -> None:
    assert not covers("csvkit", "CSV")
    assert not covers("gpuless", "GPU")
    assert covers("a CSV export", "CSV")


def test_terms_with_digits_must_match_exactly() -> None:
    assert not covers("resnet18", "resnet50")
    assert covers("ResNet50", "resnet50")


# --- phrases ----------------------------------------------------------------------------


def test_phrase_matches_consecutive_words() -> None:
    assert covers("watch the tail latency closely", "tail latency")


def test_phrase_words_apart_do_not_match() -> None:
    assert not covers("the tail of the distribution, not latency", "tail latency")


def test_phrase_words_out_of_order_do_not_match() -> None:
    assert not covers("latency tail", "tail latency")


def test_phrase_tolerates_typos_in_its_words() -> None:
    assert covers("retreival augmented generation", "retrieval augmented generation")


def test_phrase_written_closed_up_matches() -> None:
    assert covers("realtime scoring", "real time")
    assert covers("finetuning a model", "fine-tuning")


def test_word_written_split_matches() -> None:
    assert covers("a labelled data set", "dataset")


def test_closed_up_phrase_keeps_short_words_exact() -> None:
    assert not covers("cpumemory", "GPU memory")


# --- Chinese ----------------------------------------------------------------------------


def test_chinese_term_matches_without_word_splitting() -> None:
    assert covers("我认为平均值会掩盖离群点的影响", "离群点")


def test_chinese_term_absent_does_not_match() -> None:
    assert not covers("我认为平均值很好", "离群点")


def test_chinese_term_ignores_spaces_and_full_width_punctuation() -> None:
    assert covers("会 掩盖 离 群 点。", "离群点")


def test_chinese_term_allows_one_extra_character_inside() -> None:
    assert covers("模型发生了过度拟合", "过拟合")


def test_short_chinese_term_must_match_exactly() -> None:
    assert not covers("延长时间", "延迟")


def test_mixed_term_matches_with_or_without_spaces() -> None:
    assert covers("先训练ML模型", "ML 模型")
    assert covers("先训练 ML 模型", "ML模型")


def test_mixed_term_latin_part_must_be_a_whole_word() -> None:
    assert not covers("HTML模型", "ML 模型")


def test_english_term_found_in_chinese_text() -> None:
    assert covers("看p99延迟", "p99")


# --- honest -----------------------------------------------------------------------------


def test_repeating_the_question_scores_zero() -> None:
    result = grade(LATENCY_QUESTION, LATENCY_POINTS, LATENCY_QUESTION)
    assert result.score == 0.0


def test_repeating_the_question_loosely_scores_zero() -> None:
    answer = "why do teams report the latency as percentiles and not the mean"
    assert grade(answer, LATENCY_POINTS, LATENCY_QUESTION).score == 0.0


def test_repeating_a_chinese_question_scores_zero() -> None:
    question = "为什么线上系统用百分位数衡量延迟而不是平均值？"
    points = [kp("平均值", "离群点"), kp("百分位", "p99")]
    assert grade("为什么线上系统用百分位数衡量延迟？", points, question).score == 0.0


def test_terms_in_the_question_are_not_evidence() -> None:
    # "mean" is in the question, so saying it proves nothing; "average" still counts.
    def by_terms(answer: str) -> tuple[int, ...]:
        return grade(answer, LATENCY_POINTS, LATENCY_QUESTION, by_meaning=False).covered

    assert by_terms("the mean hides slow requests") == ()
    assert by_terms("the average hides slow requests") == (0,)


def test_restating_the_question_before_answering_still_counts() -> None:
    answer = (
        "Why report latency as percentiles? Because an average hides the slow requests, "
        "and p99 shows the long tail that real users hit."
    )
    assert grade(answer, LATENCY_POINTS, LATENCY_QUESTION, by_meaning=False).covered == (0, 1)
    # "the long tail that real users hit" also says "the tail is what users feel".
    assert grade(answer, LATENCY_POINTS, LATENCY_QUESTION).covered == (0, 1, 2)


def test_same_key_points_under_another_question_keep_their_terms() -> None:
    grade("the mean", LATENCY_POINTS, LATENCY_QUESTION)
    assert grade("the mean", LATENCY_POINTS, "How do you summarize latency?").covered == (0,)


def test_unrelated_words_score_zero() -> None:
    answer = "My cat enjoys sunny afternoons near the kitchen window with a bowl of milk."
    assert grade(answer, LATENCY_POINTS, LATENCY_QUESTION).score == 0.0


@pytest.mark.parametrize("answer", ["", "   ", "?!.", "\n\t"])
def test_empty_answer_scores_zero(answer: str) -> None:
    result = grade(answer, LATENCY_POINTS, LATENCY_QUESTION)
    assert result.score == 0.0
    assert result.missed == (0, 1, 2, 3)
    assert result.gradable


# --- the result -------------------------------------------------------------------------


def test_partial_answer_reports_covered_and_missed_indexes() -> None:
    answer = "The p99 matters, and we set an SLO on it."
    result = grade(answer, LATENCY_POINTS, LATENCY_QUESTION, by_meaning=False)
    assert result == Grade(
        score=0.5,
        covered=(1, 3),
        missed=(0, 2),
        matched_terms=("p99", "SLO"),
        evidence=("The p99 matters", "and we set an SLO on it"),
        credits=(0.0, 1.0, 0.0, 1.0),
    )


def test_full_answer_scores_one() -> None:
    answer = (
        "The average hides slow outliers; p99 shows the tail that shapes user experience, "
        "so the SLO is set on it."
    )
    result = grade(answer, LATENCY_POINTS, LATENCY_QUESTION)
    assert result.score == 1.0
    assert result.missed == ()


def test_matched_term_is_the_first_in_deck_order_as_written() -> None:
    result = grade("long tail, tail-latency", [kp("Tail Latency", "long tail")])
    assert result.matched_terms == ("Tail Latency",)


def test_no_key_points_is_not_gradable() -> None:
    result = grade("anything at all", [], "A question?")
    assert result == Grade(score=0.0, covered=(), missed=(), matched_terms=())
    assert not result.gradable


def test_a_covered_bonus_point_adds_credit_and_a_missed_one_costs_nothing() -> None:
    points = [
        kp("p99", point="High percentiles show the tail"),
        kp("SLO", point="Targets are set on percentiles"),
        KeyPoint(point="Histograms keep percentiles mergeable", match=["histogram"], optional=True),
    ]
    assert grade("p99 and an SLO", points, LATENCY_QUESTION).score == 1.0
    assert grade("p99 only", points, LATENCY_QUESTION).score == 0.5
    bonus = grade("p99, kept in a histogram", points, LATENCY_QUESTION)
    assert bonus.score == 1.0
    assert bonus.covered == (0, 2)
    assert bonus.missed == (1,)
    assert grade("p99, SLO and a histogram", points, LATENCY_QUESTION).score == 1.0


def test_when_every_point_is_optional_the_score_is_the_share_covered() -> None:
    points = [
        KeyPoint(point="One", match=["histogram"], optional=True),
        KeyPoint(point="Two", match=["sketch"], optional=True),
    ]
    assert grade("a histogram", points).score == 0.5


def test_a_point_without_terms_is_not_reported_as_given_away_by_the_question() -> None:
    points = [KeyPoint(point="The mean hides slow outliers"), kp("latency")]
    assert echo_only_points(points, LATENCY_QUESTION) == (1,)


def test_punctuation_only_term_never_matches() -> None:
    assert not covers("!!! ...", "!!!")


def test_echo_only_points_lists_points_the_question_gives_away() -> None:
    points = [kp("latency", "percentiles"), kp("average", "mean")]
    assert echo_only_points(points, LATENCY_QUESTION) == (0,)


# --- any input --------------------------------------------------------------------------

term_text = st.text(min_size=1, max_size=20).filter(lambda s: s.strip())
key_points = st.lists(
    st.lists(term_text, min_size=1, max_size=4).map(lambda terms: kp(*terms)),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(answer=st.text(max_size=300), points=key_points, question=st.text(max_size=100))
def test_any_input_grades_within_bounds(answer: str, points: list[KeyPoint], question: str) -> None:
    result = grade(answer, points, question)
    assert 0.0 <= result.score <= 1.0
    assert sorted(result.covered + result.missed) == list(range(len(points)))
    assert list(result.covered) == sorted(result.covered)
    assert list(result.missed) == sorted(result.missed)
    assert len(result.matched_terms) == len(result.covered)
    assert result.gradable == bool(points)
    assert len(result.evidence) == len(result.covered)
    if points:
        assert len(result.credits) == len(points)
        by_terms = grade(answer, points, question, by_meaning=False)
        share = BARE_LIST_SHARE if is_bare_list(answer) else 1.0  # terms alone keep a third
        assert by_terms.score == pytest.approx(share * len(by_terms.covered) / len(points))
        assert set(by_terms.covered) <= set(result.covered)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(["mean", "p99", "tail", "latency", "the", "SLO"]), max_size=12),
    noise=st.text(max_size=40),
)
def test_adding_words_never_uncovers_a_term(words: list[str], noise: str) -> None:
    answer = " ".join(words)
    before = grade(answer, LATENCY_POINTS, by_meaning=False)
    after = grade(f"{answer} {noise}", LATENCY_POINTS, by_meaning=False)
    assert set(before.covered) <= set(after.covered)


# --- the shipped decks, with real typed answers ---------------------------------------------

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load([CONTENT])


def shipped_score(catalog: Catalog, question_id: str, answer: str) -> float:
    question = catalog.by_id[question_id]
    return grade(answer, question.key_points, question.question).score


@pytest.mark.parametrize(
    ("question_id", "answer"),
    [
        (
            "dmls-ch1-2-latency-measurement",
            "Latency is part of the user experience: a slow answer feels broken. The average "
            "hides a few very slow requests, so report percentiles: p50 for the typical case "
            "and p95/p99 for the tail.",
        ),
        (
            "dmls-ch1-2-interpretability",
            "You need it to debug wrong predictions, to detect bias against some groups, for "
            "regulatory compliance, and because in high-stakes cases like loan approval a black "
            "box is unacceptable.",
        ),
        (
            "aie-ch1-1-improve-model",
            "Prompt engineering first, then RAG to pull in external knowledge, then fine-tuning "
            "on domain-specific data.",
        ),
        (
            "dmls-ch3-1-data-format-choice",
            "The format drives storage cost and speed. Row-major formats like CSV are good for "
            "frequent writes; column-major formats like Parquet are better for analytics. AWS "
            "says Parquet can be up to 6x cheaper than CSV.",
        ),
        (
            "aie-ch8-2-synthetic-data-benefits-risks",
            "Benefits: cheap data at scale, privacy since no real user records are used, and you "
            "can generate rare edge cases to fix class imbalance. Risks: low quality data, model "
            "collapse when models train recursively on generated data, and copyright problems.",
        ),
    ],
)
def test_shipped_strong_answer_scores_high(shipped: Catalog, question_id: str, answer: str) -> None:
    assert shipped_score(shipped, question_id, answer) >= 0.75


@pytest.mark.parametrize(
    ("question_id", "answer"),
    [
        ("dmls-ch1-2-latency-measurement", "Report the p99."),
        ("dmls-ch1-2-interpretability", "It helps with debugging."),
        ("aie-ch8-2-synthetic-data-benefits-risks", "It's cheap and protects privacy."),
    ],
)
def test_shipped_partial_answer_scores_in_between(
    shipped: Catalog, question_id: str, answer: str
) -> None:
    assert 0.0 < shipped_score(shipped, question_id, answer) < 0.75


@pytest.mark.parametrize(
    "question_id",
    ["dmls-ch1-2-latency-measurement", "aie-ch1-1-improve-model", "dmls-ch1-1-when-not-to-use-ml"],
)
def test_shipped_empty_answer_scores_zero(shipped: Catalog, question_id: str) -> None:
    assert shipped_score(shipped, question_id, "") == 0.0


@pytest.mark.parametrize(
    ("question_id", "answer"),
    [
        (
            "dmls-ch1-2-latency-measurement",
            "I would train a gradient boosted tree and tune the learning rate with cross "
            "validation.",
        ),
        (
            "dmls-ch1-2-interpretability",
            "Kafka streams events between services asynchronously.",
        ),
        ("aie-ch1-1-improve-model", "Use a columnar format like Parquet to save disk space."),
        ("aie-ch1-2-genai-ethics", "Batching requests raises throughput but adds latency."),
    ],
)
def test_shipped_off_topic_answer_scores_low(
    shipped: Catalog, question_id: str, answer: str
) -> None:
    assert shipped_score(shipped, question_id, answer) <= 0.2


@pytest.mark.parametrize(
    ("question_id", "answer"),
    [
        (
            "dmls-ch1-2-latency-measurement",
            "Latncy shapes the user experiance. The averege hides slow outlires, so reprot "
            "percentlies like p95 and p99.",
        ),
        (
            "dmls-ch1-2-interpretability",
            "It helps debuging, detecting biass and unfairnes, regulatry complaince, and in "
            "high-stake loan descisions a blak box is not acceptible.",
        ),
        (
            "aie-ch1-1-improve-model",
            "Prompt enginering, retreival augmented generaton with external knowlege, and "
            "fine-tunning on domian data.",
        ),
    ],
)
def test_shipped_misspelt_strong_answer_still_scores_well(
    shipped: Catalog, question_id: str, answer: str
) -> None:
    assert shipped_score(shipped, question_id, answer) >= 0.6


@pytest.mark.parametrize(
    ("question_id", "answer"),
    [
        (
            "dmls-ch1-2-optimize-latency-zh",
            "先用批处理把请求合并，提高吞吐量；再做量化或者蒸馏，把模型变小；"
            "最后盯着p99这种高百分位延迟，而不是平均值。",
        ),
        (
            "dmls-ch1-1-when-not-to-use-ml",
            "如果问题本身是随机的，比如掷骰子；或者写个简单规则就能搞定；"
            "或者预测错了代价太大，比如医疗误诊；还有根本没有数据的时候，都不适合用机器学习。",
        ),
    ],
)
def test_shipped_chinese_answer_to_chinese_question_scores_well(
    shipped: Catalog, question_id: str, answer: str
) -> None:
    assert shipped.language_of(shipped.by_id[question_id]) == "zh"
    assert shipped_score(shipped, question_id, answer) >= 0.6


@pytest.mark.parametrize(
    "question_id",
    [
        "dmls-ch1-2-latency-measurement",
        "dmls-ch1-2-interpretability",
        "dmls-ch1-1-when-not-to-use-ml",
        "dmls-ch1-2-optimize-latency-zh",
    ],
)
def test_shipped_question_repeated_as_the_answer_scores_low(
    shipped: Catalog, question_id: str
) -> None:
    question = shipped.by_id[question_id].question
    assert shipped_score(shipped, question_id, question) <= 0.2


@pytest.mark.parametrize(
    ("question_id", "answer"),
    [
        (
            "dmls-ch1-2-interpretability",
            "why does it matter so much that predictions can be explained once a model is in "
            "production",
        ),
        ("dmls-ch1-2-optimize-latency-zh", "线上AI服务推理太慢怎么提速"),
    ],
)
def test_shipped_question_reworded_as_the_answer_scores_low(
    shipped: Catalog, question_id: str, answer: str
) -> None:
    assert shipped_score(shipped, question_id, answer) <= 0.2


def test_shipped_model_answers_cover_their_own_key_points(shipped: Catalog) -> None:
    short = {
        question.id: [question.key_points[i].point for i in result.missed]
        for question in shipped.questions
        if (result := grade(question.answer, question.key_points, question.question)).missed
    }
    assert short == {}


def test_a_bare_list_of_one_matching_term_keeps_a_third_of_the_points_it_covers() -> None:
    # Found by the property above: "0 0 0 0" is terms with no statement word.
    result = grade("0 0 0 0", [kp("0")], "", by_meaning=False)
    assert result.covered == (0,)
    assert result.score == pytest.approx(BARE_LIST_SHARE)
