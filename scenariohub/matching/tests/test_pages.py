"""Pages: public directory and catalogue, the workspace, solutions with attachments, verification, the
scenario panel (with a pinned query count), subscriptions; Chinese by default."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import OrganisationFactory
from scenariohub.conftest import as_actor, client_for
from scenariohub.core.models import AuditLog
from scenariohub.matching import services
from scenariohub.matching.models import Solution, SolutionAttachment, Subscription
from scenariohub.matching.tests.factories import SolutionFactory, SupplierProfileFactory, pdf

pytestmark = pytest.mark.django_db


def test_public_directory_and_catalogue(anon_client, supplier, profile):
    solution = SolutionFactory(supplier=supplier.organisation, title="产线视觉质检")
    SolutionFactory(supplier=supplier.organisation, title="内部草稿", published=False)
    listing = anon_client.get(reverse("matching:supplier-list"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert supplier.organisation.name in body
    assert "人工智能产品与解决方案供应商" in body  # Chinese by default
    assert anon_client.get(reverse("matching:supplier-detail", args=[supplier.organisation_id])).status_code == 200
    catalogue = anon_client.get(reverse("matching:solution-list") + "?field=machine-vision").content.decode()
    assert "产线视觉质检" in catalogue and "内部草稿" not in catalogue
    assert anon_client.get(reverse("matching:solution-detail", args=[solution.pk])).status_code == 200
    draft = Solution.objects.get(title="内部草稿")
    assert anon_client.get(reverse("matching:solution-detail", args=[draft.pk])).status_code == 404
    # Unknown filter codes are dropped on pages (the API answers 422).
    assert anon_client.get(reverse("matching:supplier-list") + "?sector=nope").status_code == 200
    assert anon_client.get(reverse("matching:supplier-detail", args=[99999])).status_code == 404


def test_supplier_list_query_count_is_constant(anon_client, django_assert_max_num_queries):
    for _ in range(10):
        SupplierProfileFactory(organisation=OrganisationFactory(type=Role.SUPPLIER)).sectors.set(["manufacturing"])
    with django_assert_max_num_queries(8):
        assert anon_client.get(reverse("matching:supplier-list")).status_code == 200


def test_english_when_chosen_not_when_the_browser_asks(anon_client):
    browser_english = anon_client.get(reverse("matching:supplier-list"), headers={"Accept-Language": "en"})
    assert "AI product and solution suppliers" not in browser_english.content.decode()
    anon_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = anon_client.get(reverse("matching:supplier-list"))
    assert "AI product and solution suppliers" in response.content.decode()


def test_workspace_for_each_role(supplier, provider, office, scenario, profile):
    SolutionFactory(supplier=supplier.organisation, fields=["machine-vision"])
    page = client_for(supplier).get(reverse("matching:workspace"))
    assert page.status_code == 200
    # The recommendation hook finds the provider's machine-vision scenario.
    assert [r.object for r in page.context["recommendations"]] == [scenario]
    assert client_for(provider).get(reverse("matching:workspace")).status_code == 200
    assert client_for(office).get(reverse("matching:workspace")).status_code == 200


def test_workspace_needs_login(anon_client):
    response = anon_client.get(reverse("matching:workspace"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_only_suppliers_edit_a_supplier_profile(provider):
    assert client_for(provider).get(reverse("matching:profile-edit")).status_code == 403


def test_solution_with_attachments_through_the_form(supplier):
    client = client_for(supplier)
    data = {"title": "边缘推理盒", "description": "低功耗推理。", "sector": "manufacturing", "fields": ["machine-vision"],
            "capabilities": "推理, 压缩", "maturity": "pilot", "deployment_modes": ["edge"], "published": "on"}
    response = client.post(reverse("matching:solution-create"), {**data, "attachments": [pdf("白皮书.pdf")]})
    assert response.status_code == 302
    solution = Solution.objects.get(title="边缘推理盒")
    assert solution.deploy_edge and solution.capability_list == ["推理", "压缩"]
    attachment = SolutionAttachment.objects.get(solution=solution)
    assert attachment.original_name == "白皮书.pdf" and attachment.kind == "pdf"
    download = client.get(reverse("matching:solution-attachment-download", args=[solution.pk, attachment.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")

    # A file whose content is not what its name says is refused; nothing is written.
    fake = SimpleUploadedFile("说明.pdf", b"PK\x03\x04 not really", content_type="application/pdf")
    response = client.post(reverse("matching:solution-update", args=[solution.pk]), {**data, "attachments": [fake]})
    assert response.status_code == 200 and response.context["form"].errors["attachments"]
    assert SolutionAttachment.objects.filter(solution=solution).count() == 1

    assert client.post(reverse("matching:solution-attachment-delete", args=[attachment.pk])).status_code == 302
    assert not SolutionAttachment.objects.exists()


def test_other_supplier_cannot_edit_a_solution(supplier, supplier2):
    solution = SolutionFactory(supplier=supplier.organisation)
    draft = SolutionFactory(supplier=supplier.organisation, published=False)
    other = client_for(supplier2)
    assert other.get(reverse("matching:solution-update", args=[solution.pk])).status_code == 403
    assert other.get(reverse("matching:solution-update", args=[draft.pk])).status_code == 404


def test_office_verifies_a_supplier(office, supplier, profile, other_provider):
    supplier.organisation.credit_code = "91350100M000100Y43"
    supplier.organisation.save()
    url = reverse("matching:supplier-verify", args=[supplier.organisation_id])
    assert client_for(other_provider).post(url).status_code == 403
    assert client_for(supplier).post(url).status_code == 403
    assert client_for(office).post(url).status_code == 302
    profile.refresh_from_db()
    assert profile.verified and profile.verified_by == office.user and profile.verified_at
    assert AuditLog.objects.filter(action="supplier.verify", object_id=str(profile.pk)).exists()
    detail = client_for(office).get(reverse("matching:supplier-detail", args=[supplier.organisation_id]))
    assert "tag-verified" in detail.content.decode()


def test_verification_needs_a_credit_code(office, supplier, profile):
    from scenariohub.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.supplier_verify(actor=as_actor(office), organisation_id=supplier.organisation_id)


def test_subscription_pages(supplier, supplier2):
    client = client_for(supplier)
    assert client.get(reverse("matching:subscription-create")).status_code == 200
    response = client.post(reverse("matching:subscription-create"), {
        "name": "成都视觉", "fields": ["machine-vision"], "regions": ["510100"], "frequency": "daily", "active": "on"})
    assert response.status_code == 302
    subscription = Subscription.objects.get(name="成都视觉")
    assert client.get(reverse("matching:subscription-list")).status_code == 200
    assert client.get(reverse("matching:subscription-detail", args=[subscription.pk])).status_code == 200
    assert client_for(supplier2).get(reverse("matching:subscription-detail", args=[subscription.pk])).status_code == 404
    assert client_for(supplier2).post(reverse("matching:subscription-delete", args=[subscription.pk])).status_code == 404
    assert client.post(reverse("matching:subscription-delete", args=[subscription.pk])).status_code == 302
    assert not Subscription.objects.exists()


def test_owner_pages_for_reviewers_and_criteria(scenario, provider, supplier, chengdu_city, other_provider):
    services.application_create(actor=as_actor(supplier), scenario_id=scenario.pk, data={"proposal": "方案"})
    owner = client_for(provider)
    page = owner.get(reverse("matching:scenario-reviewers", args=[scenario.pk]))
    assert page.status_code == 200
    assert owner.post(reverse("matching:scenario-reviewers", args=[scenario.pk]),
                      {"reviewer": chengdu_city.pk}).status_code == 302
    assert owner.get(reverse("matching:scenario-criteria", args=[scenario.pk])).status_code == 200
    assert client_for(other_provider).get(reverse("matching:scenario-reviewers", args=[scenario.pk])).status_code == 403
    assert client_for(other_provider).get(reverse("matching:scenario-criteria", args=[scenario.pk])).status_code == 403


# ---------------------------------------------------------------------------------------------- the panel


PANEL = Template('{% include "matching/_scenario_panel.html" with scenario=scenario %}')


def _render_panel(membership, scenario) -> str:
    request = RequestFactory().get("/")
    request.user = membership.user if membership else AnonymousUser()
    request.session = {}
    return PANEL.render(Context({"scenario": scenario, "request": request, "user": request.user,
                                 "csrf_token": "x"}))


def test_panel_offers_apply_to_a_supplier(scenario, supplier, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        html = _render_panel(supplier, scenario)
    assert reverse("matching:application-create", args=[scenario.pk]) in html


def test_panel_shows_the_owner_its_applicant_count(scenario, provider, supplier, supplier2,
                                                   django_assert_max_num_queries):
    for s in (supplier, supplier2):
        services.application_create(actor=as_actor(s), scenario_id=scenario.pk, data={"proposal": "方案"})
        services.question_ask(actor=as_actor(s), scenario_id=scenario.pk, text="问题")
    with django_assert_max_num_queries(5):
        html = _render_panel(provider, scenario)
    assert reverse("matching:scenario-applications", args=[scenario.pk]) in html
    assert "2" in html
    assert reverse("matching:application-create", args=[scenario.pk]) not in html


def test_panel_for_anonymous_makes_no_queries(scenario, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = _render_panel(None, scenario)
    assert reverse("matching:application-create", args=[scenario.pk]) not in html


def test_scenario_matching_page(scenario, anon_client, provider, supplier, profile):
    profile.fields.set(["machine-vision"])
    assert anon_client.get(reverse("matching:scenario-matching", args=[scenario.pk])).status_code == 200
    page = client_for(provider).get(reverse("matching:scenario-matching", args=[scenario.pk]))
    assert page.status_code == 200
    assert [r.object.organisation_id for r in page.context["recommended"]] == [supplier.organisation_id]


def test_comparison_query_count_does_not_grow_with_applicants(scenario, provider, django_assert_max_num_queries):
    from scenariohub.accounts.tests.factories import member

    for i in range(6):
        applicant = member(org_type=Role.SUPPLIER, name=f"对比供应商{i}", username=f"cmp{i}")
        SupplierProfileFactory(organisation=applicant.organisation)
        services.application_create(actor=as_actor(applicant), scenario_id=scenario.pk,
                                    data={"proposal": "方案", "members": []})
    owner = client_for(provider)
    url = reverse("matching:scenario-applications", args=[scenario.pk])
    # Session, user, membership (twice: actor and menu), access, scenario, applications with their members,
    # attachments and history, criteria, one aggregate for every score: none of it per applicant.
    with django_assert_max_num_queries(13):  # + the navigation's unread badge
        response = owner.get(url)
    assert len(response.context["rows"]) == 6
