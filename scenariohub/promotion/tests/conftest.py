import pytest
from django.utils import timezone

from scenariohub.accounts.models import Role
from scenariohub.accounts.tests.factories import member
from scenariohub.cases.models import BenchmarkQuota
from scenariohub.cases.tests.helpers import piloted_cooperation
from scenariohub.conftest import CHENGDU, MIANYANG
from scenariohub.matching.tests.factories import SolutionFactory


@pytest.fixture
def solution(supplier):
    return SolutionFactory(supplier=supplier.organisation, title="蜀智视觉质检平台")


@pytest.fixture
def cooperation(provider, supplier, solution):
    """A piloted cooperation whose application proposed `solution`."""
    return piloted_cooperation(provider, supplier, solution=solution)


@pytest.fixture
def quota(office):
    return BenchmarkQuota.objects.create(year=timezone.localdate().year, region_id=CHENGDU, number=5)


@pytest.fixture
def adopter(db):
    """A unit in Mianyang that adopts products."""
    return member(org_type=Role.PROVIDER, region=MIANYANG, name="绵阳电子制造有限公司", username="adopter")
