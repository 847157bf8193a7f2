"""In-app notifications and their e-mail copies.

Texts are written in the platform's default language (Chinese) whatever the language of the request
that caused them: the recipient did not choose the requester's language. E-mails are queued with
`transaction.on_commit`, so a rolled-back change never mails anyone.
"""

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from scenariohub.accounts.actors import Actor
from scenariohub.accounts.models import User
from scenariohub.core.errors import NotFound
from scenariohub.matching.models import Notification, Verb

TEXT_MAX = 500


def notify(*, recipients: Iterable[User], verb: str, message, params: dict | None = None, link: str = "",
           obj=None, exclude: User | None = None) -> list[Notification]:
    """Create one notification per recipient (each user once) and queue the e-mails on commit.

    `message` is a lazy translatable string with %(name)s placeholders filled from `params`. `verb` must be a
    member of `Verb`: an unlisted kind would reach the inbox and the e-mail subject as a raw code.
    """
    if verb not in Verb.values:
        raise ValueError(f"unknown notification kind {verb!r}: add it to matching.models.Verb")
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        users.append(user)
    if not users:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message) % (params or {})
    if len(text) > TEXT_MAX:
        text = text[: TEXT_MAX - 1] + "…"
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    rows = Notification.objects.bulk_create(
        [Notification(recipient=u, verb=verb, text=text, link=link, object_type=object_type, object_id=object_id)
         for u in users]
    )
    ids = [n.pk for n in rows if n.pk is not None]
    if not ids:  # databases that do not return primary keys from bulk inserts
        ids = list(Notification.objects.filter(recipient__in=users, verb=verb, text=text, emailed_at__isnull=True)
                   .values_list("pk", flat=True))
    from scenariohub.matching import tasks

    transaction.on_commit(partial(tasks.notification_send_emails, notification_ids=ids))
    return rows


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification_id: int | None = None) -> int:
    """Mark one notification (or, without an id, all of them) of the acting user as read."""
    if actor.user is None:
        raise NotFound(_("Notification not found."))
    qs = Notification.objects.filter(recipient=actor.user, read_at__isnull=True)
    if notification_id is not None:
        if not Notification.objects.filter(pk=notification_id, recipient=actor.user).exists():
            raise NotFound(_("Notification not found."))
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
