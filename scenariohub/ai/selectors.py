"""Reads: search, sector/field suggestions, near-duplicates, recommendations both ways, the status page.

Everything searches the process's live indexes (`live.py`: loaded from stored vectors, kept current),
so a search costs no SQL; the rows found are then read with the caller's access rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.apps import apps
from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import Organisation, Role
from scenariohub.core.errors import NotFound, PermissionDenied

from . import lexicon, live, services
from .documents import document_text, label_names
from .engine import Engine, engine_status, get_engine
from .index import DUPLICATE_THRESHOLD, LEXICAL_FLOOR, Index
from .models import DocumentVector
from .vectors import vector_from_bytes

# Ranked ids handed to the catalogue's SQL (`pk__in` plus an ORDER BY CASE): enough for 25 pages.
SEARCH_LIMIT = 500
# In a search box that filters, the embedding adds at most this many nearest documents to those that
# share words with the query: paraphrases are found, but a query matching nothing does not list hundreds.
SEMANTIC_NEIGHBOURS = 50
# ... and only those whose cosine reaches this share of the best one. On the dev set (USE), a ratio of 0.5
# keeps 79 % of the relevant documents of two-character keywords (92 % for need-phrased queries) and 4 %
# (16 %) of the others; the relevant ones it drops usually share the query's words and enter lexically.
SEMANTIC_FLOOR = 0.5
# SCENARIOHUB_SEARCH_MODE="auto": hybrid while one dense pass stays cheap, lexical above. The pass is a
# float32 matrix-vector product over documents x dimensions: ~20 ms for 69k x 512 (USE) on the 2-core
# development server when quiet, ~50 ms under load. Measured end to end at 100k scenarios (69k released,
# SQLite, gunicorn 2 workers, 2 clients): lexical search box p95 63-102 ms (the catalogue without `q`: 83
# ms); hybrid p95 158-203 ms, over the 150 ms target. 10M cells (~20k USE documents) keeps the dense pass
# near 10 ms; a province's real catalogue (thousands) is searched by meaning, a 100k one by words.
AUTO_HYBRID_MAX_CELLS = 10_000_000
SEARCH_MODES = ("auto", "hybrid", "lexical")
# Candidates each recommendation query takes from the index before scoring.
RECOMMENDATION_CANDIDATES = 50
# Score weights of a recommendation: what the texts share, then the plain facts people check first.
TEXT_WEIGHT = 0.6
FIELD_WEIGHT = 0.2
REGION_WEIGHT = 0.1
TRACK_WEIGHT = 0.1
# For a supplier, the region and the field weigh a little more (there is no track record to add).
SUPPLIER_FIELD_WEIGHT = 0.25
SUPPLIER_REGION_WEIGHT = 0.15
SHARED_TERMS = 3

__all__ = [
    "Duplicate",
    "Recommendation",
    "ai_status",
    "duplicates_for_scenario",
    "duplicates_for_text",
    "index_load",
    "recommend_scenarios_for_supplier",
    "recommend_solutions_for_scenario",
    "recommend_suppliers_for_scenario",
    "scenario_recommendations_for_actor",
    "search_ids",
    "search_mode",
    "suggest_fields",
    "supplier_recommendations_for_actor",
]

# Rows fetched per round trip while loading; bounds memory on PostgreSQL's server-side cursor too.
LOAD_CHUNK = 2000


def index_load(*, kind: str, engine: Engine | None = None) -> Index:
    """An index of every stored document of `kind` for the running embedder (search ids = object ids).

    Documents stored under another embedder are not included: re-index them with
    `services.document_vectors_upsert` after changing SCENARIOHUB_EMBEDDER. (The platform's searches use
    the live index of `live.py`, which is loaded the same way and then kept current.)
    """
    engine = engine or get_engine()
    index = engine.new_index()
    name = engine.embedder.name if engine.embedder is not None else "none"
    rows = (
        DocumentVector.objects.filter(kind=kind, embedder=name)
        .order_by("object_id")
        .values_list("object_id", "vector", "tokens")
        .iterator(chunk_size=LOAD_CHUNK)
    )
    ids: list[int] = []
    vectors: list[np.ndarray] = []
    tokens: list[list[str]] = []

    def flush() -> None:
        index.add_many(
            [(oid, "") for oid in ids],
            vectors=np.vstack(vectors) if engine.embedder is not None else None,
            token_lists=tokens,
        )
        ids.clear()
        vectors.clear()
        tokens.clear()

    for object_id, vector, token_text in rows:
        ids.append(object_id)
        tokens.append(token_text.split())
        if engine.embedder is not None:
            vectors.append(vector_from_bytes(vector))
        if len(ids) == LOAD_CHUNK:
            flush()
    if ids:
        flush()
    return index


# ---------------------------------------------------------------------------------------------- search


def search_mode(index: Index | None = None) -> str:
    """ "hybrid" or "lexical": how the search box is answered (setting SCENARIOHUB_SEARCH_MODE, default auto)."""
    wanted = str(getattr(settings, "SCENARIOHUB_SEARCH_MODE", "auto") or "auto").lower()
    if index is None or not index.dense_available or wanted == "lexical":
        return "lexical"
    if wanted == "hybrid":
        return "hybrid"
    dim = index.embedder.dim if index.embedder is not None else 0
    return "hybrid" if len(index) * dim <= AUTO_HYBRID_MAX_CELLS else "lexical"


def search_ids(*, kind: str, query: str, limit: int = SEARCH_LIMIT) -> list[int] | None:
    """Ids of documents matching `query`, best first, at most `limit`; None when the engine has no index
    to answer from (the caller then searches by substring in SQL).

    Ranked by the engine: lexical matches below LEXICAL_FLOOR of the best are left out (a long query
    shares some common word with nearly everything); in hybrid mode the SEMANTIC_NEIGHBOURS nearest by
    meaning (cosine at least SEMANTIC_FLOOR of the best) join them. Then every document whose title
    contains the query's whitespace-separated terms exactly, if the ranking missed it (a product name or
    code the segmenter splits differently, a single character): an exact name is never lost.
    """
    query = (query or "").strip()
    if not query:
        return None
    holder = live.holder(kind)
    index = holder.current()
    if index is None:
        return None
    hits = index.search(
        query,
        limit,
        mode=search_mode(index),
        dense_depth=SEMANTIC_NEIGHBOURS,
        lexical_floor=LEXICAL_FLOOR,
        dense_floor=SEMANTIC_FLOOR,
    )
    ranked = [doc_id for doc_id, _ in hits]
    seen = set(ranked)
    exact = [doc_id for doc_id in holder.title_matches(query.split()[:8], limit) if doc_id not in seen]
    exact = exact[: limit // 2] if len(ranked) + len(exact) > limit else exact
    return ranked[: limit - len(exact)] + exact


# ---------------------------------------------------------------------------------------------- suggestions


@dataclass(frozen=True)
class FieldSuggestion:
    sector: str
    field: str
    score: float
    sector_name: str
    field_name: str


def suggest_fields(*, title: str = "", text: str = "", k: int = 3) -> list[FieldSuggestion]:
    """Top `k` (sector, field) for a scenario being written, with Chinese names, best first.

    The classifier has learnt from the platform's published scenarios (see `live.platform_classifier`).
    """
    if not (title or "").strip() and not (text or "").strip():
        return []
    by_code = {f.code: f for f in lexicon.fields()}
    out = []
    for s in live.platform_classifier().classify(title=title, text=text, k=k):
        f = by_code[s.field]
        out.append(FieldSuggestion(s.sector, s.field, s.score, f.sector_name_zh, f.name_zh))
    return out


# ---------------------------------------------------------------------------------------------- duplicates


@dataclass(frozen=True)
class Duplicate:
    scenario: Any
    similarity: float

    def as_dict(self) -> dict:
        s = self.scenario
        return {
            "id": s.pk,
            "title": s.title,
            "region": s.region_id,
            "region_name": s.region.name_zh,
            "status": s.status,
            "similarity": self.similarity,
        }


def _field_labels(field_code: str) -> list[str]:
    sector = next((f.sector_code for f in lexicon.fields() if f.code == field_code), "")
    return label_names(field_codes=[field_code] if sector else [], sector_code=sector)


def duplicates_for_text(
    *,
    actor: Actor,
    title: str = "",
    text: str = "",
    field_code: str = "",
    exclude_id: int | None = None,
    limit: int = 5,
    threshold: float = DUPLICATE_THRESHOLD,
) -> list[Duplicate]:
    """Released scenarios of any region that say nearly the same as this text, most similar first.

    Only scenarios the actor may see are returned (the index holds released ones only, and the rows are
    read through `visible_q` as well). `field_code`, when known, is added as the indexed documents carry it.
    """
    if not (title or "").strip() and not (text or "").strip():
        return []
    body = document_text(title=title, parts=[text], labels=_field_labels(field_code))
    return _duplicates(
        actor=actor, text=body, vector=None, exclude_id=exclude_id, limit=limit, threshold=threshold
    )


def duplicates_for_scenario(*, actor: Actor, scenario, limit: int = 5) -> list[Duplicate]:
    """Near-duplicates of a saved scenario (itself excluded); its stored vector is reused when indexed."""
    index = live.live_index(services.SCENARIO)
    vector = (
        index.vector_of(scenario.pk)
        if index is not None and index.dense_available and scenario.pk in index
        else None
    )
    return _duplicates(
        actor=actor,
        text=services.scenario_text(scenario),
        vector=vector,
        exclude_id=scenario.pk,
        limit=limit,
        threshold=DUPLICATE_THRESHOLD,
    )


def _duplicates(*, actor, text, vector, exclude_id, limit, threshold) -> list[Duplicate]:
    from scenariohub.scenarios.models import Scenario
    from scenariohub.scenarios.selectors import visible_q

    index = live.live_index(services.SCENARIO)
    if index is None:
        return []
    exclude = [exclude_id] if exclude_id is not None else []
    hits = index.similar(text, 4 * limit, threshold=threshold, exclude=exclude, text_vector=vector)
    if not hits:
        return []
    rows = Scenario.objects.filter(visible_q(actor), pk__in=[doc_id for doc_id, _ in hits]).select_related(
        "region"
    )
    by_id = {s.pk: s for s in rows}
    return [Duplicate(by_id[doc_id], sim) for doc_id, sim in hits if doc_id in by_id][:limit]


# ---------------------------------------------------------------------------------------------- recommendations


@dataclass
class Recommendation:
    """One recommended object (a Solution, Scenario or SupplierProfile), a score in [0, 1], and the reasons
    shown to people (in the active language: Chinese by default). Same shape as matching's hook type."""

    object: Any
    score: float
    reasons: list[str] = field(default_factory=list)
    matched_text: str = ""  # the text this object was matched against (for the shared-terms reason)


