"""Matching: suppliers and their solutions, applications to released scenarios, review, talks, Q&A,
notifications and subscriptions.

Statuses are TextChoices; the application lifecycle table lives in `matching/lifecycle.py`, and every
step writes an `ApplicationTransition` history row next to the audit record.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from scenariohub.core.fields import EncryptedCharField, EncryptedEmailField

MAX_CONSORTIUM_MEMBERS = 4
SCORE_MAX = 10


# ---------------------------------------------------------------------------------------------- suppliers


class Scale(models.TextChoices):
    LARGE = "large", _("Large enterprise")
    MEDIUM = "medium", _("Medium-sized enterprise")
    SMALL = "small", _("Small enterprise")
    MICRO = "micro", _("Micro enterprise")


class SupplierProfile(models.Model):
    """The public profile of a supplier organisation. Its credit code lives on the organisation."""

    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="supplier_profile"
    )
    contact_name = models.CharField(_("contact person"), max_length=40)
    # Personal data: SM4-encrypted at rest, shown masked to other organisations (see core.personal).
    contact_phone = EncryptedCharField(_("contact phone"), max_length=20)
    contact_email = EncryptedEmailField(_("contact e-mail"), blank=True)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    qualifications = models.TextField(_("qualifications"), max_length=2000, blank=True)
    website = models.URLField(_("website"), blank=True)
    introduction = models.TextField(_("introduction"), max_length=4000)
    sectors = models.ManyToManyField(
        "reference.Sector", verbose_name=_("sectors"), blank=True, related_name="supplier_profiles"
    )
    fields = models.ManyToManyField(
        "reference.Field", verbose_name=_("fields"), blank=True, related_name="supplier_profiles"
    )
    # The office checks the organisation's papers; the badge is shown on every public page.
    verified = models.BooleanField(_("verified"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("supplier profile")
        verbose_name_plural = _("supplier profiles")
        ordering = ["-verified", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verified=False) | Q(verified_at__isnull=False), name="matching_verified_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.organisation.name


class Maturity(models.TextChoices):
    PROTOTYPE = "prototype", _("Prototype")
    PILOT = "pilot", _("Piloted")
    MATURE = "mature", _("Mature product")


class DeploymentMode(models.TextChoices):
    ON_PREM = "on_prem", _("On premises")
    CLOUD = "cloud", _("Cloud")
    EDGE = "edge", _("Edge")


class Solution(models.Model):
    supplier = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="solutions"
    )
    title = models.CharField(_("solution title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000)
    sector = models.ForeignKey("reference.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+")
    fields = models.ManyToManyField("reference.Field", verbose_name=_("fields"), blank=True, related_name="solutions")
    capabilities = models.TextField(
        _("capabilities"), max_length=2000, blank=True, help_text=_("Separated by commas or new lines.")
    )
    maturity = models.CharField(_("maturity"), max_length=10, choices=Maturity.choices)
    # Three flags rather than a list column: filterable and portable across SQLite and PostgreSQL.
    deploy_on_prem = models.BooleanField(_("on premises"), default=False)
    deploy_cloud = models.BooleanField(_("cloud"), default=False)
    deploy_edge = models.BooleanField(_("edge"), default=False)
    reference_cases = models.TextField(_("reference cases"), max_length=4000, blank=True)
    published = models.BooleanField(_("published"), default=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["supplier", "published"], name="match_solution_supplier_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def capability_list(self) -> list[str]:
        raw = self.capabilities.replace("，", ",").replace("、", ",").replace("\n", ",")
        return [part.strip() for part in raw.split(",") if part.strip()]

    @property
    def deployment_modes(self) -> list[str]:
        flags = {DeploymentMode.ON_PREM: self.deploy_on_prem, DeploymentMode.CLOUD: self.deploy_cloud,
                 DeploymentMode.EDGE: self.deploy_edge}
        return [str(mode) for mode, on in flags.items() if on]


def _upload_path(instance, filename: str) -> str:
    # The stored name is random: the user's file name is kept in a column, never trusted as a path.
    return f"matching/{instance.UPLOAD_DIR}/{uuid.uuid4().hex}"


class AttachmentBase(models.Model):
    file = models.FileField(_("file"), upload_to=_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SolutionAttachment(AttachmentBase):
    UPLOAD_DIR = "solutions"
    solution = models.ForeignKey(Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="attachments")

    class Meta(AttachmentBase.Meta):
        verbose_name = _("solution attachment")
        verbose_name_plural = _("solution attachments")


# ---------------------------------------------------------------------------------------------- applications


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    """A supplier's proposal for one released scenario, alone or as the lead of a consortium."""

    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="applications"
    )
    supplier = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="applications"
    )
    members = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("consortium members"), blank=True,
        related_name="consortium_applications",
    )
    solution = models.ForeignKey(
        Solution, verbose_name=_("proposed solution"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="applications",
    )
    proposal = models.TextField(_("proposal"), max_length=8000)
    team = models.TextField(_("team"), max_length=2000, blank=True)
    schedule = models.TextField(_("schedule"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED, db_index=True
    )
    decision_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["created_at", "id"]
        constraints = [
            # Withdrawn applications stay as history; any other one is the supplier's active application.
            models.UniqueConstraint(
                fields=["scenario", "supplier"], condition=~Q(status="withdrawn"), name="matching_one_active_application"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""), name="matching_decline_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["scenario", "status"], name="match_app_scenario_status_idx")]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.scenario}"

    @property
    def is_decided(self) -> bool:
        return self.status in (ApplicationStatus.SHORTLISTED, ApplicationStatus.DECLINED)


class ApplicationAttachment(AttachmentBase):
    UPLOAD_DIR = "applications"
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(AttachmentBase.Meta):
        verbose_name = _("application attachment")
        verbose_name_plural = _("application attachments")


class ApplicationTransition(models.Model):
    """The history row of one application step (submit, shortlist, decline, withdraw)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=20, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("application transition")
        verbose_name_plural = _("application transitions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status or '-'} → {self.to_status}"


# ---------------------------------------------------------------------------------------------- review


class Criterion(models.Model):
    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("name"), max_length=40)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=25, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "name"], name="matching_criterion_unique_name"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="matching_criterion_weight_range"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class ReviewerInvitation(models.Model):
    """A membership invited by the scenario owner to score the scenario's applicants."""

    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="reviewer_invitations"
    )
    reviewer = models.ForeignKey(
        "accounts.Membership", verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="review_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        verbose_name = _("reviewer invitation")
        verbose_name_plural = _("reviewer invitations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "reviewer"], name="matching_invitation_unique_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} @ {self.scenario_id}"


class Score(models.Model):
    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(
        "accounts.Membership", verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(SCORE_MAX)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion", "reviewer"], name="matching_score_unique"),
            models.CheckConstraint(condition=Q(value__lte=SCORE_MAX), name="matching_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.criterion_id}: {self.value}"


# ---------------------------------------------------------------------------------------------- talks, Q&A


class TalkOutcome(models.TextChoices):
    PENDING = "pending", _("Not yet held")
    FOLLOW_UP = "follow_up", _("Follow-up talks")
    AGREEMENT_INTENDED = "agreement_intended", _("Intends to sign an agreement")
    NO_AGREEMENT = "no_agreement", _("No agreement")


class Talk(models.Model):
    """对接洽谈: a meeting between the scenario owner and a shortlisted applicant."""

    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="talks")
    scheduled_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online meeting link"), blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), blank=True, related_name="matching_talks"
    )
    participants_note = models.CharField(_("other participants"), max_length=300, blank=True)
    minutes = models.TextField(_("minutes"), max_length=8000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=TalkOutcome.choices, default=TalkOutcome.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["scheduled_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_link=""), name="matching_talk_has_place_or_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} @ {self.scheduled_at:%Y-%m-%d %H:%M}"


class Question(models.Model):
    """A supplier's question on a scenario. The answer is shown to every applicant; the asker only to the owner."""

    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="questions"
    )
    asker_organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("asked by (organisation)"), on_delete=models.CASCADE, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("question"), max_length=2000)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["scenario", "answered_at"], name="match_question_scenario_idx")]

    def __str__(self) -> str:
        return self.text[:40]


