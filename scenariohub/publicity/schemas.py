"""Schemas of the news API."""

import datetime as dt

from django.urls import reverse
from ninja import Field, Schema

from scenariohub.matching.schemas import PageParams
from scenariohub.scenarios.schemas import Text


class NewsListParams(PageParams):
    region: str | None = Field(None, description="Region code: items about that city.")


class NewsOut(Schema):
    id: int
    title: str
    summary: str
    body: str = Field(description="Sanitised HTML (nh3 allow-list).")
    region: str | None = Field(description="The city the item is about; null for province-wide news.")
    region_name: str | None
    published: bool
    published_at: dt.datetime | None
    cover_url: str | None = Field(description="The cover image, when there is one.")
    url: str = Field(description="The public page.")

    @staticmethod
    def resolve_region(obj) -> str | None:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str | None:
        return obj.region.name_zh if obj.region_id else None

    @staticmethod
    def resolve_cover_url(obj) -> str | None:
        return reverse("publicity:news-cover", args=[obj.pk]) if obj.cover else None

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("publicity:news-detail", args=[obj.pk])


class NewsListOut(Schema):
    items: list[NewsOut]
    count: int


class NewsIn(Schema):
    title: Text = Field(min_length=1, max_length=120)
    summary: Text = Field(min_length=1, max_length=300)
    body: Text = Field(
        min_length=1, max_length=50_000, description="HTML; anything outside the allow-list is removed."
    )
    region: Text | None = Field(
        None, max_length=12, description="Region code, or null for province-wide news."
    )
    published: bool = False


class NewsPatchIn(Schema):
    title: Text | None = Field(None, min_length=1, max_length=120)
    summary: Text | None = Field(None, min_length=1, max_length=300)
    body: Text | None = Field(None, min_length=1, max_length=50_000)
    region: Text | None = Field(None, max_length=12)
    published: bool | None = None
