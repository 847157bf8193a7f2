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

    @property
    def is_read_only(self) -> bool:
        """An auditor reads the audit trail and changes nothing (GB/T 22239 separation of duties)."""
        return self.role == Role.AUDITOR

    def acts_for(self, organisation_id: int | None) -> bool:
        """May this actor change what belongs to the organisation? Its members may, except the auditor:
        an auditor's membership of the office lets it read what the office reads, never act as the office."""
        return organisation_id is not None and self.organisation_id == organisation_id and not self.is_read_only


ANONYMOUS = Actor(user=None, membership=None)