def _matching_models():
    """(Solution, SupplierProfile, Application, ApplicationStatus) from the matching app, or None."""
    if not apps.is_installed("scenariohub.matching"):
        return None
    try:
        from scenariohub.matching.models import Application, ApplicationStatus, Solution, SupplierProfile
    except ImportError:
        return None
    return Solution, SupplierProfile, Application, ApplicationStatus


def _query_vector(index: Index | None, text: str, stored: np.ndarray | None) -> np.ndarray | None:
    if index is None or not index.dense_available or index.embedder is None:
        return None
    return stored if stored is not None else index.embedder.embed_queries([text])[0]


def _query_vectors(
    index: Index | None, texts: list[str], stored: list[np.ndarray | None]
) -> list[np.ndarray | None]:
    """`_query_vector` for several texts, embedding the ones without a stored vector in one batch."""
    if index is None or not index.dense_available or index.embedder is None:
        return [None] * len(texts)
    missing = [i for i, vector in enumerate(stored) if vector is None]
    vectors = list(stored)
    if missing:
        for i, vector in zip(missing, index.embedder.embed_queries([texts[i] for i in missing]), strict=True):
            vectors[i] = vector
    return vectors


def _stored_tokens(kind: str, object_id: int, text: str) -> list[str] | None:
    """The tokens `text` was indexed with, if the live index holds this very text (same hash), else None."""
    holder = live.holder(kind)
    index = holder.index
    if index is None or object_id not in index or holder.hashes.get(object_id) != services.text_hash(text):
        return None
    return index.tokens_of(object_id)


