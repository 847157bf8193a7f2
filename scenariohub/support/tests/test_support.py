"""Support applications through the real stack: eligibility per measure (allowed and refused, with the
Chinese reason), decisions only by the responsible department or the office, object-level permissions,
bad input, the summary and its .xlsx — through services, pages and the API, checking the database."""

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import member
from scenariohub.cases.models import CaseStatus
from scenariohub.conftest import as_actor, client_for
from scenariohub.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.models import AuditLog
from scenariohub.matching.tests.factories import api_token
from scenariohub.support import services
from scenariohub.support.models import ApplicationStatus, MeasureDepartment, SupportApplication
from scenariohub.support.tests.factories import benchmark_case, cooperation
from scenariohub.tracking.models import CooperationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def coop(provider, supplier):
    return cooperation(provider.organisation, supplier.organisation, status=CooperationStatus.AGREED)


@pytest.fixture
def keji(db):
    """科技厅, the department responsible for vouchers in these tests."""
    return member(org_type=Role.DEPARTMENT, region=None, name="四川省科学技术厅", username="keji")


@pytest.fixture
def configured(office, keji):
    for measure in ("innovation_voucher", "compute_subsidy"):
        services.measure_department_set(
            actor=as_actor(office), measure=measure, department_id=keji.organisation_id
        )


def submit(m, measure, *, coop=None, case=None, amount="20", summary="用于产线质检改造"):
    return services.application_submit(
        actor=as_actor(m),
        measure=measure,
        summary=summary,
        amount_requested=amount,
        cooperation_id=coop.pk if coop else None,
        case_id=case.pk if case else None,
    )


