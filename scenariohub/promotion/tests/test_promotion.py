"""Promotion catalogue: only proven products enter (office), policy flags need a demonstration
application, adoptions are recorded by a unit for itself and shown publicly in aggregate only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from scenariohub.cases import services as cases
from scenariohub.cases.tests.helpers import WRITEUP
from scenariohub.conftest import as_actor, client_for
from scenariohub.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from scenariohub.core.models import AuditLog
from scenariohub.matching.tests.factories import SolutionFactory
from scenariohub.promotion import selectors, services
from scenariohub.promotion.models import Adoption, PromotedProduct

pytestmark = pytest.mark.django_db


def enter(office, solution, cooperations, **data):
    return services.product_create(
        actor=as_actor(office),
        solution_id=solution.pk,
        data={
            "summary": "产线视觉质检，已在成都试点验收。",
            "cooperations": [c.pk for c in cooperations],
            **data,
        },
    )


def designate(office, city, cooperation):
    case = cases.case_nominate(actor=as_actor(city), cooperation_id=cooperation.pk, data=WRITEUP)
    return cases.case_designate(actor=as_actor(office), case_id=case.pk)


def test_a_proven_product_is_entered_by_the_office_with_its_evidence(office, solution, cooperation):
    product = enter(office, solution, [cooperation])
    assert list(product.evidence_cooperations.all()) == [cooperation]
    assert not product.evidence_cases.exists() and product.listed
    assert AuditLog.objects.filter(action="promotion.product_create", object_id=str(product.pk)).exists()
    with pytest.raises(Conflict):
        enter(office, solution, [cooperation])


def test_only_the_office_enters_products(chengdu_city, supplier, solution, cooperation):
    for who in (chengdu_city, supplier):
        with pytest.raises(PermissionDenied):
            enter(who, solution, [cooperation])
    assert not PromotedProduct.objects.exists()


def test_unproven_products_do_not_enter(office, supplier, provider, other_provider, solution, cooperation):
    with pytest.raises(ValidationFailed) as exc:  # no evidence at all
        enter(office, solution, [])
    assert "cooperations" in exc.value.details
    other_solution = SolutionFactory(supplier=supplier.organisation)  # the cooperation proved another one
    with pytest.raises(ValidationFailed):
        enter(office, other_solution, [cooperation])
    from scenariohub.accounts.models import Role
    from scenariohub.accounts.tests.factories import member

    rival = member(org_type=Role.SUPPLIER, region="510100", name="别家科技", username="rival")
    with pytest.raises(ValidationFailed):  # someone else's product cannot borrow this evidence
        enter(office, SolutionFactory(supplier=rival.organisation), [cooperation])
    assert not PromotedProduct.objects.exists()


def test_an_agreed_but_unpiloted_cooperation_proves_nothing(office, provider, supplier, solution):
    from scenariohub.matching import services as matching
    from scenariohub.matching.tests.factories import released_scenario
    from scenariohub.tracking import services as tracking

    scenario = released_scenario(provider.organisation)
    application = matching.application_create(
        actor=as_actor(supplier), scenario_id=scenario.pk, data={"proposal": "方案", "solution": solution.pk}
    )
    matching.application_shortlist(actor=as_actor(provider), application_id=application.pk)
    agreed = tracking.cooperation_create(
        actor=as_actor(provider),
        application_id=application.pk,
        data={
            "parties": "甲乙",
            "signed_on": timezone.localdate().isoformat(),
            "amount": "1000",
            "duration_months": 3,
            "scope": "范围",
        },
    )
    with pytest.raises(ValidationFailed):
        enter(office, solution, [agreed])


def test_policy_flags_need_a_demonstration_application(office, chengdu_city, solution, cooperation, quota):
    with pytest.raises(ValidationFailed) as exc:
        enter(office, solution, [cooperation], first_set=True)
    assert "flags" in exc.value.details
    product = enter(office, solution, [cooperation])
    case = designate(office, chengdu_city, cooperation)
    product = services.product_update(
        actor=as_actor(office),
        product_id=product.pk,
        data={"first_set": True, "government_procurement": True},
    )
    assert product.first_set and product.government_procurement and not product.first_batch
    assert list(product.evidence_cases.all()) == [case]
    assert selectors.product_list_public(flag="first_set").get() == product
    assert not selectors.product_list_public(flag="first_batch").exists()


def test_adoptions_are_recorded_by_a_unit_for_itself(
    office, adopter, supplier, solution, cooperation, anon_client
):
    product = enter(office, solution, [cooperation])
    today = timezone.localdate()
    adoption = services.adoption_create(
        actor=as_actor(adopter),
        product_id=product.pk,
        data={"adopted_on": today.isoformat(), "amount": "80.5", "note": "二期采购"},
    )
    assert adoption.organisation == adopter.organisation and adoption.region_id == "510700"
    assert str(adoption.amount) == "80.50"
    with pytest.raises(PermissionDenied):  # the supplier may not inflate its own reach
        services.adoption_create(
            actor=as_actor(supplier), product_id=product.pk, data={"adopted_on": today.isoformat()}
        )
    from scenariohub.accounts.actors import ANONYMOUS

    with pytest.raises(PermissionDenied):
        services.adoption_create(
            actor=ANONYMOUS, product_id=product.pk, data={"adopted_on": today.isoformat()}
        )
    with pytest.raises(ValidationFailed) as exc:
        services.adoption_create(
            actor=as_actor(adopter),
            product_id=product.pk,
            data={
                "adopted_on": (today + dt.timedelta(days=1)).isoformat(),
                "amount": "-1",
                "region": "999999",
            },
        )
    assert set(exc.value.details) == {"adopted_on", "amount", "region"}
    assert Adoption.objects.count() == 1


def test_unlisted_products_are_the_office_s_only(office, adopter, solution, cooperation, anon_client):
    product = enter(office, solution, [cooperation], listed=False)
    with pytest.raises(NotFound):
        services.adoption_create(
            actor=as_actor(adopter),
            product_id=product.pk,
            data={"adopted_on": timezone.localdate().isoformat()},
        )
    assert anon_client.get(reverse("promotion:product-detail", args=[product.pk])).status_code == 404
    assert client_for(office).get(reverse("promotion:product-detail", args=[product.pk])).status_code == 200


def test_public_pages_show_reach_in_aggregate(
    office, adopter, chengdu_city, solution, cooperation, anon_client
):
    product = enter(office, solution, [cooperation])
    services.adoption_create(
        actor=as_actor(adopter), product_id=product.pk, data={"adopted_on": "2026-03-05", "amount": "100"}
    )
    services.adoption_create(
        actor=as_actor(adopter),
        product_id=product.pk,
        data={"adopted_on": "2026-04-10", "amount": "50", "region": "510100"},
    )
    services.adoption_create(
        actor=as_actor(chengdu_city), product_id=product.pk, data={"adopted_on": "2025-11-01"}
    )
    reach = selectors.product_reach(product=product)
    assert (reach.adoptions, reach.units, str(reach.amount)) == (3, 2, "150.00")
    assert [(r["code"], r["adoptions"], r["units"]) for r in reach.regions] == [
        ("510100", 2, 2),
        ("510700", 1, 1),
    ]
    assert [(y["year"], y["adoptions"]) for y in reach.by_year] == [(2025, 1), (2026, 2)]
    catalogue = anon_client.get(reverse("promotion:catalogue")).content.decode()
    assert "蜀智视觉质检平台" in catalogue
    page = anon_client.get(reverse("promotion:product-detail", args=[product.pk])).content.decode()
    assert "绵阳市" in page and "成都市" in page and 'id="reach-chart-data"' in page
    assert "绵阳电子制造有限公司" not in page  # units are counted, not named, in public
    assert 'property="og:title" content="蜀智视觉质检平台"' in page
    own = client_for(adopter).get(reverse("promotion:adoption-list")).content.decode()
    assert own.count("<td>绵阳电子制造有限公司</td>") == 2 and "<td>成都市经济和信息化局</td>" not in own


def test_adoption_form_through_http(office, adopter, supplier, solution, cooperation, anon_client):
    product = enter(office, solution, [cooperation])
    url = reverse("promotion:adoption-create", args=[product.pk])
    data = {
        "region": "510700",
        "adopted_on": timezone.localdate().isoformat(),
        "amount": "12",
        "note": "试用",
    }
    assert anon_client.post(url, data).status_code == 302 and not Adoption.objects.exists()  # to login
    assert client_for(supplier).post(url, data).status_code == 403
    assert client_for(adopter).post(url, {**data, "adopted_on": "not a date"}).status_code == 302
    assert not Adoption.objects.exists()
    assert client_for(adopter).post(url, data).status_code == 302
    assert Adoption.objects.get().organisation == adopter.organisation


def test_office_entry_pages(office, chengdu_city, solution, cooperation):
    client = client_for(office)
    assert client_for(chengdu_city).get(reverse("promotion:product-create")).status_code == 403
    choose = client.get(reverse("promotion:product-create")).content.decode()
    assert "蜀智视觉质检平台" in choose
    form_url = reverse("promotion:product-create") + f"?solution={solution.pk}"
    bad = client.post(form_url, {"solution": solution.pk, "summary": "简介", "listed": "on"})
    assert bad.status_code == 200 and not PromotedProduct.objects.exists()
    ok = client.post(
        form_url,
        {"solution": solution.pk, "summary": "简介", "cooperations": [cooperation.pk], "listed": "on"},
    )
    product = PromotedProduct.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("promotion:product-detail", args=[product.pk])
    assert (
        client_for(chengdu_city)
        .post(reverse("promotion:product-edit", args=[product.pk]), {"summary": "改"})
        .status_code
        == 403
    )