def _stored_vector(kind: str, object_id: int) -> np.ndarray | None:
    index = live.live_index(kind)
    if index is not None and index.dense_available and object_id in index:
        return index.vector_of(object_id)
    return None


def _text_similarities(index: Index | None, text: str, vector: np.ndarray | None, k: int) -> dict[int, float]:
    """Ids near `text` in `index` with a similarity in [0, 1]: the embedding cosine when there is one,
    else BM25 relative to the best match."""
    if index is None:
        return {}
    if vector is not None:
        hits = index.search(text, k, mode="hybrid", query_vector=vector)
        return {doc_id: max(0.0, index.similarity(doc_id, vector)) for doc_id, _ in hits}
    hits = index.search(text, k, mode="lexical")
    best = hits[0][1] if hits else 0.0
    return {doc_id: (score / best if best > 0 else 0.0) for doc_id, score in hits}


def _text_similarities_many(
    index: Index | None,
    texts: list[str],
    vectors: list[np.ndarray | None],
    k: int,
    *,
    only: Iterable[int] | None = None,
    token_lists: list[list[str] | None] | None = None,
) -> list[dict[int, float]]:
    """`_text_similarities` for several texts in one `search_many` (one pass over the dense matrix for
    all), among the documents `only` when given."""
    if index is None or not texts:
        return [{} for _ in texts]
    if any(vector is None for vector in vectors):
        hits = index.search_many(
            texts, k, only=only, token_lists=token_lists
        )  # lexical: relative BM25, as `_text_similarities`
        return [
            {doc_id: (score / found[0][1] if found[0][1] > 0 else 0.0) for doc_id, score in found}
            if found
            else {}
            for found in hits
        ]
    hits = index.search_many(texts, k, query_vectors=np.vstack(vectors), only=only, token_lists=token_lists)
    return [
        {doc_id: max(0.0, index.similarity(doc_id, vector)) for doc_id, _ in found}
        for found, vector in zip(hits, vectors, strict=True)
    ]


