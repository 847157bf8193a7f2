"""Schemas of the events API. Codes (channel, status, region) are the stable values; `*_label` is for people.

Input schemas check shapes and limits; the rules that need data (a region that exists, a host for a
conference, end after start) are the services' and come back as the same 422 with details per field.
"""

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from scenariohub.events.models import Channel, EventStatus
from scenariohub.scenarios.schemas import Text

MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000

ChannelCode = Literal[tuple(Channel.values)]  # type: ignore[valid-type]


def _local_time(value: dt.time) -> dt.time:
    # Times are wall-clock times of the event's city; a UTC offset cannot be stored (nor means anything here).
    if value.tzinfo is not None:
        raise ValueError(_("Enter a valid time."))
    return value


LocalTime = Annotated[dt.time, AfterValidator(_local_time)]


class EventListParams(Schema):
    channel: str | None = Field(None, description="Channel.", json_schema_extra={"enum": ["", *Channel.values]})
    region: str | None = Field(None, description="Region code of the host city, e.g. `510700`.")
    year: str | None = Field(None, description="Year of the event's date.")
    status: str | None = Field(None, description="Status.", json_schema_extra={"enum": ["", *EventStatus.values]})
    q: str | None = Field(None, description="Keywords; each must occur in title, venue or agenda.")
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number.")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Rows per page (at most 100).")


class EventIn(Schema):
    model_config = ConfigDict(extra="forbid")

    channel: ChannelCode = "conference"
    title: Text = Field(min_length=1, max_length=120)
    host_region: Text | None = Field(None, max_length=6, description="Region code of the host city; required for conferences.")
    date: dt.date
    starts_at: LocalTime | None = None
    ends_at: LocalTime | None = None
    venue: Text = Field("", max_length=200)
    agenda: Text = Field("", max_length=5000)
    livestream_url: Text = Field("", max_length=200)
    capacity: int | None = Field(None, ge=1, le=100_000, description="Seats for suppliers; null for no limit.")


class EventOut(Schema):
    id: int
    channel: str
    channel_label: str
    title: str
    host_region: str | None
    host_region_name: str | None
    date: dt.date
    year: int
    quarter: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    venue: str
    agenda: str
    livestream_url: str
    capacity: int | None
    status: str
    status_label: str
    released_count: int


class EventListOut(Schema):
    items: list[EventOut]
    count: int


class EventReleasedScenarioOut(Schema):
    id: int
    title: str
    owner: str
    region: str
    sector: str
    field: str
    kind: str
    released_at: dt.datetime


class EventSeatsOut(Schema):
    capacity: int | None
    registered: int
    waitlisted: int


class EventDetailOut(EventOut):
    released: list[EventReleasedScenarioOut]
    seats: EventSeatsOut


class EventAssignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    scenario_ids: list[int] = Field(..., min_length=1, max_length=200)


class EventAssignOut(Schema):
    added: list[int]
    skipped: dict[str, str] = Field(description="Scenario id → why it was not assigned (e.g. already on the event).")


class EventHoldOut(Schema):
    event: EventOut
    released: list[int] = Field(description="Scenarios published by this call.")
    skipped: dict[str, str] = Field(description="Scenario id → why it was not published (e.g. published elsewhere).")
    repeated: bool = Field(description="The event had already been marked held.")


class EventRegistrationOut(Schema):
    id: int
    event_id: int
    status: str
    status_label: str
    created_at: dt.datetime
    waitlist_position: int | None


class EventRotationRowOut(Schema):
    year: int
    quarter: int
    region: str | None
    region_name: str
    source: str = Field(..., description="scheduled | override | proposed | none")
    proposed_region: str | None = Field(description="What the fairness rule proposes for this quarter.")
    unavailable: list[str]
    override_reason: str | None
    event_ids: list[int]


class EventRotationOut(Schema):
    items: list[EventRotationRowOut]
    count: int
