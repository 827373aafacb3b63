"""The grader across languages and against lists of terms: Chinese answers to English
questions (and the reverse) through the CC-CEDICT gloss, and bare buzzword lists.

Every test runs the real grader with the real embeddings and dictionary the packages ship;
the key points have no match terms unless said, so only the meaning layer can cover them.
"""

from __future__ import annotations

from bot.decks.model import KeyPoint
from bot.engine import glossing
from bot.engine.grading import BARE_LIST_SHARE, grade
from bot.engine.termlists import is_bare_list

LATENCY_QUESTION = "Why do production teams report latency as percentiles rather than the mean?"
LATENCY_POINTS = [
    KeyPoint(point="The mean hides slow outliers"),
    KeyPoint(point="High percentiles show the tail"),
    KeyPoint(point="The tail is what users feel"),
]
OVERFITTING_QUESTION = "为什么要防止过拟合？"
OVERFITTING_POINTS = [
    KeyPoint(point="过拟合的模型记住了训练数据的噪声"),
    KeyPoint(point="在新数据上泛化能力差"),
]


def test_a_chinese_answer_covering_an_english_questions_points_scores_high() -> None:
    answer = (
        "平均值会掩盖少数特别慢的请求；p99 这样的高百分位才能看到长尾；"
        "用户感受到的正是这些最慢的请求。"
    )
    result = grade(answer, LATENCY_POINTS, LATENCY_QUESTION)
    assert result.score >= 0.8
    assert {1, 2} <= set(result.covered)
    assert grade(answer, LATENCY_POINTS, LATENCY_QUESTION, by_meaning=False).score == 0.0


def test_an_english_answer_covering_a_chinese_questions_points_scores_high() -> None:
    answer = (
        "An overfit model memorises the noise in its training data, "
        "so it generalises badly to new data it has not seen."
    )
    result = grade(answer, OVERFITTING_POINTS, OVERFITTING_QUESTION)
    assert result.covered == (0, 1)
    assert result.score >= 0.95


def test_the_evidence_of_a_chinese_answer_is_its_own_words() -> None:
    answer = "平均值会掩盖少数特别慢的请求；p99 这样的高百分位才能看到长尾。"
    result = grade(answer, LATENCY_POINTS, LATENCY_QUESTION)
    assert 1 in result.covered
    evidence = result.evidence[result.covered.index(1)]
    assert "高百分位" in evidence and evidence in answer


def test_chinese_answers_on_another_subject_stay_near_zero_on_an_english_question() -> None:
    for answer in (
        "行存适合写入，列存适合分析。",
        "要用好的模型和足够的数据，训练好之后评估，上线后持续监控。",
        "哈哈哈 随便写写",
    ):
        assert grade(answer, LATENCY_POINTS, LATENCY_QUESTION).score <= 0.1, answer


def test_english_answers_on_another_subject_stay_near_zero_on_a_chinese_question() -> None:
    for answer in (
        "Row stores suit writes and column stores suit analytics.",
        "Kafka decouples services and lets many consumers read the same events.",
    ):
        assert grade(answer, OVERFITTING_POINTS, OVERFITTING_QUESTION).score <= 0.1, answer


def test_a_chinese_answer_that_repeats_an_english_question_scores_zero() -> None:
    answer = "为什么生产团队用百分位而不是平均值来报告延迟？"
    assert grade(answer, LATENCY_POINTS, LATENCY_QUESTION).score <= 0.1


def test_chinese_is_glossed_through_the_dictionary_and_the_field_glossary(
    glossary: glossing.Glossary,
) -> None:
    # Field terms a general dictionary lacks, or reads in an everyday sense.
    assert glossary.gloss("过拟合").split() == ["overfitting"]
    assert glossary.gloss("延迟").split() == ["latency"]
    # Everyday words come from CC-CEDICT.
    assert "cat" in glossary.gloss("猫").split()
    # Words are cut by the dictionaries, particles glossed as nothing, Latin kept.
    assert glossary.words_of("训练数据的分布漂移了") == ["训练数据", "分布漂移"]
    assert glossary.gloss("用 RAG 检索").split() == ["use", "RAG", "retrieval"]