def _shared_terms_reason(query_text: str, doc_text: str) -> list[str]:
    terms = services.explain_match(query_text=query_text, doc_text=doc_text, limit=SHARED_TERMS)
    return [_("Shared terms: %(terms)s") % {"terms": "、".join(terms)}] if terms else []


def recommend_solutions_for_scenario(*, scenario, limit: int = 5) -> list[Recommendation]:
    """Published solutions for a scenario, best first, each with its reasons.

    Candidates: the solutions nearest to the scenario's text (hybrid search, the scenario's stored vector
    when it is indexed) plus published solutions of the same field. Score = 0.6 text similarity + 0.2 same
    field + 0.1 same region + 0.1 track record (shortlisted applications, 3 or more count fully).
    Suppliers that already applied to the scenario are left out.
    """
    models = _matching_models()
    if models is None:
        return []
    Solution, _profile, Application, ApplicationStatus = models
    text = services.scenario_text(scenario)
    index = live.live_index(services.SOLUTION)
    vector = _query_vector(index, text, _stored_vector(services.SCENARIO, scenario.pk))
    sims = _text_similarities(index, text, vector, RECOMMENDATION_CANDIDATES)
    same_field = Solution.objects.filter(published=True, fields=scenario.field_id).values("pk")[
        :RECOMMENDATION_CANDIDATES
    ]
    solutions = list(
        Solution.objects.filter(Q(pk__in=list(sims)) | Q(pk__in=same_field), published=True)
        .exclude(supplier_id__in=Application.objects.filter(scenario_id=scenario.pk).values("supplier_id"))
        .select_related("supplier", "supplier__region", "sector")
        .prefetch_related("fields")
    )
    track = _track_records({s.supplier_id for s in solutions}, Application, ApplicationStatus)
    scored = []
    for solution in solutions:
        field_codes = {f.pk for f in solution.fields.all()}
        sim = sims.get(solution.pk)
        if sim is None and vector is not None and index is not None and solution.pk in index:
            sim = max(0.0, index.similarity(solution.pk, vector))
        shortlisted, agreed = track.get(solution.supplier_id, (0, 0))
        score = (
            TEXT_WEIGHT * (sim or 0.0)
            + FIELD_WEIGHT * (scenario.field_id in field_codes)
            + REGION_WEIGHT * (solution.supplier.region_id == scenario.region_id)
            + TRACK_WEIGHT * min(1.0, shortlisted / 3)
        )
        scored.append(Recommendation(solution, round(score, 4)))
    scored.sort(key=lambda r: (-r.score, r.object.pk))
    out = scored[:limit]
    plain = services.scenario_text(scenario, labels=False)
    for rec in out:
        solution = rec.object
        rec.matched_text = services.solution_text(solution, labels=False)
        # Shared words of what people wrote: the label names are said by the "same field" reason.
        reasons = _shared_terms_reason(plain, rec.matched_text)
        field_codes = {f.pk for f in solution.fields.all()}
        if scenario.field_id in field_codes:
            reasons.append(_("Same field: %(name)s") % {"name": scenario.field.name_zh})
        elif solution.sector_id == scenario.sector_id:
            reasons.append(_("Same sector: %(name)s") % {"name": scenario.sector.name_zh})
        if solution.supplier.region_id and solution.supplier.region_id == scenario.region_id:
            reasons.append(_("Same region: %(name)s") % {"name": solution.supplier.region.name_zh})
        shortlisted, agreed = track.get(solution.supplier_id, (0, 0))
        if shortlisted:
            reasons.append(
                _("Track record: shortlisted %(shortlisted)d times, %(agreed)d agreed")
                % {"shortlisted": shortlisted, "agreed": agreed}
            )
        rec.reasons = reasons
    return out