# ---------------------------------------------------------------------------------------------- notifications


class Verb(models.TextChoices):
    """Every kind of in-app notification, whichever app sends it: the inbox, the API and the e-mail subject
    show the label. `notify` refuses a kind that is not listed here."""

    APPLICATION_NEW = "application_new", _("New application")
    APPLICATION_SHORTLISTED = "application_shortlisted", _("Application shortlisted")
    APPLICATION_DECLINED = "application_declined", _("Application declined")
    APPLICATION_WITHDRAWN = "application_withdrawn", _("Application withdrawn")
    REVIEW_INVITED = "review_invited", _("Invited to review")
    TALK_SCHEDULED = "talk_scheduled", _("Talk scheduled")
    QUESTION_ASKED = "question_asked", _("New question")
    QUESTION_ANSWERED = "question_answered", _("Question answered")
    SCENARIO_CLOSING = "scenario_closing", _("Scenario about to close")
    UNDECIDED = "undecided", _("Applications awaiting a decision")
    SUPPLIER_VERIFIED = "supplier_verified", _("Supplier verified")
    DIGEST = "digest", _("New matching scenarios")
    # Sent by the tracking app (cooperations from agreement to benchmark case).
    COOPERATION_AGREED = "cooperation_agreed", _("Cooperation agreed")
    # Context: tracking translates the bare msgid as its start-date field, and this catalogue would win.
    COOPERATION_STARTED = "cooperation_started", pgettext_lazy("notification", "Implementation started")
    COOPERATION_REPORT = "cooperation_report", _("Progress report")
    COOPERATION_FOLLOWUP = "cooperation_followup", _("Follow-up comment")
    COOPERATION_PILOTED = "cooperation_piloted", _("Pilot accepted")
    COOPERATION_TERMINATED = "cooperation_terminated", _("Cooperation terminated")
    COOPERATION_BENCHMARK = "cooperation_benchmark", _("Designated a benchmark case")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(_("notification type"), max_length=30, choices=Verb.choices)
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(_("link"), max_length=300, blank=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="match_notif_recipient_idx")]

    def __str__(self) -> str:
        return self.text


