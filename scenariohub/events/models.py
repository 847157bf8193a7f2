"""Release events: provincial conferences hosted by cities in rotation, and the other release channels.

An event lists the scenarios the office assigns to it; holding the event publishes them (one lifecycle
transition each, see services.event_hold). Suppliers register to attend, within the event's capacity.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# When an event has no start time, its releases are stamped at this local time of its date.
DEFAULT_START_TIME = dt.time(9, 0)


class Channel(models.TextChoices):
    CONFERENCE = "conference", _("Provincial scenario release conference")
    MATCHMAKING = "matchmaking", _("Industry matchmaking event")
    BRIEFING = "briefing", _("Policy briefing")
    ONLINE = "online", _("Online release")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# What anyone, signed in or not, may see.
PUBLIC_EVENT_STATUSES = (EventStatus.PLANNED, EventStatus.HELD)


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


class ReleaseEvent(models.Model):
    # The dashboard counts `filter(channel="conference", status="held", date__year=Y)`: keep these names.
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.CONFERENCE)
    title = models.CharField(pgettext_lazy("release event", "title"), max_length=120)
    host_region = models.ForeignKey(
        "reference.Region", verbose_name=_("host city"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="hosted_events",
    )
    date = models.DateField(_("date"), db_index=True)
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), max_length=5000, blank=True)
    livestream_url = models.URLField(_("livestream link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("Seats for registered suppliers; leave empty for no limit."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    held_at = models.DateTimeField(_("marked held"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked held by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("release event")
        verbose_name_plural = _("release events")
        ordering = ["-date", "-id"]
        constraints = [
            # The rotation is about who hosts the provincial conferences: a conference without a host is a hole in it.
            models.CheckConstraint(
                condition=~Q(channel="conference") | Q(host_region__isnull=False), name="events_conference_has_host"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="events_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["channel", "status", "date"], name="events_channel_status_date_idx")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def quarter(self) -> int:
        return quarter_of(self.date)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_EVENT_STATUSES

    @property
    def start_datetime(self) -> dt.datetime:
        """The aware local moment the event starts: the release time of the scenarios it publishes."""
        naive = dt.datetime.combine(self.date, self.starts_at or DEFAULT_START_TIME)
        return timezone.make_aware(naive, timezone.get_default_timezone())

    @property
    def end_datetime(self) -> dt.datetime | None:
        if self.ends_at is None:
            return None
        return timezone.make_aware(dt.datetime.combine(self.date, self.ends_at), timezone.get_default_timezone())


class EventScenario(models.Model):
    """A scenario the office assigned to an event; `released_at` is set when holding the event published it."""

    event = models.ForeignKey(ReleaseEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="assignments")
    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="event_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    # Why holding the event did not publish this scenario (e.g. it was published elsewhere first).
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("scenario of an event")
        verbose_name_plural = _("scenarios of events")
        ordering = ["assigned_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "scenario"], name="events_eventscenario_unique")]

    def __str__(self) -> str:
        return f"{self.event_id} ← {self.scenario_id}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_REGISTRATION_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class EventRegistration(models.Model):
    """One person of a supplier organisation attending an event. The waiting list is ordered by creation."""

    event = models.ForeignKey(ReleaseEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    promoted_at = models.DateTimeField(_("moved off the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["created_at", "id"]
        constraints = [
            # A cancelled registration stays as history; a person may register again after cancelling.
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(status__in=["registered", "waitlisted"]),
                name="events_registration_one_active",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="events_reg_queue_idx")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event_id} ({self.status})"


class AvailabilityKind(models.TextChoices):
    UNWILLING = "unwilling", _("Does not wish to host")
    UNAVAILABLE = "unavailable", _("Unavailable in a quarter")


class HostAvailability(models.Model):
    """A city's standing wish not to host conferences, or its unavailability in one quarter."""

    region = models.ForeignKey("reference.Region", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(pgettext_lazy("host availability", "kind"), max_length=20, choices=AvailabilityKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("host availability")
        verbose_name_plural = _("host availabilities")
        ordering = ["region__position", "year", "quarter"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="unwilling") & Q(year__isnull=True) & Q(quarter__isnull=True))
                | (Q(kind="unavailable") & Q(year__isnull=False) & Q(quarter__gte=1) & Q(quarter__lte=4)),
                name="events_availability_shape",
            ),
            models.UniqueConstraint(
                fields=["region"], condition=Q(kind="unwilling"), name="events_availability_one_unwilling"
            ),
            models.UniqueConstraint(
                fields=["region", "year", "quarter"], condition=Q(kind="unavailable"),
                name="events_availability_one_per_quarter",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == AvailabilityKind.UNWILLING:
            return f"{self.region_id}: {self.get_kind_display()}"
        return f"{self.region_id}: {self.year}Q{self.quarter}"


class RotationOverride(models.Model):
    """The office's choice of host for one quarter, replacing the proposal; the reason is kept."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    region = models.ForeignKey("reference.Region", verbose_name=_("host city"), on_delete=models.PROTECT, related_name="+")
    proposed_region = models.ForeignKey(
        "reference.Region", verbose_name=_("proposed city"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("decided"), auto_now=True)

    class Meta:
        verbose_name = _("rotation override")
        verbose_name_plural = _("rotation overrides")
        ordering = ["year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="events_override_one_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="events_override_quarter_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}: {self.region_id}"
