"""Schemas of the benchmark-case API: codes go in; codes and their Chinese names come out."""

import datetime as dt

from django.urls import reverse
from ninja import Field, Schema

from scenariohub.matching.schemas import PageParams
from scenariohub.scenarios.schemas import Text


class CaseListParams(PageParams):
    year: str | None = Field(None, description="Quota year, e.g. `2026`.")
    region: str | None = Field(None, description="Region code of the case, e.g. `510100`.")
    sector: str | None = Field(None, description="Sector code of the case's scenario.")
    status: str | None = Field(None, description="`nominated`, `designated` or `declined`.")


class FigureIO(Schema):
    label: Text = Field(min_length=1, max_length=40, description="Indicator, e.g. 检测效率.")
    value: Text = Field(min_length=1, max_length=40, description="Value with its unit, e.g. 提升 35%.")


class PhotoOut(Schema):
    id: int
    caption: str
    url: str


class CaseOut(Schema):
    id: int
    cooperation_id: int
    scenario_id: int
    scenario_title: str
    title: str
    year: int
    region: str
    region_name: str
    sector: str
    sector_name: str
    owner_name: str = Field(description="The scenario provider.")
    supplier_name: str = Field(description="The product provider.")
    background: str
    solution: str
    results: str
    figures: list[FigureIO]
    photos: list[PhotoOut]
    video_url: str
    status: str
    status_name: str
    nominated_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str = Field(description="The office's reason (required when declined).")
    url: str = Field(description="The case page.")
    pdf_url: str

    @staticmethod
    def resolve_scenario_id(obj) -> int:
        return obj.cooperation.scenario_id

    @staticmethod
    def resolve_scenario_title(obj) -> str:
        return obj.cooperation.scenario.title

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name_zh

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_sector(obj) -> str:
        return obj.cooperation.scenario.sector_id

    @staticmethod
    def resolve_sector_name(obj) -> str:
        return obj.cooperation.scenario.sector.name_zh

    @staticmethod
    def resolve_owner_name(obj) -> str:
        return obj.cooperation.owner.name

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.cooperation.supplier.name

    @staticmethod
    def resolve_figures(obj) -> list[dict]:
        return [{"label": f.label, "value": f.value} for f in obj.figures.all()]

    @staticmethod
    def resolve_photos(obj) -> list[dict]:
        return [
            {"id": p.pk, "caption": p.caption, "url": reverse("cases:case-photo", args=[obj.pk, p.pk])}
            for p in obj.photos.all()
        ]

    @staticmethod
    def resolve_status_name(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("cases:case-detail", args=[obj.pk])

    @staticmethod
    def resolve_pdf_url(obj) -> str:
        return reverse("cases:case-pdf", args=[obj.pk])


class CaseListOut(Schema):
    items: list[CaseOut]
    count: int


class CaseIn(Schema):
    cooperation_id: int = Field(ge=1, description="A piloted cooperation of the caller's region.")
    title: Text = Field(min_length=1, max_length=100)
    background: Text = Field(min_length=1, max_length=4000)
    solution: Text = Field(min_length=1, max_length=4000)
    results: Text = Field(min_length=1, max_length=4000)
    figures: list[FigureIO] = Field(default_factory=list, max_length=8)
    video_url: Text = Field("", max_length=300, description="An https:// address, or empty.")


class CasePatchIn(Schema):
    title: Text | None = Field(None, min_length=1, max_length=100)
    background: Text | None = Field(None, min_length=1, max_length=4000)
    solution: Text | None = Field(None, min_length=1, max_length=4000)
    results: Text | None = Field(None, min_length=1, max_length=4000)
    figures: list[FigureIO] | None = Field(None, max_length=8)
    video_url: Text | None = Field(None, max_length=300)


class CaseDecisionIn(Schema):
    reason: Text = Field("", max_length=1000, description="Required to decline.")


class QuotaParams(Schema):
    year: int = Field(ge=2025, le=2100, description="The year.")


class QuotaOut(Schema):
    year: int
    region: str
    region_name: str
    number: int | None = Field(description="The quota; null when the office has not set it.")
    used: int = Field(description="Nominations awaiting a decision plus designated cases.")


class QuotaListOut(Schema):
    items: list[QuotaOut]
    count: int


class QuotaIn(Schema):
    number: int = Field(ge=0, le=100)
