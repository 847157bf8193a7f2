"""Who is acting: a user through one membership. Services receive an Actor, never a request."""

from dataclasses import dataclass

from scenariohub.accounts.models import Membership, Organisation, Role, User


@dataclass(frozen=True)
class Actor:
    user: User | None
    membership: Membership | None
    ip_address: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.membership is None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def organisation_id(self) -> int | None:
        return self.membership.organisation_id if self.membership else None

    @property
    def region_id(self) -> str | None:
        return self.membership.organisation.region_id if self.membership else None

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def is_office(self) -> bool:
        return self.role == Role.OFFICE


ANONYMOUS = Actor(user=None, membership=None)
