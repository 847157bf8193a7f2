import pytest

from scenariohub.conftest import as_actor
from scenariohub.scenarios import services
from scenariohub.scenarios.models import Status
from scenariohub.scenarios.tests.factories import ScenarioFactory


@pytest.mark.django_db
def test_draft_to_published(provider, chengdu_city, office):
    s = ScenarioFactory(owner=provider.organisation)
    services.scenario_submit(actor=as_actor(provider), scenario_id=s.pk)
    services.scenario_approve(actor=as_actor(chengdu_city), scenario_id=s.pk)
    s = services.scenario_publish(actor=as_actor(office), scenario_id=s.pk)
    assert s.status == Status.PUBLISHED
    assert [t.to_status for t in s.transitions.all()] == ["submitted", "approved", "published"]
