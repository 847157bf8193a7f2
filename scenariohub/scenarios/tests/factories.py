import datetime as dt

import factory
from django.utils import timezone

from scenariohub.accounts.tests.factories import OrganisationFactory
from scenariohub.scenarios.models import CooperationMode, Scenario, Status


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    title = factory.Sequence(lambda n: f"智能巡检场景{n:05d}")
    owner = factory.SubFactory(OrganisationFactory)
    region_id = factory.LazyAttribute(lambda s: s.owner.region_id or "510100")
    sector_id = "manufacturing"
    field_id = "machine-vision"
    kind = "industrial"
    purpose = "利用机器视觉对产线产品外观缺陷进行自动检测，替代人工目检，提升检出率与一致性。"
    tech_requirements = "缺陷检出率不低于99%，单件检测时间小于200毫秒，支持本地化部署与国产化硬件。"
    cooperation_mode = CooperationMode.PILOT
    budget_min = 50
    budget_max = 200
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    contact_name = "张伟"
    contact_phone = "13800000000"
    contact_email = "contact@example.cn"
    status = Status.DRAFT

    @factory.lazy_attribute
    def published_at(self):
        return timezone.now() if self.status in (Status.PUBLISHED, Status.MATCHING) else None

    @factory.lazy_attribute
    def published_year(self):
        return timezone.localtime(self.published_at).year if self.published_at else None
