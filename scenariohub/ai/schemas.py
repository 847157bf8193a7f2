"""Schemas of the AI API. Component names start with `Ai` so that they never clash with other apps'."""

from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints

from scenariohub.scenarios.schemas import Text

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_RECOMMENDATIONS = 20

Title = Annotated[Text, StringConstraints(max_length=MAX_TITLE)]
Body = Annotated[Text, StringConstraints(max_length=MAX_TEXT)]


class AiTextIn(Schema):
    """A scenario being written (or any text): its title and its description."""

    model_config = ConfigDict(extra="forbid")

    title: Title = Field("", description=f"Title, at most {MAX_TITLE} characters.")
    text: Body = Field("", description=f"Purpose and requirements, at most {MAX_TEXT} characters.")


class AiDuplicatesIn(AiTextIn):
    field: str = Field(
        "", max_length=60, description="Field code, when chosen (compared as documents carry it)."
    )
    exclude: int | None = Field(None, ge=1, description="A scenario id to leave out (the one being edited).")


class AiSuggestionOut(Schema):
    sector: str = Field(description="Sector code.")
    field: str = Field(description="Field code.")
    score: float = Field(description="Probability of this (sector, field) in [0, 1].")
    sector_name: str
    field_name: str


class AiClassifyOut(Schema):
    suggestions: list[AiSuggestionOut] = Field(description="At most 3, best first; empty for an empty text.")


class AiDuplicateOut(Schema):
    id: int
    title: str
    region: str
    region_name: str
    status: str
    similarity: float = Field(description="In [0, 1]; 0.7 and above is listed.")


class AiDuplicatesOut(Schema):
    items: list[AiDuplicateOut]


class AiRecommendationParams(Schema):
    limit: int = Field(5, ge=1, le=MAX_RECOMMENDATIONS, description="How many, at most 20.")


class AiSolutionRefOut(Schema):
    id: int
    title: str
    sector: str
    sector_name: str


class AiOrganisationRefOut(Schema):
    id: int
    name: str
    region: str | None
    region_name: str | None


class AiSolutionRecommendationOut(Schema):
    solution: AiSolutionRefOut
    supplier: AiOrganisationRefOut
    score: float = Field(description="In [0, 1]: text similarity, same field, same region, track record.")
    reasons: list[str] = Field(description="Why, in the request's language (Chinese by default).")


class AiSolutionRecommendationListOut(Schema):
    items: list[AiSolutionRecommendationOut]
    count: int


class AiScenarioRefOut(Schema):
    id: int
    title: str
    region: str
    region_name: str
    sector: str
    field: str
    field_name: str
    status: str
    deadline: str | None


class AiScenarioRecommendationOut(Schema):
    scenario: AiScenarioRefOut
    score: float = Field(description="In [0, 1]: text similarity, same field, same region.")
    reasons: list[str]


class AiScenarioRecommendationListOut(Schema):
    items: list[AiScenarioRecommendationOut]
    count: int
