import factory

from scenariohub.accounts.models import Membership, Organisation, Role, User

TEST_PASSWORD = "Sichuan-AI-2025!"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试单位{n:04d}")
    type = Role.PROVIDER
    region_id = "510100"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    display_name = factory.Sequence(lambda n: f"用户{n:04d}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook signature
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = factory.LazyAttribute(lambda m: m.organisation.type)


def member(*, org_type: str, region: str | None = "510100", name: str | None = None, username: str | None = None):
    """A user holding one membership in a new organisation of the given type."""
    org_kwargs = {"type": org_type, "region_id": region}
    if name:
        org_kwargs["name"] = name
    org = OrganisationFactory(**org_kwargs)
    user_kwargs = {"username": username} if username else {}
    return MembershipFactory(organisation=org, role=org_type, user=UserFactory(**user_kwargs))


__all__ = ["TEST_PASSWORD", "MembershipFactory", "OrganisationFactory", "Role", "UserFactory", "member"]
