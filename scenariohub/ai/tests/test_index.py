import numpy as np
import pytest

from scenariohub.ai.index import Index, rrf

from .conftest import CORPUS, NEAR_DUPLICATE_CHENGDU, NEAR_DUPLICATE_MIANYANG


def ids(results):
    return [doc_id for doc_id, _ in results]


@pytest.mark.parametrize("mode", ["lexical", "hybrid"])
@pytest.mark.parametrize(("query", "expected"), [("光伏", 1), ("跌倒", 3), ("客流", 5), ("热线", 6)])
def test_two_character_query_finds_its_document(corpus_index, mode, query, expected):
    assert ids(corpus_index.search(query, 3, mode=mode))[0] == expected


def test_exact_product_name_beats_paraphrases(corpus_index):
    # 8, 9 and 10 describe the same kind of product; only 8 carries the product name.
    for mode in ("lexical", "hybrid"):
        assert ids(corpus_index.search("天府慧眼3000", 3, mode=mode))[0] == 8


def test_dense_search_finds_paraphrase_without_shared_words(corpus_index):
    found = ids(corpus_index.search("钢材外观质量检测", 3, mode="dense"))
    assert set(found) & {8, 9, 10}


def test_search_scores_are_ordered_and_k_is_respected(corpus_index):
    results = corpus_index.search("养老 监测", 2)
    assert len(results) == 2
    assert results[0][1] >= results[1][1]
    assert corpus_index.search("养老", 0) == []


def test_search_many_answers_each_query_as_search_does(corpus_index):
    queries = ["光伏", "跌倒 监测", "钢材外观质量检测", "城市热线工单分类"]
    vectors = corpus_index.embedder.embed_queries(queries)
    batched = corpus_index.search_many(queries, 5, query_vectors=vectors)
    assert batched == [
        corpus_index.search(q, 5, query_vector=v) for q, v in zip(queries, vectors, strict=True)
    ]
    # Embedded by the index itself when no vectors are given; empty input, empty output.
    assert ids(corpus_index.search_many(["光伏"], 3)[0]) == ids(corpus_index.search("光伏", 3))
    assert corpus_index.search_many([], 3) == []


def test_search_many_only_answers_among_the_given_documents(corpus_index):
    queries = ["光伏", "跌倒 监测", "钢材外观质量检测"]
    vectors = corpus_index.embedder.embed_queries(queries)
    allowed = {3, 8, 9, 1234}  # an id not in the index is ignored
    restricted = corpus_index.search_many(queries, 5, query_vectors=vectors, only=allowed)
    for query, found, vector in zip(queries, restricted, vectors, strict=True):
        assert found and set(ids(found)) <= allowed - {1234}
        # The best allowed documents, not the best of all filtered: the nearest allowed one by its vector
        # is always among them.
        nearest = max(allowed - {1234}, key=lambda d: corpus_index.similarity(d, vector))
        assert nearest in ids(found), query
    assert corpus_index.search_many(queries, 5, query_vectors=vectors, only=()) == [[], [], []]


def test_search_many_only_without_embedder_is_lexical_among_them():
    index = Index(embedder=None)
    index.add_many([(1, "光伏电站 巡检"), (2, "光伏组件 清洗"), (3, "跌倒 监测")])
    assert ids(index.search_many(["光伏"], 5, only=[2, 3])[0]) == [2]
    assert ids(index.search_many(["光伏"], 5)[0]) == ids(index.search("光伏", 5, mode="lexical"))


def test_unknown_mode_is_refused(corpus_index):
    with pytest.raises(ValueError):
        corpus_index.search("光伏", 3, mode="fuzzy")


def test_add_replaces_and_remove_forgets(use_engine):
    index = use_engine.new_index()
    index.add("a", "光伏组件清洗机器人")
    index.add("a", "智慧停车诱导系统")  # re-indexing the same id replaces its text
    assert len(index) == 1
    assert index.search("光伏", 5, mode="lexical") == []
    assert ids(index.search("停车", 5)) == ["a"]
    assert index.remove("a") and not index.remove("a")
    assert index.search("停车", 5) == []


def test_many_removals_compact_rows(lexical_engine):
    index = lexical_engine.new_index()
    index.add_many((i, f"文档{i} 光伏 运维") for i in range(3000))
    for i in range(2000):
        index.remove(i)
    assert len(index) == 1000
    assert len(index._id_of) < 3000  # compacted
    found = ids(index.search("光伏", 2000, mode="lexical"))
    assert len(found) == 1000 and min(found) == 2000


