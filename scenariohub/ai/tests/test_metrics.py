import math

import pytest

from scenariohub.ai.metrics import mean, ndcg_at_k, ranking_report, recall_at_k, reciprocal_rank


def test_ndcg_perfect_and_swapped():
    relevant = {"a": 2, "b": 1}
    assert ndcg_at_k(["a", "b", "x"], relevant) == pytest.approx(1.0)
    # DCG of b, a = 1/log2(2) + 2/log2(3); ideal = 2 + 1/log2(3)
    expected = (1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3))
    assert ndcg_at_k(["b", "a"], relevant) == pytest.approx(expected)


def test_ndcg_cuts_at_k_and_handles_no_relevant():
    assert ndcg_at_k(["x", "a"], {"a": 1}, k=1) == 0.0
    assert ndcg_at_k(["a"], {}) == 0.0
    assert ndcg_at_k(["x", "a"], {"a": 1}, k=2) == pytest.approx(1 / math.log2(3))


def test_recall_and_reciprocal_rank():
    relevant = {"a": 2, "b": 1, "c": 1}
    assert recall_at_k(["x", "b", "a"], relevant, k=10) == pytest.approx(2 / 3)
    assert recall_at_k(["x", "b", "a"], relevant, k=1) == 0.0
    assert reciprocal_rank(["x", "y", "c"], relevant) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], relevant) == 0.0


def test_ranking_report_averages_queries():
    report = ranking_report([(["a"], {"a": 1}), (["x"], {"a": 1})], k=10)
    assert report == {"ndcg@10": 0.5, "recall@10": 0.5, "mrr": 0.5, "queries": 2}
    assert mean([]) == 0.0
