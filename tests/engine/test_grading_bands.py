"""The grader ranks answers by quality: the labelled check set in fixtures/grading_checks.yaml.

Every answer is graded twice: against the bundled key points with their hand-written match
terms, and against the same points with no terms at all (as a deck drafted from notes may
have them), so the semantic layer is measured on its own. `pair_order` is the share of
pairs of answers to the same question, from different bands, that come out the right way
round (a tie counts as wrong).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from bot.decks import Catalog
from bot.decks.model import KeyPoint, Question
from bot.engine.grading import grade

ROOT = Path(__file__).resolve().parents[2]
CHECKS = Path(__file__).parent / "fixtures" / "grading_checks.yaml"
BANDS = ("offtopic", "weak", "partial", "strong")


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return Catalog.load([ROOT / "content"])


def graded(
    shipped: Catalog, *, with_terms: bool
) -> Iterator[tuple[Question, list[tuple[int, float]]]]:
    """Each question of the check set with (band rank, score) for each of its answers."""
    for case in yaml.safe_load(CHECKS.read_text(encoding="utf-8")):
        question = shipped.by_id[case["question"]]
        points = (
            question.key_points
            if with_terms
            else [KeyPoint(point=kp.point, optional=kp.optional) for kp in question.key_points]
        )
        scores = [
            (rank, grade(answer, points, question.question).score)
            for rank, band in enumerate(BANDS)
            for answer in case[band]
        ]
        yield question, scores


def pair_order(results: list[tuple[Question, list[tuple[int, float]]]]) -> float:
    right = total = 0
    for _, scores in results:
        for (rank_a, a), (rank_b, b) in combinations(scores, 2):
            if rank_a != rank_b:
                total += 1
                right += (a - b) * (rank_a - rank_b) > 0
    return right / total


def by_band(results: list[tuple[Question, list[tuple[int, float]]]]) -> dict[str, list[float]]:
    bands: dict[str, list[float]] = {band: [] for band in BANDS}
    for _, scores in results:
        for rank, score in scores:
            bands[BANDS[rank]].append(score)
    return bands


@pytest.mark.parametrize("with_terms", [True, False], ids=["with-terms", "without-terms"])
def test_answers_rank_in_band_order(shipped: Catalog, with_terms: bool) -> None:
    results = list(graded(shipped, with_terms=with_terms))
    assert len(results) >= 14
    assert pair_order(results) >= 0.9


@pytest.mark.parametrize("with_terms", [True, False], ids=["with-terms", "without-terms"])
def test_off_topic_echoes_buzzwords_and_gibberish_score_near_zero(
    shipped: Catalog, with_terms: bool
) -> None:
    off_topic = by_band(list(graded(shipped, with_terms=with_terms)))["offtopic"]
    assert max(off_topic) <= 0.1


@pytest.mark.parametrize("with_terms", [True, False], ids=["with-terms", "without-terms"])
def test_bands_are_apart_on_average(shipped: Catalog, with_terms: bool) -> None:
    bands = {
        band: statistics.mean(scores)
        for band, scores in by_band(list(graded(shipped, with_terms=with_terms))).items()
    }
    assert bands["offtopic"] < bands["weak"] < bands["partial"] - 0.15
    assert bands["partial"] < bands["strong"] - 0.25
    assert bands["strong"] >= 0.7


def test_strong_answers_score_well_with_the_decks_terms(shipped: Catalog) -> None:
    strong = by_band(list(graded(shipped, with_terms=True)))["strong"]
    assert min(strong) >= 0.35
    assert statistics.median(strong) >= 0.8