def test_a_buzzword_list_scores_near_zero_even_when_it_names_a_term() -> None:
    points = [
        KeyPoint(point="Traditional LMs are masked or autoregressive predictors", match=["bert"]),
        KeyPoint(point="LLMs track much longer context"),
    ]
    question = "What sets a large language model apart from a traditional language model?"
    listed = grade("GPT BERT transformer attention tokens", points, question)
    said = grade(
        "BERT-style models predict blanked-out words, while LLMs keep track of much longer "
        "context.",
        points,
        question,
    )
    assert said.score == 1.0
    assert listed.score <= 0.2
    assert listed.score == BARE_LIST_SHARE * grade("GPT BERT transformer", points, question).score


def test_unrelated_buzzwords_score_zero() -> None:
    for answer in ("kubernetes docker blockchain web3 synergy", "AI 大数据 云计算 区块链 元宇宙"):
        assert grade(answer, LATENCY_POINTS, LATENCY_QUESTION).score <= 0.05, answer


def test_terse_answers_with_punctuation_or_a_statement_word_are_not_bare_lists() -> None:
    assert is_bare_list("GPT BERT transformer attention tokens")
    assert is_bare_list("批处理 量化 蒸馏 p99")
    assert is_bare_list("temperature top-p sampling beam search")
    assert not is_bare_list("Better metrics (F1, PR-AUC), resampling, weighted loss")
    assert not is_bare_list("heuristics + active learning + pruning")
    assert not is_bare_list("用 RAG 检索外部知识库")
    assert not is_bare_list("Percentiles show the tail")
    assert not is_bare_list("p99 and p95")  # too short to be a list


CODING_QUESTION = "What do code assistants change for developers?"
CODING_POINTS = [
    KeyPoint(point="Boosts coding productivity"),
    KeyPoint(point="Weak on complex design work"),
]
AUGMENTING_QUESTION = "How do you make a small training set bigger?"
AUGMENTING_POINTS = [
    KeyPoint(point="Modifies existing real examples"),
    KeyPoint(point="Creates new artificial examples"),
]


def test_a_point_opening_with_a_capitalised_verb_is_read_as_that_verb() -> None:
    # "Boosts" is three word pieces far from "boost", what the gloss of 提高 is near
    result = grade(
        "写代码的效率提高很多；但复杂的系统设计还做不好。", CODING_POINTS, CODING_QUESTION
    )
    assert result.score >= 0.55
    assert 1 in result.covered


def test_an_inflected_point_word_meets_the_base_form_of_a_gloss() -> None:
    # "Modifies" is spelled out in fragments; the gloss of 改一改 is a base form
    answer = "把真实的样本改一改，比如翻转；也可以生成全新的人造样本。"
    result = grade(answer, AUGMENTING_POINTS, AUGMENTING_QUESTION)
    assert result.credits[0] >= 0.5
    assert result.score >= 0.8


def test_english_answers_in_plain_words_still_cover_capitalised_points() -> None:
    said = "It boosts productivity a lot, but it is weak at complex design."
    assert grade(said, CODING_POINTS, CODING_QUESTION).covered == (0, 1)
    said = "modify the real examples you have, and create new artificial ones"
    assert grade(said, AUGMENTING_POINTS, AUGMENTING_QUESTION).covered == (0, 1)


RAG_QUESTION = "RAG 里面向量检索（embedding）起什么作用？"
RAG_POINTS = [
    KeyPoint(point="把文档切块后用 embedding 模型变成向量，存进向量数据库。"),
    KeyPoint(point="用户提问时把问题也变成向量，按相似度找出最相关的几块。"),
    KeyPoint(point="把这些片段放进提示词，让模型基于资料回答，减少胡编。"),
]


def test_a_terse_english_answer_is_not_cut_down_for_the_length_of_a_chinese_points_gloss() -> None:
    # A gloss spells out every word ("put into", "based on", "make things up"), so it
    # reads longer than the English that says the same; the answer's last clause says the
    # third point in eleven words.
    answer = (
        "Chunks get embedded and stored in a vector DB, the query is embedded too and we"
        " fetch the most similar chunks, then put them in the prompt so the model answers"
        " from the sources."
    )
    result = grade(answer, RAG_POINTS, RAG_QUESTION)
    assert result.score >= 0.5
    assert 0 in result.covered
    assert result.credits[2] > 0.55
