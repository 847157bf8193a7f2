"""Through HTTP: the office nominates (and decides) provincial scenarios' cases against the provincial quota,
which the city of the region neither nominates nor uses; a declined case is nominated again after changes,
as a new case, the declined one kept in the history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from scenariohub.cases.models import BenchmarkCase, BenchmarkQuota, CaseStatus
from scenariohub.cases.tests.helpers import piloted_cooperation
from scenariohub.cases.tests.test_views import form_data
from scenariohub.conftest import CHENGDU, client_for
from scenariohub.core.models import AuditLog
from scenariohub.scenarios.models import Scenario, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def provincial_cooperation(department, supplier):
    """A piloted cooperation of a scenario owned by a provincial department (region: Chengdu)."""
    return piloted_cooperation(department, supplier, title="全省应急指挥智能调度")


def _year():
    return timezone.localdate().year


def _set_quotas(office, **numbers):
    """The office's quota page, one POST: `provincial=` and region codes as keys (`c510100`)."""
    data = {"year": _year()}
    for key, n in numbers.items():
        data[f"quota-{key.removeprefix('c')}"] = str(n)
    response = client_for(office).post(reverse("cases:quota-list"), data)
    assert response.status_code == 302


def test_office_nominates_a_provincial_scenario_against_the_provincial_quota(
    office, chengdu_city, department, provincial_cooperation
):
    url = reverse("cases:case-nominate", args=[provincial_cooperation.pk])
    office_client = client_for(office)
    # No provincial quota yet: said on the form, nothing written.
    refused = office_client.post(url, form_data())
    assert refused.status_code == 200 and "省级" in refused.content.decode()
    assert not BenchmarkCase.objects.exists()

    _set_quotas(office, provincial=1, **{f"c{CHENGDU}": 0})
    assert BenchmarkQuota.objects.get(year=_year(), region__isnull=True).number == 1
    page = office_client.get(reverse("cases:quota-list")).content.decode()
    assert 'name="quota-provincial"' in page

    # The city of the region does not nominate it (the city reviews no provincial scenario)…
    assert client_for(chengdu_city).post(url, form_data()).status_code == 403
    # …the office does, and its listing offers it.
    review = office_client.get(reverse("cases:case-review")).content.decode()
    assert url in review and "已用 0 个，共 1 个" in review
    response = office_client.post(url, form_data())
    case = BenchmarkCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:case-detail", args=[case.pk])
    assert case.provincial and case.region_id == CHENGDU and case.nominating_organisation_id == office.organisation_id
    assert AuditLog.objects.get(action="cases.nominate").data["provincial"] is True

    # It used the provincial place, not Chengdu's (whose quota is 0 and still has nothing used).
    quotas = {row["region"]: row for row in client_for(office).get(f"/api/v1/benchmark-quotas?year={_year()}").json()["items"]}
    assert (quotas["provincial"]["used"], quotas[CHENGDU]["used"]) == (1, 0)
    # The city does not see the nomination; the office edits its write-up and decides it.
    assert client_for(chengdu_city).get(reverse("cases:case-detail", args=[case.pk])).status_code == 404
    assert case.title not in client_for(chengdu_city).get(reverse("cases:case-review")).content.decode()
    edit = office_client.post(reverse("cases:case-edit", args=[case.pk]), form_data(title="全省应急调度标杆案例"))
    assert edit.status_code == 302
    decide = office_client.post(reverse("cases:case-decide", args=[case.pk]), {"decision": "designate"})
    assert decide.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DESIGNATED and case.title == "全省应急调度标杆案例"
    assert Scenario.objects.get(pk=provincial_cooperation.scenario_id).status == Status.BENCHMARK