def api(client, method, url, token=None, data=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = json.dumps(data) if data is not None else None
    return getattr(client, method)(url, body, content_type="application/json", **headers)


# ------------------------------------------------------------------------------------------ eligibility


def test_both_the_scenario_provider_and_the_product_provider_get_vouchers(provider, supplier, coop):
    a = submit(provider, "innovation_voucher", coop=coop)
    b = submit(supplier, "innovation_voucher", coop=coop)
    rows = SupportApplication.objects.order_by("pk")
    assert [(r.applicant_id, r.status, r.region_id, r.amount_requested) for r in rows] == [
        (provider.organisation_id, "submitted", coop.scenario.region_id, Decimal("20.00")),
        (supplier.organisation_id, "submitted", coop.scenario.region_id, Decimal("20.00")),
    ]
    assert {a.pk, b.pk} == {r.pk for r in rows}
    assert AuditLog.objects.filter(action="support.submitted").count() == 2


def test_compute_subsidy_needs_implementing_and_says_why_in_chinese(provider, supplier, coop):
    with pytest.raises(ValidationFailed) as exc:
        submit(provider, "compute_subsidy", coop=coop)
    assert exc.value.code == "not_eligible"
    assert "算力补贴" in exc.value.message and "实施" in exc.value.message
    assert not SupportApplication.objects.exists()
    coop.status = CooperationStatus.IMPLEMENTING
    coop.save()
    assert submit(provider, "compute_subsidy", coop=coop).status == "submitted"


@pytest.mark.parametrize(
    "measure,status,party,ok",
    [
        ("guidance_fund", CooperationStatus.AGREED, "provider", False),
        ("guidance_fund", CooperationStatus.PILOTED, "supplier", True),
        ("bond_project", CooperationStatus.AGREED, "provider", True),
        ("bond_project", CooperationStatus.TERMINATED, "provider", False),
        ("st_demo_project", CooperationStatus.AGREED, "supplier", False),
        ("st_demo_project", CooperationStatus.IMPLEMENTING, "supplier", True),
        ("national_pilot", CooperationStatus.AGREED, "provider", False),
        ("national_pilot", CooperationStatus.BENCHMARK, "provider", True),
        ("first_set", CooperationStatus.PILOTED, "supplier", True),
        ("first_set", CooperationStatus.PILOTED, "provider", False),  # the product provider's policy
        ("first_batch", CooperationStatus.IMPLEMENTING, "supplier", False),
        ("first_version", CooperationStatus.BENCHMARK, "supplier", True),
        ("innovation_voucher", CooperationStatus.TERMINATED, "supplier", False),
    ],
)
def test_eligibility_per_measure(request, provider, supplier, measure, status, party, ok):
    coop = cooperation(provider.organisation, supplier.organisation, status=status)
    money = measure in (
        "guidance_fund",
        "bond_project",
        "st_demo_project",
        "innovation_voucher",
        "compute_subsidy",
    )
    who = request.getfixturevalue(party)
    if ok:
        assert submit(who, measure, coop=coop, amount="10" if money else None).status == "submitted"
    else:
        with pytest.raises(ValidationFailed) as exc:
            submit(who, measure, coop=coop, amount="10" if money else None)
        assert exc.value.code == "not_eligible" and exc.value.details["__all__"]
        assert not SupportApplication.objects.exists()


def test_national_typical_case_needs_a_designated_case(provider, supplier):
    coop = cooperation(provider.organisation, supplier.organisation, status=CooperationStatus.PILOTED)
    with pytest.raises(ValidationFailed) as exc:  # on the cooperation itself: wrong kind of link
        submit(provider, "national_case", coop=coop, amount=None)
    assert "标杆案例" in exc.value.message
    case = benchmark_case(coop, status=CaseStatus.NOMINATED)
    with pytest.raises(ValidationFailed) as exc:
        submit(provider, "national_case", case=case, amount=None)
    assert "认定" in exc.value.message
    case.status, case.decided_at = CaseStatus.DESIGNATED, coop.created_at
    case.save()
    a = submit(supplier, "national_case", case=case, amount=None)
    assert (a.case_id, a.cooperation_id, a.status) == (case.pk, None, "submitted")


def test_bad_input_and_strangers(provider, other_provider, supplier, coop, office):
    with pytest.raises(NotFound):  # not a party: the cooperation does not exist for them
        submit(other_provider, "innovation_voucher", coop=coop)
    with pytest.raises(PermissionDenied):
        submit(office, "innovation_voucher", coop=coop)
    with pytest.raises(ValidationFailed) as exc:
        submit(provider, "innovation_voucher", coop=coop, amount=None)
    assert "amount_requested" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        submit(provider, "innovation_voucher", coop=coop, amount="-3")
    assert "amount_requested" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        submit(provider, "national_pilot", coop=coop, amount="5")
    with pytest.raises(ValidationFailed) as exc:
        submit(provider, "innovation_voucher", coop=coop, summary="  ")
    assert "summary" in exc.value.details
    assert not SupportApplication.objects.exists()
    submit(provider, "innovation_voucher", coop=coop)
    from scenariohub.core.errors import Conflict

    with pytest.raises(Conflict):
        submit(provider, "innovation_voucher", coop=coop)
    assert SupportApplication.objects.count() == 1


# ------------------------------------------------------------------------------------------ decisions


def test_only_the_responsible_department_or_the_office_decides(
    provider, supplier, coop, keji, configured, department, chengdu_city, office
):
    a = submit(provider, "innovation_voucher", coop=coop, amount="30")
    with pytest.raises(NotFound):  # another department does not even see it
        services.application_decide(
            actor=as_actor(department), application_id=a.pk, outcome="granted", amount_granted="1"
        )
    with pytest.raises(PermissionDenied):  # the city follows its region's applications, but does not decide
        services.application_decide(
            actor=as_actor(chengdu_city), application_id=a.pk, outcome="granted", amount_granted="1"
        )
    with pytest.raises(PermissionDenied):  # nor does the applicant
        services.application_decide(
            actor=as_actor(provider), application_id=a.pk, outcome="granted", amount_granted="1"
        )
    with pytest.raises(ValidationFailed) as exc:
        services.application_decide(
            actor=as_actor(keji), application_id=a.pk, outcome="granted", amount_granted="31"
        )
    assert "amount_granted" in exc.value.details
    with pytest.raises(ValidationFailed):
        services.application_decide(actor=as_actor(keji), application_id=a.pk, outcome="granted")
    done = services.application_decide(
        actor=as_actor(keji), application_id=a.pk, outcome="granted", amount_granted="25.5"
    )
    assert (done.status, done.amount_granted, done.decided_by_organisation_id) == (
        "granted",
        Decimal("25.50"),
        keji.organisation_id,
    )
    with pytest.raises(InvalidTransition):  # the second decision loses
        services.application_decide(
            actor=as_actor(office), application_id=a.pk, outcome="refused", reason="重复"
        )
    assert SupportApplication.objects.get(pk=a.pk).status == "granted"
    b = submit(supplier, "innovation_voucher", coop=coop, amount="30")
    with pytest.raises(ValidationFailed) as exc:
        services.application_decide(actor=as_actor(office), application_id=b.pk, outcome="refused")
    assert "reason" in exc.value.details
    services.application_decide(
        actor=as_actor(office), application_id=b.pk, outcome="refused", reason="预算已用完"
    )
    assert SupportApplication.objects.get(pk=b.pk).decision_reason == "预算已用完"
    assert list(
        AuditLog.objects.filter(action__in=["support.granted", "support.refused"])
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["support.granted", "support.refused"]


def test_without_a_configured_department_only_the_office_decides(provider, coop, department, office):
    a = submit(provider, "innovation_voucher", coop=coop)
    with pytest.raises(NotFound):
        services.application_decide(
            actor=as_actor(department), application_id=a.pk, outcome="refused", reason="x"
        )
    services.application_decide(
        actor=as_actor(office), application_id=a.pk, outcome="refused", reason="不符合"
    )
    assert SupportApplication.objects.get(pk=a.pk).status == "refused"


def test_grant_checks_eligibility_again(provider, supplier, office):
    coop = cooperation(provider.organisation, supplier.organisation, status=CooperationStatus.IMPLEMENTING)
    a = submit(provider, "compute_subsidy", coop=coop)
    coop.status = CooperationStatus.TERMINATED
    coop.termination_reason = "终止"
    coop.save()
    with pytest.raises(InvalidTransition) as exc:
        services.application_decide(
            actor=as_actor(office), application_id=a.pk, outcome="granted", amount_granted="5"
        )
    assert exc.value.code == "not_eligible"
    assert SupportApplication.objects.get(pk=a.pk).status == "submitted"


def test_withdraw(provider, supplier, coop):
    a = submit(provider, "innovation_voucher", coop=coop)
    with pytest.raises(NotFound):  # the supplier is a party to the cooperation, not to this application
        services.application_withdraw(actor=as_actor(supplier), application_id=a.pk)
    services.application_withdraw(actor=as_actor(provider), application_id=a.pk)
    assert SupportApplication.objects.get(pk=a.pk).status == "withdrawn"
    with pytest.raises(InvalidTransition):
        services.application_withdraw(actor=as_actor(provider), application_id=a.pk)
    assert submit(provider, "innovation_voucher", coop=coop).status == "submitted"  # may apply again


def test_only_the_office_configures_departments(department, office, keji):
    with pytest.raises(PermissionDenied):
        services.measure_department_set(
            actor=as_actor(department), measure="guidance_fund", department_id=department.organisation_id
        )
    with pytest.raises(ValidationFailed):  # a supplier is no department
        services.measure_department_set(
            actor=as_actor(office), measure="guidance_fund", department_id=office.organisation_id
        )
    services.measure_department_set(
        actor=as_actor(office), measure="guidance_fund", department_id=keji.organisation_id
    )
    assert MeasureDepartment.objects.get(measure="guidance_fund").department_id == keji.organisation_id
    services.measure_department_set(actor=as_actor(office), measure="guidance_fund", department_id=None)
    assert not MeasureDepartment.objects.exists()
    assert AuditLog.objects.filter(action__startswith="support.department").count() == 2


# ------------------------------------------------------------------------------------------ pages


def test_pages_apply_decide_and_permissions(
    provider, supplier, coop, keji, configured, other_provider, anon_client, chengdu_city, mianyang_city
):
    page = client_for(provider).get(reverse("support:application-create") + f"?cooperation={coop.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "科技创新券" in html and "算力补贴" in html and 'id="eligibility"' in html
    response = client_for(provider).post(
        reverse("support:application-create"),
        {
            "measure": "compute_subsidy",
            "link": f"cooperation:{coop.pk}",
            "summary": "算力",
            "amount_requested": "5",
        },
    )
    assert response.status_code == 200 and "实施" in response.content.decode()  # refused, reason shown
    assert not SupportApplication.objects.exists()
    response = client_for(provider).post(
        reverse("support:application-create"),
        {
            "measure": "innovation_voucher",
            "link": f"cooperation:{coop.pk}",
            "summary": "质检改造",
            "amount_requested": "12",
        },
    )
    a = SupportApplication.objects.get()
    assert response.status_code == 302 and response.url == reverse("support:application-detail", args=[a.pk])
    detail = reverse("support:application-detail", args=[a.pk])
    assert client_for(provider).get(detail).status_code == 200
    assert client_for(chengdu_city).get(detail).status_code == 200  # its region
    assert client_for(mianyang_city).get(detail).status_code == 404
    assert client_for(other_provider).get(detail).status_code == 404
    assert anon_client.get(detail).status_code == 302  # to the login page
    decide = reverse("support:application-decide", args=[a.pk])
    assert (
        client_for(chengdu_city).post(decide, {"outcome": "granted", "amount_granted": "10"}).status_code
        == 403
    )
    assert (
        client_for(other_provider).post(decide, {"outcome": "granted", "amount_granted": "10"}).status_code
        == 404
    )
    assert client_for(keji).get(decide).status_code == 405
    bad = client_for(keji).post(decide, {"outcome": "granted", "amount_granted": "99"})
    assert bad.status_code == 422 and SupportApplication.objects.get().status == "submitted"
    ok = client_for(keji).post(decide, {"outcome": "granted", "amount_granted": "10"})
    assert ok.status_code == 302
    assert SupportApplication.objects.get().amount_granted == Decimal("10.00")
    listing = client_for(keji).get(
        reverse("support:application-list") + "?measure=innovation_voucher&status=granted"
    )
    assert listing.status_code == 200 and coop.scenario.title in listing.content.decode()
    other = client_for(keji).get(reverse("support:application-list") + "?status=refused")
    assert coop.scenario.title not in other.content.decode()
    assert client_for(supplier).post(reverse("support:application-withdraw", args=[a.pk])).status_code == 404
    # The city sees its region's applications but may not withdraw them.
    assert (
        client_for(chengdu_city).post(reverse("support:application-withdraw", args=[a.pk])).status_code == 403
    )
    assert SupportApplication.objects.get().status == "granted"


def test_measure_list_is_public_and_office_sets_departments(anon_client, office, keji, department):
    page = anon_client.get(reverse("support:measure-list"))
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("科技创新券", "算力补贴", "引导基金", "债券", "首台套", "首批次", "首版次", "典型"):
        assert text in html, text
    url = reverse("support:measure-department")
    data = {
        "measure": "bond_project",
        "bond_project-measure": "bond_project",
        "bond_project-department": str(keji.organisation_id),
    }
    assert client_for(department).post(url, data).status_code == 403
    assert client_for(office).post(url, data).status_code == 302
    assert MeasureDepartment.objects.get(measure="bond_project").department_id == keji.organisation_id
    assert "四川省科学技术厅" in anon_client.get(reverse("support:measure-list")).content.decode()


def test_summary_page_and_xlsx(provider, supplier, coop, office, keji, configured, other_provider):
    a = submit(provider, "innovation_voucher", coop=coop, amount="30")
    submit(supplier, "innovation_voucher", coop=coop, amount="20")
    submit(supplier, "bond_project", coop=coop, amount="100")
    services.application_decide(
        actor=as_actor(keji), application_id=a.pk, outcome="granted", amount_granted="25"
    )
    year = SupportApplication.objects.first().year
    page = client_for(office).get(reverse("support:summary-detail") + f"?year={year}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="summary-innovation_voucher"' in html
    assert client_for(other_provider).get(reverse("support:summary-detail")).status_code == 404
    assert client_for(office).get(reverse("support:summary-detail") + "?year=abc").status_code == 404
    response = client_for(keji).get(reverse("support:summary-export", args=[year]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["科技创新券"][2:] == (2, 1, 1, 0, 0, 50.0, 25.0)
    assert rows["债券项目"][2:] == (1, 1, 0, 0, 0, 100.0, 0.0)
    assert rows["合计"][2:] == (3, 2, 1, 0, 0, 150.0, 25.0)
    assert ws["A2"].value == "支持措施"
    assert client_for(other_provider).get(reverse("support:summary-export", args=[year])).status_code == 404


# ------------------------------------------------------------------------------------------ API


def test_api_apply_decide_and_errors(
    client, provider, supplier, coop, keji, configured, other_provider, anon_client
):
    token = api_token(provider)
    body = {
        "measure": "innovation_voucher",
        "cooperation_id": coop.pk,
        "summary": "质检",
        "amount_requested": "15",
    }
    assert api(anon_client, "post", "/api/v1/support/applications", data=body).status_code == 401
    created = api(client, "post", "/api/v1/support/applications", token, body)
    assert created.status_code == 201, created.content
    a = created.json()
    assert (a["status"], a["amount_requested"], a["applicant_id"]) == (
        "submitted",
        "15.00",
        provider.organisation_id,
    )
    refused = api(
        client, "post", "/api/v1/support/applications", token, {**body, "measure": "compute_subsidy"}
    )
    assert refused.status_code == 422 and refused.json()["code"] == "not_eligible"
    assert "实施" in refused.json()["message"]
    bad = api(client, "post", "/api/v1/support/applications", token, {**body, "measure": "lottery"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    again = api(client, "post", "/api/v1/support/applications", token, body)
    assert again.status_code == 409 and again.json()["code"] == "already_applied"
    stranger = api_token(other_provider)
    assert api(client, "get", f"/api/v1/support/applications/{a['id']}", stranger).status_code == 404
    assert api(client, "post", "/api/v1/support/applications", stranger, body).status_code == 404
    assert api(anon_client, "get", "/api/v1/support/applications").json() == {"items": [], "count": 0}
    assert api(client, "get", "/api/v1/support/applications?status=nope", token).status_code == 422
    listed = api(
        client, "get", "/api/v1/support/applications?measure=innovation_voucher", api_token(keji)
    ).json()
    assert [x["id"] for x in listed["items"]] == [a["id"]]
    year, region = SupportApplication.objects.get().year, coop.scenario.region_id
    listed = api(
        client, "get", f"/api/v1/support/applications?year={year}&region={region}", api_token(keji)
    ).json()
    assert [x["id"] for x in listed["items"]] == [a["id"]]
    assert (
        api(client, "get", f"/api/v1/support/applications?year={year - 1}", api_token(keji)).json()["count"]
        == 0
    )
    assert (
        api(client, "get", "/api/v1/support/applications?region=999999", api_token(keji)).status_code == 422
    )
    decision = {"outcome": "granted", "amount_granted": "15"}
    assert (
        api(client, "post", f"/api/v1/support/applications/{a['id']}/decision", token, decision).status_code
        == 403
    )
    done = api(client, "post", f"/api/v1/support/applications/{a['id']}/decision", api_token(keji), decision)
    assert done.status_code == 200 and done.json()["amount_granted"] == "15.00"
    twice = api(client, "post", f"/api/v1/support/applications/{a['id']}/decision", api_token(keji), decision)
    assert twice.status_code == 409
    assert SupportApplication.objects.get().status == ApplicationStatus.GRANTED
    assert api(client, "get", "/api/v1/support/applications/0", token).status_code == 404


def test_api_measures_and_summary(client, anon_client, office, keji, provider):
    measures = api(anon_client, "get", "/api/v1/support/measures").json()
    assert measures["count"] == 10
    voucher = next(m for m in measures["items"] if m["measure"] == "innovation_voucher")
    assert voucher["parties"] == ["owner", "supplier"] and voucher["department_id"] is None
    url = "/api/v1/support/measures/innovation_voucher"
    assert (
        api(client, "put", url, api_token(provider), {"department_id": keji.organisation_id}).status_code
        == 403
    )
    assert (
        api(
            client, "put", "/api/v1/support/measures/nope", api_token(office), {"department_id": None}
        ).status_code
        == 404
    )
    done = api(client, "put", url, api_token(office), {"department_id": keji.organisation_id})
    assert done.status_code == 200 and done.json()["department_name"] == "四川省科学技术厅"
    summary = api(client, "get", "/api/v1/support/summary?year=2026", api_token(keji))
    assert summary.status_code == 200 and summary.json()["count"] == 10
    assert api(client, "get", "/api/v1/support/summary?year=2026", api_token(provider)).status_code == 404
    assert api(client, "get", "/api/v1/support/summary?year=x", api_token(keji)).status_code == 422
