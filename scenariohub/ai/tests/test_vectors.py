import numpy as np
import pytest

from scenariohub.ai.vectors import DenseMatrix, top_k, top_k_rows, vector_from_bytes, vector_to_bytes


@pytest.mark.parametrize(("dtype", "tolerance"), [("float16", 1e-3), ("float32", 0.0)])
def test_vector_round_trip(dtype, tolerance):
    vector = np.random.default_rng(0).normal(size=384).astype(np.float32)
    vector /= np.linalg.norm(vector)
    data = vector_to_bytes(vector, dtype=dtype)
    assert len(data) == 1 + 384 * np.dtype(dtype).itemsize
    back = vector_from_bytes(memoryview(data))  # BinaryField gives memoryview on PostgreSQL
    assert back.dtype == np.float32
    assert np.abs(back - vector).max() <= tolerance


def test_vector_from_bytes_rejects_garbage():
    with pytest.raises(ValueError):
        vector_from_bytes(b"")
    with pytest.raises(ValueError):
        vector_from_bytes(b"x1234")
    with pytest.raises(ValueError):
        vector_from_bytes(b"f123")  # three bytes cannot be float32s


def test_top_k_orders_and_skips_invalid():
    scores = np.array([0.1, 0.9, 0.5, 0.7])
    assert top_k(scores, 2).tolist() == [1, 3]
    assert top_k(scores, 10).tolist() == [1, 3, 2, 0]
    valid = np.array([True, False, True, True])
    assert top_k(scores, 2, valid=valid).tolist() == [3, 2]
    assert top_k(scores, 0).tolist() == []
    # Equal scores: the lower row first.
    assert top_k(np.array([0.5, 0.9, 0.5, 0.5]), 3).tolist() == [1, 0, 2]


def test_top_k_rows_is_top_k_of_each_row():
    rng = np.random.default_rng(3)
    scores = rng.random((7, 500)).astype(np.float32)
    scores[2, 10:20] = 0.99  # ties
    valid = rng.random(500) > 0.2
    expected = [top_k(row, 30, valid=valid).tolist() for row in scores]
    assert top_k_rows(scores.copy(), 30, valid=valid).tolist() == expected
    # Fewer valid rows than asked for: all of them, still best first; nothing asked, nothing given.
    few = np.zeros(500, dtype=bool)
    few[[4, 9]] = True
    assert top_k_rows(scores.copy(), 30, valid=few).tolist() == [
        top_k(row, 30, valid=few).tolist() for row in scores
    ]
    assert top_k_rows(scores.copy(), 0).shape == (7, 0)


def test_dense_matrix_grows_normalises_and_compacts():
    matrix = DenseMatrix(3)
    for i in range(100):
        matrix.append(np.array([[i + 1.0, 0.0, 0.0]]))
    matrix.append(np.array([[0.0, 2.0, 0.0]]))
    assert matrix.n_rows == 101
    assert matrix.scores(np.array([0.0, 1.0, 0.0]))[-1] == pytest.approx(1.0)
    mapping = np.full(101, -1)
    mapping[100] = 0
    matrix.compact(mapping)
    assert matrix.n_rows == 1
    assert matrix.row(0).tolist() == [0.0, 1.0, 0.0]
