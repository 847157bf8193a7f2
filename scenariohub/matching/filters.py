"""The list filters of suppliers and solutions, shared by the pages (lenient) and the API (strict)."""

from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from scenariohub.core.errors import ValidationFailed
from scenariohub.matching.models import DeploymentMode, Maturity
from scenariohub.reference import selectors as ref


def _parse(cls, params, *, strict: bool, known: dict[str, Any]):
    """Shared by the supplier and solution filters: unknown codes are 422 in the API, dropped in the UI."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for f in fields(cls):
        raw = params.get(f.name)
        if raw in (None, ""):
            continue
        raw = str(raw).strip()
        if "\x00" in raw:
            errors[f.name] = [_("Null characters are not allowed.")]
        elif f.name == "q":
            values["q"] = raw[:100]
        elif f.name in ("verified",):
            if raw.lower() in ("1", "true", "yes", "0", "false", "no"):
                values[f.name] = raw.lower() in ("1", "true", "yes")
            else:
                errors[f.name] = [_("Enter a valid boolean.")]
        elif f.name == "supplier":
            if raw.isascii() and raw.isdigit() and len(raw) < 19:
                values["supplier"] = int(raw)
            else:
                errors["supplier"] = [_("Enter a whole number.")]
        elif raw in known[f.name]:
            values[f.name] = raw
        else:
            errors[f.name] = [_("Unknown code: %(code)s") % {"code": raw[:40]}]
    if errors and strict:
        raise ValidationFailed(_("Some filters are not valid."), code="bad_filter", details=errors)
    return cls(**values)


def _terms_q(q: str, *names: str) -> Q:
    """Every whitespace-separated term must occur in one of the columns (substring: Chinese has no spaces)."""
    cond = Q()
    for term in q.split()[:8]:
        any_column = Q()
        for name in names:
            any_column |= Q(**{f"{name}__icontains": term})
        cond &= any_column
    return cond


@dataclass
class SupplierFilter:
    q: str = ""
    sector: str = ""
    field: str = ""
    region: str = ""
    verified: bool | None = None

    @classmethod
    def from_params(cls, params, *, strict: bool) -> "SupplierFilter":
        return _parse(cls, params, strict=strict, known={
            "sector": ref.sector_names(), "field": ref.field_names(), "region": ref.region_names()})

    def as_params(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) not in (None, "")}

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.q:
            qs = qs.filter(_terms_q(self.q, "organisation__name", "introduction", "qualifications"))
        if self.sector:
            qs = qs.filter(sectors=self.sector)
        if self.field:
            qs = qs.filter(fields=self.field)
        if self.region:
            qs = qs.filter(organisation__region_id=self.region)
        if self.verified is not None:
            qs = qs.filter(verified=self.verified)
        return qs.distinct()


@dataclass
class SolutionFilter:
    q: str = ""
    sector: str = ""
    field: str = ""
    maturity: str = ""
    deployment: str = ""
    supplier: int | None = None

    @classmethod
    def from_params(cls, params, *, strict: bool) -> "SolutionFilter":
        return _parse(cls, params, strict=strict, known={
            "sector": ref.sector_names(), "field": ref.field_names(), "maturity": dict(Maturity.choices),
            "deployment": dict(DeploymentMode.choices)})

    def as_params(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) not in (None, "")}

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.q:
            qs = qs.filter(_terms_q(self.q, "title", "description", "capabilities"))
        if self.sector:
            qs = qs.filter(sector_id=self.sector)
        if self.field:
            qs = qs.filter(fields=self.field)
        if self.maturity:
            qs = qs.filter(maturity=self.maturity)
        if self.deployment:
            qs = qs.filter(**{f"deploy_{self.deployment}": True})
        if self.supplier:
            qs = qs.filter(supplier_id=self.supplier)
        return qs.distinct()
