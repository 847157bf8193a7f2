"""Fixtures of the tracking tests: a released Chengdu scenario of the provider persona with a shortlisted
consortium application of the supplier persona, built through the real matching services; cooperations
at each stage built through the tracking services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import member
from scenariohub.conftest import CHENGDU, as_actor
from scenariohub.matching.models import SupplierProfile
from scenariohub.matching.services.applications import application_create, application_shortlist
from scenariohub.matching.tests.factories import SupplierProfileFactory, released_scenario
from scenariohub.tracking import services

SIGNED = dt.date(2026, 3, 2)


@pytest.fixture
def consortium_member(db):
    return member(org_type=Role.SUPPLIER, region=CHENGDU, name="天府算法科技有限公司", username="member")


@pytest.fixture
def outsider_supplier(db):
    return member(org_type=Role.SUPPLIER, region=CHENGDU, name="锦江数智有限公司", username="outsider")


def apply_and_shortlist(provider, supplier, consortium_member=None, **scenario_kwargs):
    scenario = released_scenario(provider.organisation, **scenario_kwargs)
    if not SupplierProfile.objects.filter(organisation=supplier.organisation).exists():
        SupplierProfileFactory(organisation=supplier.organisation)
    members = [consortium_member.organisation_id] if consortium_member else []
    application = application_create(
        actor=as_actor(supplier),
        scenario_id=scenario.pk,
        data={"proposal": "基于深度学习的表面缺陷检测方案，三个月完成产线部署。", "members": members},
    )
    return application_shortlist(actor=as_actor(provider), application_id=application.pk)


@pytest.fixture
def shortlisted(provider, supplier, consortium_member):
    return apply_and_shortlist(provider, supplier, consortium_member, title="产线外观缺陷智能检测")


AGREEMENT = {
    "parties": "成都智造示范工厂、蜀智科技有限公司、天府算法科技有限公司",
    "signed_on": SIGNED,
    "amount": Decimal("1250000.00"),
    "duration_months": 12,
    "scope": "产线外观缺陷检测系统的研发、部署与试运行。",
}


def agree(provider, application, **overrides):
    return services.cooperation_create(
        actor=as_actor(provider), application_id=application.pk, data={**AGREEMENT, **overrides}
    )


@pytest.fixture
def agreed(provider, shortlisted):
    return agree(provider, shortlisted)


@pytest.fixture
def implementing(provider, agreed):
    return services.cooperation_start(
        actor=as_actor(provider), cooperation_id=agreed.pk, started_on=dt.date(2026, 3, 10)
    )


def metrics():
    return [
        {"name": "缺陷检出率", "before": "92", "after": "99.2", "unit": "%"},
        {"name": "单件检测时间", "before": "1500", "after": "180", "unit": "毫秒"},
    ]


@pytest.fixture
def piloted(provider, implementing):
    services.pilot_accept(
        actor=as_actor(provider),
        cooperation_id=implementing.pk,
        data={
            "accepted_on": timezone.localdate(),
            "report": "试点验收通过，指标全部达到合同要求。",
            "metrics": metrics(),
        },
    )
    implementing.refresh_from_db()
    return implementing
