"""Reads of reference data. The tables are tiny and never change at run time, so they are cached per process."""

import json
from functools import cache
from pathlib import Path

from scenariohub.reference.models import Field, Region, ScenarioKind, Sector

TAXONOMY_PATH = Path(__file__).resolve().parent / "data" / "taxonomy.json"


@cache
def taxonomy() -> dict:
    return json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))


def sector_names() -> dict[str, str]:
    return {s["code"]: s["name_zh"] for s in taxonomy()["sectors"]}


def field_names() -> dict[str, str]:
    return {f["code"]: f["name_zh"] for s in taxonomy()["sectors"] for f in s["fields"]}


def field_sector() -> dict[str, str]:
    return {f["code"]: s["code"] for s in taxonomy()["sectors"] for f in s["fields"]}


def region_names() -> dict[str, str]:
    return {r["code"]: r["name_zh"] for r in taxonomy()["regions"]}


def kind_names() -> dict[str, str]:
    return {k["code"]: k["name_zh"] for k in taxonomy()["scenario_kinds"]}


def sector_list() -> list[Sector]:
    return list(Sector.objects.all())


def field_list(*, sector: str | None = None) -> list[Field]:
    qs = Field.objects.select_related("sector")
    return list(qs.filter(sector_id=sector) if sector else qs)


def region_list() -> list[Region]:
    return list(Region.objects.all())


def kind_choices() -> list[tuple[str, str]]:
    return [(value, kind_names().get(value, label)) for value, label in ScenarioKind.choices]
