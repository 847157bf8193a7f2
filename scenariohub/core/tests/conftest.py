import pytest


@pytest.fixture
def auditor(office):
    """A member of the office organisation holding the auditor role (reads the audit trail, changes nothing)."""
    from scenariohub.accounts.models import Membership, Role
    from scenariohub.accounts.tests.factories import UserFactory

    return Membership.objects.create(
        user=UserFactory(username="auditor", display_name="审计员"),
        organisation=office.organisation,
        role=Role.AUDITOR,
    )