class ReminderKind(models.TextChoices):
    UNDECIDED = "undecided", _("Deadline passed without a decision")
    CLOSING = "closing", _("Scenario about to close")


class ReminderSent(models.Model):
    """Bookkeeping of the reminder commands: one reminder of a kind per scenario and recipient, ever."""

    kind = models.CharField(_("reminder kind"), max_length=20, choices=ReminderKind.choices)
    scenario = models.ForeignKey("scenarios.Scenario", verbose_name=_("scenario"), on_delete=models.CASCADE,
                                 related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="+")
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["kind", "scenario", "recipient"], name="matching_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.scenario_id} → {self.recipient_id}"


# ---------------------------------------------------------------------------------------------- subscriptions


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily digest")


class Subscription(models.Model):
    """A supplier user's standing search. Empty criteria match everything; filled ones must all match."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="matching_subscriptions"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    sectors = models.ManyToManyField("reference.Sector", verbose_name=_("sectors"), blank=True, related_name="+")
    fields = models.ManyToManyField("reference.Field", verbose_name=_("fields"), blank=True, related_name="+")
    regions = models.ManyToManyField("reference.Region", verbose_name=_("regions"), blank=True, related_name="+")
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True, help_text=_("Separated by spaces or commas; any one may match.")
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    active = models.BooleanField(_("active"), default=True)
    # The local date of the last daily digest: a daily subscription gets at most one per local day.
    last_digest_on = models.DateField(_("last digest"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        raw = self.keywords.replace("，", " ").replace(",", " ").replace("、", " ")
        return [k for k in raw.split() if k][:10]


class DigestDelivery(models.Model):
    """One scenario sent to one subscription. The unique pair is what makes `send_digests` send it once."""

    subscription = models.ForeignKey(Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE,
                                     related_name="deliveries")
    scenario = models.ForeignKey("scenarios.Scenario", verbose_name=_("scenario"), on_delete=models.CASCADE,
                                 related_name="+")
    delivered_at = models.DateTimeField(_("delivered"))

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "scenario"], name="matching_digest_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} ← {self.scenario_id}"