def test_precomputed_tokens_and_vectors_are_used(use_engine):
    index = use_engine.new_index()
    vector = use_engine.embedder.embed_passages(["智慧停车"])[0]
    index.add(7, "", vector=vector, tokens=["停车"])
    assert ids(index.search("停车", 1, mode="lexical")) == [7]
    assert np.allclose(index.vector_of(7), vector, atol=1e-6)


def test_near_duplicate_across_two_regions_is_found(corpus_index):
    index = corpus_index
    index.add(100, NEAR_DUPLICATE_CHENGDU)
    try:
        duplicates = index.similar(NEAR_DUPLICATE_MIANYANG, 5, threshold=0.8)
        assert ids(duplicates) == [100]
        assert duplicates[0][1] > 0.9
        # Excluding the document itself, as when checking a scenario against the others.
        assert index.similar(NEAR_DUPLICATE_CHENGDU, 5, threshold=0.8, exclude=[100]) == []
        # Related but different documents stay below the threshold.
        assert index.similar(CORPUS[3], 5, threshold=0.8, exclude=[3]) == []
    finally:
        index.remove(100)


def test_near_duplicate_without_embedder(lexical_engine):
    index = lexical_engine.new_index()
    index.add_many(CORPUS.items())
    index.add(100, NEAR_DUPLICATE_CHENGDU)
    assert ids(index.similar(NEAR_DUPLICATE_MIANYANG, 5, threshold=0.8)) == [100]


def test_fallback_to_lexical_without_embedder(lexical_engine):
    assert lexical_engine.status_dict()["available"] is False
    assert lexical_engine.status_dict()["mode"] == "lexical"
    index = lexical_engine.new_index()
    index.add_many(CORPUS.items())
    assert not index.dense_available
    for mode in ("dense", "hybrid", "lexical"):
        assert ids(index.search("跌倒", 1, mode=mode)) == [3]
    with pytest.raises(RuntimeError):
        index.vector_of(3)


def test_rrf_rewards_agreement():
    fused = rrf([[1, 2, 3], [2, 1, 4]], k=60)
    assert fused[1] == fused[2] > fused[3] > 0
    assert fused[4] == pytest.approx(1 / 63)


def test_empty_index_answers_empty(lexical_engine):
    index = Index(analyzer=lexical_engine.analyzer)
    assert index.search("光伏", 5) == []
    assert index.similar("光伏", 5) == []


def test_tokens_of_gives_back_the_indexed_tokens_and_asking_with_them_changes_nothing(corpus_index):
    from collections import Counter

    text = CORPUS[3]
    assert Counter(corpus_index.tokens_of(3)) == Counter(corpus_index.analyzer.tokens(text))
    vector = corpus_index.vector_of(3)[None, :]
    assert corpus_index.search_many(
        [text], 5, query_vectors=vector, token_lists=[corpus_index.tokens_of(3)]
    ) == (corpus_index.search_many([text], 5, query_vectors=vector))
    with pytest.raises(KeyError):
        corpus_index.tokens_of(999)


def test_bm25_scores_restricted_to_rows_equal_the_full_scores_there(corpus_index):
    lexical = corpus_index._lexical
    tokens = corpus_index.analyzer.tokens("光伏 跌倒 监测 平台")
    only = np.zeros(lexical.n_rows, dtype=bool)
    only[[0, 2, 5]] = True
    full = lexical.scores(tokens)
    restricted = lexical.scores_many([tokens], only=only)[0]
    assert np.allclose(restricted[only], full[only])
    assert not restricted[~only].any()
    assert full[only].any()  # the check compares something


def test_bm25_restricted_scores_with_empty_and_removed_rows():
    from scenariohub.ai.bm25 import BM25Index

    bm25 = BM25Index()
    docs = [["光伏", "巡检"], [], ["光伏", "光伏", "清洗"], ["跌倒"], ["巡检", "无人机"]]
    bm25.add_many(range(len(docs)), docs)
    bm25.remove(4)
    only = np.ones(len(docs), dtype=bool)
    queries = [["光伏", "巡检"], ["跌倒"], ["未知词"]]
    full = bm25.scores_many(queries)
    restricted = bm25.scores_many(queries, only=only)
    for a, b in zip(full, restricted, strict=True):
        assert np.allclose(a, b)
    # One query alone: the last allowed row has none of its terms (an empty segment at the end).
    assert np.allclose(bm25.scores_many(queries[:1], only=only)[0], full[0])
    assert restricted[0][1] == 0 and restricted[0][4] == 0  # the empty row and the removed one
    assert restricted[0][0] > restricted[0][2] > 0 and restricted[1][3] > 0
