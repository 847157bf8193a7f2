import numpy as np

from scenariohub.ai.embedders import ConcatEmbedder, load_embedder
from scenariohub.ai.engine import Engine


class FakeEmbedder:
    def __init__(self, name, vector):
        self.name, self.dim, self._vector = name, len(vector), np.asarray(vector, dtype=np.float32)

    def embed_queries(self, texts):
        return np.tile(self._vector, (len(texts), 1))

    embed_passages = embed_queries


def test_none_disables_dense_search():
    embedder, status = load_embedder("none")
    assert embedder is None
    assert status.as_dict()["available"] is False
    assert "SCENARIOHUB_EMBEDDER=none" in status.reason


def test_unknown_or_missing_models_fall_back_with_a_reason():
    embedder, status = load_embedder("word2vec")
    assert embedder is None and not status.available and "unknown embedder" in status.reason
    embedder, status = load_embedder("sentence-transformers:/nonexistent/model")
    assert embedder is None and not status.available
    assert status.reason  # either the package or the directory is missing; both are said


def test_engine_with_missing_model_searches_lexically():
    engine = Engine(embedder_spec="sentence-transformers:/nonexistent/model")
    assert engine.status_dict()["mode"] == "lexical"
    index = engine.new_index()
    index.add(1, "森林火情识别")
    assert index.search("火情", 1, mode="hybrid")[0][0] == 1


def test_concatenation_averages_cosines():
    fused = ConcatEmbedder([FakeEmbedder("a", [1.0, 0.0]), FakeEmbedder("b", [0.0, 1.0, 0.0])])
    assert fused.name == "a+b" and fused.dim == 5
    vectors = fused.embed_queries(["x", "y"])
    assert vectors.shape == (2, 5)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)


def test_use_embedder_returns_unit_rows(use_engine):
    vectors = use_engine.embedder.embed_passages(["光伏", "跌倒检测"])
    assert vectors.shape == (2, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert use_engine.embedder.embed_queries([]).shape == (0, 512)