def _track_records(supplier_ids: Iterable[int], Application, ApplicationStatus) -> dict[int, tuple[int, int]]:
    """Per supplier: (shortlisted applications, of which the scenario reached an agreement or beyond)."""
    from scenariohub.scenarios.models import Status

    ids = list(supplier_ids)
    if not ids:
        return {}
    agreed_states = (Status.AGREED, Status.IMPLEMENTING, Status.PILOTED, Status.BENCHMARK)
    rows = (
        Application.objects.filter(supplier_id__in=ids, status=ApplicationStatus.SHORTLISTED)
        .values("supplier_id")
        .annotate(n=Count("id"), agreed=Count("id", filter=Q(scenario__status__in=agreed_states)))
    )
    return {row["supplier_id"]: (row["n"], row["agreed"]) for row in rows}


def recommend_suppliers_for_scenario(*, scenario, limit: int = 5) -> list[Recommendation]:
    """Supplier profiles for a scenario, for matching's hook (`object` is the SupplierProfile).

    A supplier with a suitable published solution is scored by its best one (whose title leads the
    reasons); a supplier whose profile names the scenario's field or sector, without such a solution,
    by the plain facts only (same field or sector, region, track record). Suppliers that applied already
    are left out.
    """
    models = _matching_models()
    if models is None:
        return []
    _solution, SupplierProfile, Application, ApplicationStatus = models
    best: dict[int, Recommendation] = {}
    for rec in recommend_solutions_for_scenario(scenario=scenario, limit=4 * limit):
        best.setdefault(rec.object.supplier_id, rec)
    applied = Application.objects.filter(scenario_id=scenario.pk).values("supplier_id")
    by_profile = (
        SupplierProfile.objects.filter(Q(fields=scenario.field_id) | Q(sectors=scenario.sector_id))
        .exclude(organisation_id__in=applied)
        .order_by("-verified", "organisation_id")
        .values("pk")[:RECOMMENDATION_CANDIDATES]
    )
    profiles = list(
        SupplierProfile.objects.filter(Q(organisation_id__in=list(best)) | Q(pk__in=by_profile))
        .filter(organisation__type=Role.SUPPLIER)
        .select_related("organisation", "organisation__region")
        .prefetch_related("fields", "sectors")
    )
    track = _track_records(
        {p.organisation_id for p in profiles if p.organisation_id not in best}, Application, ApplicationStatus
    )
    out = []
    for profile in profiles:
        rec = best.get(profile.organisation_id)
        if rec is not None:
            reasons = [_("Solution: %(title)s") % {"title": rec.object.title}, *rec.reasons]
            out.append(Recommendation(profile, rec.score, reasons, rec.matched_text))
            continue
        same_field = scenario.field_id in {f.pk for f in profile.fields.all()}
        same_region = (
            bool(profile.organisation.region_id) and profile.organisation.region_id == scenario.region_id
        )
        shortlisted, agreed = track.get(profile.organisation_id, (0, 0))
        score = (
            FIELD_WEIGHT * same_field + REGION_WEIGHT * same_region + TRACK_WEIGHT * min(1.0, shortlisted / 3)
        )
        if same_field:
            reasons = [_("Same field: %(name)s") % {"name": scenario.field.name_zh}]
        else:
            reasons = [_("Same sector: %(name)s") % {"name": scenario.sector.name_zh}]
        if same_region:
            reasons.append(_("Same region: %(name)s") % {"name": profile.organisation.region.name_zh})
        if shortlisted:
            reasons.append(
                _("Track record: shortlisted %(shortlisted)d times, %(agreed)d agreed")
                % {"shortlisted": shortlisted, "agreed": agreed}
            )
        if profile.verified:
            reasons.append(_("Verified by the provincial office"))
        out.append(Recommendation(profile, round(score, 4), reasons))
    out.sort(key=lambda r: (-r.score, not r.object.verified, r.object.organisation_id))
    return out[:limit]


