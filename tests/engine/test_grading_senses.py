"""The Chinese gloss reads a word in the sense that fits the question, grammar characters as
grammar, and one character pair shared with a Chinese point is not evidence of it.

Every test runs the real grader with the real embeddings and dictionary the packages ship;
the key points have no match terms, so only the meaning layer can cover them.
"""

from __future__ import annotations

from bot.decks.model import KeyPoint
from bot.engine import glossing
from bot.engine.grading import grade

DRIFT_QUESTION = "Why can a model trained last year fail today?"
DRIFT_POINTS = [
    KeyPoint(point="The data distribution shifts over time"),
    KeyPoint(point="Retrain on recent data"),
]
GROUNDING_QUESTION = "How do you keep a model's answers grounded?"
GROUNDING_POINTS = [
    KeyPoint(point="Retrieve relevant documents and put them in the prompt"),
    KeyPoint(point="Cite the sources"),
]
OVERFITTING_QUESTION = "为什么要防止过拟合？"
OVERFITTING_POINTS = [
    KeyPoint(point="模型在新数据上泛化能力差"),
    KeyPoint(point="它记住了训练集里的噪声"),
]


def test_a_word_keeps_several_senses_with_its_main_one_first(glossary: glossing.Glossary) -> None:
    senses = glossary.senses("分布")
    assert senses[0] == glossary.english("分布") == "scatter"
    assert "distribution" in senses
    assert "long" in glossary.senses("长")  # a second reading's senses are kept too
    assert glossary.gloss("分布").split() == ["scatter"]
    assert glossary.gloss("分布", lambda senses: senses[-1]).split() == [senses[-1]]


def test_a_chinese_answer_is_read_in_the_senses_that_fit_the_question() -> None:
    answer = "用户行为变了，输入数据的分布跟训练时不一样了，要用最近的数据重新训练。"
    result = grade(answer, DRIFT_POINTS, DRIFT_QUESTION)
    assert 0 in result.covered  # 分布 read as "distribution", not "scatter"
    assert result.score >= 0.6


def test_a_chinese_answer_on_grounding_covers_the_retrieval_point() -> None:
    answer = "先检索相关的资料放进提示词里，回答时注明出处。"
    result = grade(answer, GROUNDING_POINTS, GROUNDING_QUESTION)
    assert result.credits[0] >= 0.5
    assert result.score >= 0.4


def test_characters_that_work_as_grammar_gloss_as_english_function_words(
    glossary: glossing.Glossary,
) -> None:
    assert glossary.gloss("训练时").split() == ["training", "when"]  # not "o'clock"
    assert glossary.gloss("数据上").split() == ["data", "on"]
    assert glossary.gloss("会议").split() != glossary.gloss("会").split()  # words stay whole


def test_one_character_pair_in_common_is_no_evidence_of_a_chinese_point() -> None:
    for answer in ("数据库要定期备份。", "数据湖更便宜，数据仓库更快。"):
        result = grade(answer, OVERFITTING_POINTS, OVERFITTING_QUESTION)
        assert result.credits == (0.0, 0.0), answer
        assert result.score <= 0.1, answer
    said = grade("模型在没见过的数据上表现差。", OVERFITTING_POINTS, OVERFITTING_QUESTION)
    assert said.covered == (0,)


REVIEW_QUESTION = "How do you check a model's answers when nothing has a single right answer?"
REVIEW_POINTS = [
    KeyPoint(point="Human review is costly and slow"),
    KeyPoint(point="Use an LLM as a judge"),
]


def test_grammar_words_of_two_or_more_characters_gloss_as_english_function_words(
    glossary: glossing.Glossary,
) -> None:
    assert glossary.gloss("被增强而不是被取代").split() == ["increase", "rather", "than", "replace"]
    assert glossary.gloss("不是").split() == ["not"]  # not the dictionary's first "fault"
    assert glossary.gloss("基于规则").split()[:2] == ["based", "on"]


def test_grammar_words_are_cut_first_so_a_neighbouring_word_is_not_misread(
    glossary: glossing.Glossary,
) -> None:
    # 贵 / 而 / 且慢 ("wait a moment") would also be a cut of this run
    assert glossary.words_of("贵而且慢") == ["贵", "而且", "慢"]
    assert glossary.gloss("贵而且慢").split() == ["expensive", "and", "slow"]


def test_a_grammar_word_inside_a_longer_word_stays_part_of_it(glossary: glossing.Glossary) -> None:
    assert glossary.words_of("不可能") == ["不可能"]
    assert glossary.words_of("可能性很大")[0] == "可能性"


def test_a_verb_said_twice_reads_as_the_verb_once(glossary: glossing.Glossary) -> None:
    for said_twice in ("改一改", "改改", "改了改"):
        assert glossary.words_of(said_twice) == ["改"], said_twice
    assert glossary.words_of("常常") == ["常常"]  # a word that is a repeat stays whole


def test_a_chinese_answer_whose_grammar_words_join_two_ideas_covers_the_point() -> None:
    result = grade("请人来评又贵而且慢；可以让大模型当评委。", REVIEW_POINTS, REVIEW_QUESTION)
    assert result.covered == (0, 1)
    assert result.score >= 0.9


CHUNKING_QUESTION = "How do you prepare documents for retrieval?"
CHUNKING_POINTS = [
    KeyPoint(point="Split them into small chunks"),
    KeyPoint(point="Turn each chunk into a vector"),
]


def test_renderings_a_sense_lists_after_a_semicolon_are_senses_too(
    glossary: glossing.Glossary,
) -> None:
    assert glossary.senses("块")[:3] == ("lump", "chunk", "piece")  # "lump; chunk; piece"
    assert "real" in glossary.senses("真实")  # "true; real"


def test_a_chinese_answer_is_read_in_a_rendering_after_a_semicolon() -> None:
    result = grade("把文档切成小块，每一块变成一个向量。", CHUNKING_POINTS, CHUNKING_QUESTION)
    assert result.covered == (0, 1)  # 块 read as "chunk", not "lump"
    assert result.score >= 0.95
