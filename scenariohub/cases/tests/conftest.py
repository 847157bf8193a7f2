import pytest
from django.utils import timezone

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import member
from scenariohub.cases.models import BenchmarkQuota
from scenariohub.cases.tests.helpers import piloted_cooperation
from scenariohub.conftest import CHENGDU


@pytest.fixture
def cooperation(provider, supplier):
    """A piloted cooperation of a Chengdu scenario."""
    return piloted_cooperation(provider, supplier)


@pytest.fixture
def quota(office):
    return BenchmarkQuota.objects.create(
        year=timezone.localdate().year, region_id=CHENGDU, number=2, set_by=office.user
    )


@pytest.fixture
def stranger(db):
    """A provider with nothing to do with the cooperation."""
    return member(org_type=Role.PROVIDER, region=CHENGDU, name="无关的企业", username="stranger")