def recommend_scenarios_for_supplier(*, organisation, limit: int = 5) -> list[Recommendation]:
    """Scenarios open for applications that suit a supplier, best first, each with its reasons.

    The supplier is described by its published solutions (their stored vectors when indexed) and its
    profile's introduction; each scenario keeps its best match. Candidates: the nearest scenarios plus open
    scenarios of the supplier's fields. Score = 0.6 text similarity + 0.25 same field + 0.15 same region.
    Scenarios past their deadline and those the supplier applied to are left out.
    """
    from scenariohub.scenarios.models import Scenario, Status

    models = _matching_models()
    # (solution title or "", indexed text, stored vector, plain text for the reasons)
    queries: list[tuple[str, str, np.ndarray | None, str]] = []
    query_tokens: list[list[str] | None] = []  # a solution's indexed tokens, when its index entry is current
    field_codes: set[str] = set()
    applied = Scenario.objects.none().values("pk")
    if models is not None:
        Solution, SupplierProfile, Application, _status = models
        solutions = list(
            Solution.objects.filter(supplier_id=organisation.pk, published=True)
            .prefetch_related("fields")
            .order_by("-updated_at", "-id")[:10]
        )
        for solution in solutions:
            codes = [f.pk for f in solution.fields.all()]
            field_codes.update(codes)
            text = services.solution_text(solution, field_codes=codes)
            queries.append(
                (
                    solution.title,
                    text,
                    _stored_vector(services.SOLUTION, solution.pk),
                    services.solution_text(solution, labels=False),
                )
            )
            query_tokens.append(_stored_tokens(services.SOLUTION, solution.pk, text))
        profile = (
            SupplierProfile.objects.filter(organisation_id=organisation.pk).prefetch_related("fields").first()
        )
        if profile is not None:
            codes = [f.pk for f in profile.fields.all()]
            field_codes.update(codes)
            if profile.introduction.strip():
                labels = label_names(field_codes=sorted(codes))
                text = document_text(parts=[profile.introduction], labels=labels)
                queries.append(("", text, None, profile.introduction))
                query_tokens.append(None)
        applied = Application.objects.filter(supplier_id=organisation.pk).values("scenario_id")
    if not queries and not field_codes:
        return []
    index = live.live_index(services.SCENARIO)
    today = timezone.localdate()
    # The searches look among the open scenarios the supplier has not applied to: in a catalogue of
    # past years most scenarios are closed, and the best of all, filtered, would leave few. Asking
    # only their rows of the vector matrix is also what keeps a supplier's recommendations fast. One read
    # gives what scoring needs; the deadline's two cases are two ranges of the (status, deadline) index.
    applied_ids = set(applied.values_list("scenario_id", flat=True)) if models is not None else set()
    open_scenarios = Scenario.objects.filter(status__in=(Status.PUBLISHED, Status.MATCHING))
    # The same set for every supplier (its own applications are dropped after the search), so the
    # index's per-subset preparations serve one supplier after another.
    open_ids = [
        pk
        for part in (open_scenarios.filter(deadline__gte=today), open_scenarios.filter(deadline__isnull=True))
        for pk in part.values_list("pk", flat=True)
    ]
    best: dict[int, tuple[float, int]] = {}  # scenario id -> (similarity, query number)
    texts = [text for _title, text, _stored, _plain in queries]
    vectors = _query_vectors(index, texts, [stored for _t, _x, stored, _p in queries])
    found = _text_similarities_many(
        index,
        texts,
        vectors,
        RECOMMENDATION_CANDIDATES,
        only=open_ids if index is not None else None,
        token_lists=query_tokens,
    )
    for number, sims in enumerate(found):
        for doc_id, sim in sims.items():
            if doc_id not in applied_ids and sim > best.get(doc_id, (-1.0, 0))[0]:
                best[doc_id] = (sim, number)
    # Plus the newest open scenarios of the supplier's fields.
    same_field = list(
        open_scenarios.filter(Q(deadline__gte=today) | Q(deadline__isnull=True), field_id__in=field_codes)
        .exclude(pk__in=applied_ids)
        .order_by("-published_at", "-id")
        .values_list("pk", flat=True)[:RECOMMENDATION_CANDIDATES]
    )
    rows = Scenario.objects.filter(pk__in={*best, *same_field}).values_list("pk", "field_id", "region_id")
    scored: list[tuple[float, int, int]] = []  # (score, scenario id, number of the query that matched best)
    for pk, field_id, region_id in rows:
        sim, number = best.get(pk, (0.0, -1))
        if number < 0 and index is not None and pk in index:
            # A same-field candidate the searches did not reach: its similarity to the closest query.
            for i, vector in enumerate(vectors):
                if vector is not None and (s := max(0.0, index.similarity(pk, vector))) > sim:
                    sim, number = s, i
        score = (
            TEXT_WEIGHT * sim
            + SUPPLIER_FIELD_WEIGHT * (field_id in field_codes)
            + SUPPLIER_REGION_WEIGHT * (region_id == organisation.region_id)
        )
        scored.append((round(score, 4), pk, number))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    shown = Scenario.objects.select_related("region", "field", "sector").in_bulk(
        [pk for _s, pk, _n in scored[:limit]]
    )
    out = []
    for score, pk, number in scored[:limit]:
        scenario = shown.get(pk)
        if scenario is None:
            continue  # deleted between the two reads
        rec = Recommendation(scenario, score)
        reasons = []
        if number >= 0:
            title, _text, _vector, rec.matched_text = queries[number]
            reasons = _shared_terms_reason(services.scenario_text(scenario, labels=False), rec.matched_text)
            if title:
                reasons.append(_("Matches your solution: %(title)s") % {"title": title})
        if scenario.field_id in field_codes:
            reasons.append(_("Same field: %(name)s") % {"name": scenario.field.name_zh})
        if organisation.region_id and scenario.region_id == organisation.region_id:
            reasons.append(_("Same region: %(name)s") % {"name": scenario.region.name_zh})
        rec.reasons = reasons
        out.append(rec)
    return out


