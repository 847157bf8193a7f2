"""A piloted cooperation built through the real services: release → application → shortlist → agreement →
implementation → pilot acceptance (no shortcuts through the ORM for the lifecycle)."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from scenariohub.conftest import as_actor
from scenariohub.matching import services as matching
from scenariohub.matching.tests.factories import SolutionFactory, released_scenario
from scenariohub.tracking import services as tracking

WRITEUP = {
    "title": "成都智造工厂视觉质检标杆案例",
    "background": "产线外观缺陷依赖人工目检，漏检率高。",
    "solution": "部署基于深度学习的视觉质检平台，边缘推理，实时剔除不良品。",
    "results": "良品率提升，质检人力减少一半。",
    "video_url": "https://video.example.cn/case.mp4",
    "figures": [{"label": "漏检率", "value": "下降 80%"}, {"label": "质检效率", "value": "提升 35%"}],
}


def piloted_cooperation(provider, supplier, *, solution=None, **scenario_kwargs):
    """A cooperation of `provider`'s scenario with `supplier`, accepted as piloted; returns it."""
    scenario = released_scenario(provider.organisation, **scenario_kwargs)
    solution = solution or SolutionFactory(supplier=supplier.organisation)
    application = matching.application_create(
        actor=as_actor(supplier),
        scenario_id=scenario.pk,
        data={"proposal": "视觉质检方案", "solution": solution.pk},
    )
    matching.application_shortlist(actor=as_actor(provider), application_id=application.pk)
    today = timezone.localdate()
    cooperation = tracking.cooperation_create(
        actor=as_actor(provider),
        application_id=application.pk,
        data={
            "parties": "甲方、乙方",
            "signed_on": (today - dt.timedelta(days=30)).isoformat(),
            "amount": "1200000",
            "duration_months": 6,
            "scope": "产线视觉质检",
        },
    )
    tracking.cooperation_start(
        actor=as_actor(provider),
        cooperation_id=cooperation.pk,
        started_on=(today - dt.timedelta(days=20)).isoformat(),
    )
    tracking.pilot_accept(
        actor=as_actor(provider),
        cooperation_id=cooperation.pk,
        data={
            "accepted_on": today.isoformat(),
            "report": "试点验收通过。",
            "metrics": [{"name": "良品率", "before": "92", "after": "98.5", "unit": "%"}],
        },
    )
    cooperation.refresh_from_db()
    return cooperation


def png(name="photo.png", size=(60, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
