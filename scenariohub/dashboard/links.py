"""Where each figure links to: the exact list of what it counts.

Scenario figures open the dashboard's drill-down list, which applies the metric's own definition (first
release in the year, first designation…), so the list always holds what the figure counts; that page
links on to the catalogue with the nearest catalogue filters. Conferences open the events list.
"""

from urllib.parse import urlencode

from django.urls import reverse

from scenariohub.dashboard import metrics as m


def figure_url(code: str, year: int, **dims: str | int | None) -> str:
    """URL of the list behind one figure (a metric code or funnel stage code, optionally narrowed)."""
    if code == m.CONFERENCES:
        params = {"channel": "conference", "status": "held", "year": year}
        if dims.get("region"):
            params["region"] = dims["region"]
        return f"{reverse('events:event-list')}?{urlencode(params)}"
    params = {"metric": code, "year": year, **{k: v for k, v in dims.items() if v}}
    return f"{reverse('dashboard:scenario-list')}?{urlencode(params)}"


def catalogue_url(**params: str | int | None) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    base = reverse("scenarios:catalogue")
    return f"{base}?{urlencode(clean)}" if clean else base


def catalogue_params(code: str, year: int, **dims: str | int | None) -> dict:
    """The catalogue filters nearest to a figure (the catalogue has no "first reached in year" filter)."""
    params: dict = {k: v for k, v in dims.items() if k in ("region", "sector", "field", "kind") and v}
    if code in (m.PUBLISHED, "released"):
        params["year"] = year
    elif code == m.PUBLISHED_GOVERNMENT:
        params.update(year=year, kind="government")
    elif code == m.BENCHMARKS:
        params["status"] = "benchmark"
    elif code in m.FUNNEL_BY_CODE:
        params["status"] = m.FUNNEL_BY_CODE[code].status
    return params
