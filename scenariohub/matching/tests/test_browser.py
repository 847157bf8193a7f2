"""Browser journey: a supplier finds a scenario, applies, and the owner compares and shortlists.
Screenshots in test-artifacts/matching/."""

import pytest

from scenariohub.core.tests.browser import log_in, shot
from scenariohub.matching.models import Application
from scenariohub.matching.tests.factories import SupplierProfileFactory, released_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supplier_applies_and_owner_shortlists(new_page, provider, supplier):
    SupplierProfileFactory(organisation=supplier.organisation)
    scenario = released_scenario(provider.organisation, title="电池极片缺陷视觉检测")

    page = new_page()
    log_in(page, supplier)
    page.goto(f"/matching/scenarios/{scenario.pk}/")
    shot(page, "matching/scenario-page")
    page.get_by_role("link", name="我要申报").click()
    page.get_by_label("方案说明").fill("采用线阵相机与边缘推理盒，六周完成部署。")
    shot(page, "matching/apply-form")
    page.get_by_role("button", name="提交申报").click()
    page.wait_for_url("**/matching/applications/*/")
    assert "申报已提交" in page.content()
    application = Application.objects.get()

    owner = new_page()
    log_in(owner, provider)
    owner.goto(f"/matching/scenarios/{scenario.pk}/applications/")
    assert supplier.organisation.name in owner.content()
    shot(owner, "matching/comparison")
    owner.get_by_role("link", name=supplier.organisation.name).click()
    owner.get_by_role("button", name="入围", exact=True).click()
    owner.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == "shortlisted"
    shot(owner, "matching/application-shortlisted")