# ---------------------------------------------------------------------------------------------- access


def may_see_scenario_recommendations(actor: Actor, scenario) -> bool:
    """The owner organisation, the provincial office and the city lead department of the scenario's region
    (for the scenarios that city reviews: not those of provincial departments or the office)."""
    from scenariohub.scenarios.lifecycle import PROVINCIAL_OWNER_TYPES

    if actor.is_anonymous:
        return False
    if actor.organisation_id == scenario.owner_id or actor.role == Role.OFFICE:
        return True
    return (
        actor.role == Role.CITY
        and actor.region_id == scenario.region_id
        and scenario.owner.type not in PROVINCIAL_OWNER_TYPES
    )


def scenario_recommendations_for_actor(
    *, actor: Actor, scenario_id: int, limit: int = 5
) -> list[Recommendation]:
    """Solutions for a scenario: 404 when the actor may not see it, 403 when they may see it but are not
    its owner, the office or its region's city."""
    from scenariohub.scenarios.selectors import scenario_get_for_actor

    scenario = scenario_get_for_actor(actor=actor, pk=scenario_id)
    if not may_see_scenario_recommendations(actor, scenario):
        raise PermissionDenied(
            _("Only the owner, the provincial office and the city may see recommendations.")
        )
    return recommend_solutions_for_scenario(scenario=scenario, limit=limit)


