"""Writes of the matching app. Every service takes `actor=`, checks access itself, runs in a transaction,
writes an audit record and queues its side effects (notifications' e-mails) on commit."""

from scenariohub.matching.services.applications import (
    application_create,
    application_decline,
    application_shortlist,
    application_step,
    application_withdraw,
)
from scenariohub.matching.services.notifications import notification_mark_read, notify
from scenariohub.matching.services.reminders import remind_closing, remind_undecided
from scenariohub.matching.services.review import (
    criteria_ensure_defaults,
    criteria_replace,
    question_answer,
    question_ask,
    reviewer_invite,
    reviewer_remove,
    score_save,
    talk_record,
    talk_schedule,
)
from scenariohub.matching.services.subscriptions import (
    DigestSummary,
    digest_send_all,
    digest_send_one,
    subscription_create,
    subscription_delete,
    subscription_update,
)
from scenariohub.matching.services.suppliers import (
    solution_attachment_delete,
    solution_create,
    solution_update,
    supplier_profile_save,
    supplier_verify,
)

__all__ = [
    "DigestSummary",
    "application_create",
    "application_decline",
    "application_shortlist",
    "application_step",
    "application_withdraw",
    "criteria_ensure_defaults",
    "criteria_replace",
    "digest_send_all",
    "digest_send_one",
    "notification_mark_read",
    "notify",
    "question_answer",
    "question_ask",
    "remind_closing",
    "remind_undecided",
    "reviewer_invite",
    "reviewer_remove",
    "score_save",
    "solution_attachment_delete",
    "solution_create",
    "solution_update",
    "subscription_create",
    "subscription_delete",
    "subscription_update",
    "supplier_profile_save",
    "supplier_verify",
    "talk_record",
    "talk_schedule",
]
