import datetime as dt

import factory
from django.utils import timezone

from scenariohub.events.models import Channel, EventStatus, ReleaseEvent


class ReleaseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseEvent

    channel = Channel.CONFERENCE
    title = factory.Sequence(lambda n: f"四川省人工智能应用场景发布会（第{n}场）")
    host_region_id = "510700"
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    starts_at = dt.time(9, 30)
    ends_at = dt.time(17, 0)
    venue = "绵阳科技城会展中心"
    agenda = "开幕致辞；场景发布；供需对接"
    status = EventStatus.PLANNED
