import datetime as dt
import secrets

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from scenariohub.accounts.models import ApiToken
from scenariohub.matching.models import Maturity, Scale, Solution, SupplierProfile
from scenariohub.scenarios.models import Status
from scenariohub.scenarios.tests.factories import ScenarioFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class SupplierProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierProfile

    contact_name = "李明"
    contact_phone = "028-12345678"
    contact_email = "bd@example.cn"
    scale = Scale.SMALL
    introduction = "专注工业视觉检测与边缘智能的人工智能企业。"


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"视觉质检平台{n:03d}")
    description = "基于深度学习的表面缺陷检测，支持产线实时部署。"
    sector_id = "manufacturing"
    maturity = Maturity.MATURE
    deploy_on_prem = True
    capabilities = "缺陷检测, 边缘推理"
    published = True

    @factory.post_generation
    def fields(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook signature
        if create:
            obj.fields.set(extracted if extracted is not None else ["machine-vision"])


def released_scenario(owner, *, days_left: int = 30, status: str = Status.PUBLISHED, **kwargs):
    """A released scenario of `owner` (an Organisation) whose deadline is `days_left` days away."""
    return ScenarioFactory(
        owner=owner, status=status, deadline=timezone.localdate() + dt.timedelta(days=days_left), **kwargs
    )


def pdf(name: str = "方案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def api_token(membership) -> str:
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=membership.user, membership=membership, name="test", prefix=raw[:8],
                            key_hash=ApiToken.hash_key(raw))
    return raw
