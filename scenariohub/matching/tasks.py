"""Background work of the matching app. Tasks take ids, reload rows and are safe to run twice.

They run inline (queued with `transaction.on_commit` by the services) until the project has a task
queue; each is then a one-line change to `.delay(...)`.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation

from scenariohub.matching.models import Notification

logger = logging.getLogger(__name__)


def _absolute(link: str) -> str:
    base = getattr(settings, "SCENARIOHUB_SITE_URL", "").rstrip("/")
    return f"{base}{link}" if link else ""


def notification_send_emails(*, notification_ids: list[int]) -> int:
    """E-mail each notification once to its recipient (when they have an address); returns how many went."""
    sent = 0
    rows = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related("recipient")
    for notification in rows:
        address = notification.recipient.email
        if not address:
            continue
        # Claim the row first: a second run (or a concurrent one) finds it taken and sends nothing.
        if Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        ) != 1:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = f"[{translation.gettext('ScenarioHub')}] {notification.get_verb_display()}"
        body = notification.text
        link = _absolute(notification.link)
        if link:
            body += f"\n\n{link}"
        try:
            send_mail(subject, body, None, [address])
        except OSError:
            # The in-app notification stands; a failed e-mail is logged, not retried (at most once).
            logger.exception("could not e-mail notification %s", notification.pk)
            continue
        sent += 1
    return sent
