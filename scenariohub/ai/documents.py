"""What text stands for a document in the index: the same composition for the platform and for `ai_eval`.

A document is its title and body followed by the names of its taxonomy labels (field, sector). The labels
are how the platform files the document, and the words people search with often name the domain rather
than what a text literally says: "养老" finds a fall-detection scenario filed under
"人工智能+社会民生（养老康复）" although its text speaks only of "老人" and "跌倒". Only documents are
expanded, never queries, so a search does not need to know a label it cannot know.

Measured on the dev set (USE, hybrid, documents expanded with their sector name, the only label the file
has): nDCG@10 on the 40 need-phrased queries 0.908 -> 0.934, on the 12 keywords 0.916 -> 0.915.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import lexicon

SEPARATOR = "。"


def document_text(*, title: str = "", parts: Iterable[str] = (), labels: Iterable[str] = ()) -> str:
    """Title, body parts and label names joined as one text; empty pieces are skipped."""
    pieces = [title, *parts, *labels]
    return SEPARATOR.join(p.strip() for p in pieces if p and p.strip())


def label_names(*, field_codes: Iterable[str] = (), sector_code: str = "") -> list[str]:
    """Chinese names of fields (in order, without repeats) then of the sector, from the taxonomy."""
    by_code = {f.code: f for f in lexicon.fields()}
    names: list[str] = []
    for code in field_codes:
        field = by_code.get(code)
        if field is not None and field.name_zh not in names:
            names.append(field.name_zh)
    sector_names = {f.sector_code: f.sector_name_zh for f in lexicon.fields()}
    if sector_code in sector_names:
        names.append(sector_names[sector_code])
    return names