def supplier_recommendations_for_actor(
    *, actor: Actor, organisation_id: int, limit: int = 5
) -> list[Recommendation]:
    """Scenarios for a supplier organisation: its own members and the office (403 others, 404 no such supplier)."""
    organisation = Organisation.objects.filter(pk=organisation_id, type=Role.SUPPLIER).first()
    if organisation is None:
        raise NotFound(_("Supplier not found."))
    if actor.is_anonymous or not (actor.organisation_id == organisation.pk or actor.role == Role.OFFICE):
        raise PermissionDenied(
            _("Only the supplier itself and the provincial office may see its recommendations.")
        )
    return recommend_scenarios_for_supplier(organisation=organisation, limit=limit)


# ---------------------------------------------------------------------------------------------- status


def ai_status() -> dict:
    """What the office's status page shows. Loads nothing that is not loaded: it only looks."""
    from scenariohub.core.tasks import task_mode

    status = engine_status()
    engine = get_engine()
    name = status["embedder"] if status["available"] else "none"
    stored = {
        row["kind"]: row
        for row in DocumentVector.objects.filter(embedder=name)
        .values("kind")
        .annotate(n=Count("id"), newest=Max("updated_at"))
    }
    other = dict(
        DocumentVector.objects.exclude(embedder=name)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    kinds = []
    memory = 0
    for kind in services.KINDS:
        holder = live.live_index_loaded(kind)
        index = holder.index if holder is not None else None
        size = index.memory_bytes() if index is not None else 0
        memory += size
        kinds.append(
            {
                "kind": kind,
                "stored": stored.get(kind, {}).get("n", 0),
                "other_embedders": other.get(kind, 0),
                "last_indexed": stored.get(kind, {}).get("newest"),
                "in_memory": len(index) if index is not None else 0,
                "loaded_at": holder.loaded_at if holder is not None else None,
                "memory_bytes": size,
            }
        )
    classifier_bytes = engine.classifier.memory_bytes() if "classifier" in engine.__dict__ else 0
    scenario_index = live.live_index_loaded(services.SCENARIO)
    return {
        "engine": status,
        "kinds": kinds,
        "memory_bytes": memory + classifier_bytes,
        "classifier_examples": live.classifier_examples(),
        "search_mode": search_mode(scenario_index.index if scenario_index is not None else None),
        "search_mode_setting": str(getattr(settings, "SCENARIOHUB_SEARCH_MODE", "auto")),
        "task_mode": task_mode(),
    }
