"""Schemas of the imports API. Problems come worded in the request's language, with their stable code."""

import datetime as dt

from ninja import Field, Schema


class ProblemOut(Schema):
    row: int | None = Field(
        None, description="Excel row number (the header is row 1); null for the whole file."
    )
    column: str | None = Field(None, description="Column code, e.g. `region`; null for a whole row or file.")
    column_label: str = Field("", description="The column's title as in the template (Chinese).")
    letter: str = Field("", description="Excel column letter where the cell was found.")
    code: str = Field(
        description="Stable problem code, e.g. `unknown_region`, `field_not_in_sector`, `formula`."
    )
    params: dict = Field(default_factory=dict)
    where: str = Field(description="Row and column, worded, e.g. “第 5 行，C 列（地区）”.")
    message: str
    blocking: bool = Field(description="False for notices that do not stop the import.")


class ImportOut(Schema):
    id: int
    status: str = Field(description="uploaded, parsing, ready, invalid, committing, committed or failed.")
    status_label: str
    file_name: str
    size: int
    organisation: str
    uploaded_by: str | None
    created_at: dt.datetime
    rows_total: int
    rows_committed: int
    problem_count: int = Field(description="Problems that block the import (notices not counted).")
    problems: list[ProblemOut]
    scenario_ids: list[int] = Field(default_factory=list, description="The drafts created, once committed.")
    url: str = Field(description="The import's page.")


class ImportListItemOut(Schema):
    id: int
    status: str
    file_name: str
    organisation: str
    uploaded_by: str | None
    created_at: dt.datetime
    rows_total: int
    rows_committed: int
    problem_count: int


class ImportListOut(Schema):
    items: list[ImportListItemOut]
    count: int