def test_provincial_quota_is_enforced_and_the_city_keeps_its_own(
    office, chengdu_city, department, provider, supplier, provincial_cooperation
):
    _set_quotas(office, provincial=0, **{f"c{CHENGDU}": 1})
    response = client_for(office).post(
        reverse("cases:case-nominate", args=[provincial_cooperation.pk]), form_data()
    )
    assert response.status_code == 200 and "已用完" in response.content.decode()
    # The city's own scenario still takes the city's place; the office cannot nominate that one.
    city_coop = piloted_cooperation(provider, supplier)
    city_url = reverse("cases:case-nominate", args=[city_coop.pk])
    assert client_for(office).post(city_url, form_data()).status_code == 403
    assert client_for(chengdu_city).post(city_url, form_data()).status_code == 302
    assert list(BenchmarkCase.objects.values_list("provincial", flat=True)) == [False]


def test_a_declined_case_is_nominated_again_after_changes_and_the_declined_one_stays(
    office, chengdu_city, provider, supplier, anon_client
):
    _set_quotas(office, **{f"c{CHENGDU}": 1})
    cooperation = piloted_cooperation(provider, supplier)
    city = client_for(chengdu_city)
    url = reverse("cases:case-nominate", args=[cooperation.pk])
    assert city.post(url, form_data()).status_code == 302
    first = BenchmarkCase.objects.get()
    # While it awaits a decision, no second nomination (and the quota of 1 is used).
    again = city.post(url, form_data(title="另一个标题"))
    assert again.status_code == 200 and BenchmarkCase.objects.count() == 1

    reason = "成效数据缺少第三方检测报告"
    decline = client_for(office).post(
        reverse("cases:case-decide", args=[first.pk]), {"decision": "decline", "reason": reason}
    )
    assert decline.status_code == 302
    detail = city.get(reverse("cases:case-detail", args=[first.pk])).content.decode()
    assert url in detail  # "change the write-up and nominate again"

    # The form starts from the declined write-up and shows the reason.
    form = city.get(url).content.decode()
    assert reason in form and first.background in form
    # Unchanged: refused, nothing written.
    unchanged = city.post(url, form_data())
    assert unchanged.status_code == 200 and BenchmarkCase.objects.count() == 1
    assert f"请针对未通过的原因修改：{reason}" in unchanged.content.decode()
    # Changed: a new case following the declined one, which keeps its write-up and decision.
    changed = city.post(url, form_data(results="良品率提升至 99.2%，第三方检测报告见附件。"))
    assert changed.status_code == 302
    second = BenchmarkCase.objects.exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert (first.status, first.decision_reason, first.results) == (CaseStatus.DECLINED, reason, form_data()["results"])
    assert second.previous_id == first.pk and second.status == CaseStatus.NOMINATED
    assert AuditLog.objects.filter(action="cases.nominate").order_by("pk").last().data["previous"] == first.pk
    history = city.get(reverse("cases:case-detail", args=[second.pk])).content.decode()
    assert reverse("cases:case-detail", args=[first.pk]) in history and reason in history
    # The declined version no longer offers to nominate again (the new case follows it).
    assert url not in city.get(reverse("cases:case-detail", args=[first.pk])).content.decode()

    # Designated, the new one is public; the declined one stays private to those involved.
    assert client_for(office).post(
        reverse("cases:case-decide", args=[second.pk]), {"decision": "designate"}
    ).status_code == 302
    assert anon_client.get(reverse("cases:case-detail", args=[second.pk])).status_code == 200
    assert anon_client.get(reverse("cases:case-detail", args=[first.pk])).status_code == 404


def test_the_api_sets_and_lists_the_provincial_quota(office, chengdu_city):
    import json

    url = f"/api/v1/benchmark-quotas/{_year()}/provincial"
    body = json.dumps({"number": 3})
    assert client_for(chengdu_city).put(url, body, content_type="application/json").status_code == 403
    response = client_for(office).put(url, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["items"][-1] == {
        **response.json()["items"][-1], "region": "provincial", "number": 3, "used": 0
    }
    assert BenchmarkQuota.objects.get(year=_year(), region__isnull=True).number == 3
