"""Every notification kind has a label: the inbox, the API and the e-mail subject show it, never a raw code.

`notify` (matching.services.notifications) is the one place notifications are created, and it refuses a kind
that is not a member of matching's `Verb`; these tests keep it that way."""

import ast
from pathlib import Path

import pytest

from scenariohub.conftest import client_for
from scenariohub.matching import tasks
from scenariohub.matching.models import Notification, Verb
from scenariohub.matching.services.notifications import notify
from scenariohub.tracking import services

pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parents[2]
NOTIFY_MODULE = PACKAGE / "matching" / "services" / "notifications.py"


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_notify_refuses_a_kind_that_is_not_a_verb(provider):
    with pytest.raises(ValueError, match="cooperation_signed"):
        notify(recipients=[provider.user], verb="cooperation_signed", message="x")
    assert not Notification.objects.exists()


def test_notifications_are_created_only_by_notify():
    """A Notification(...) built anywhere else would skip the check on its kind."""
    offenders = []
    for path, tree in _sources():
        if path == NOTIFY_MODULE:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "Notification":
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            if (isinstance(func, ast.Attribute) and func.attr in {"create", "bulk_create", "get_or_create"}
                    and isinstance(func.value, ast.Attribute) and func.value.attr == "objects"
                    and isinstance(func.value.value, ast.Name) and func.value.value.id == "Notification"):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_every_notify_call_names_its_kind_by_a_verb_member_or_a_constant_bound_to_one():
    """Static check of the kinds, for the code paths no test happens to run."""
    unresolved = []
    for path, tree in _sources():
        constants = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "notify"):
                continue
            verb = next((k.value for k in node.keywords if k.arg == "verb"), None)
            if isinstance(verb, ast.Name) and verb.id in constants:
                verb = constants[verb.id]
            if isinstance(verb, ast.Attribute) and isinstance(verb.value, ast.Name) and verb.value.id == "Verb":
                assert verb.attr in Verb.__members__, f"{path.relative_to(PACKAGE)}:{node.lineno}"
                continue
            if isinstance(verb, ast.Name) and path.name in {"applications.py", "reminders.py"}:
                continue  # matching's own helpers pass a `verb` parameter through; their callers are checked
            unresolved.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert unresolved == []


def test_tracking_kinds_are_verb_members():
    kinds = {name: value for name, value in vars(services).items() if name.startswith("VERB_")}
    assert len(kinds) == 8
    assert all(isinstance(value, Verb) for value in kinds.values()), kinds


def test_inbox_api_and_email_show_the_label_of_a_tracking_notification(supplier, agreed, mailoutbox):
    notification = Notification.objects.get(recipient=supplier.user, verb=Verb.COOPERATION_AGREED)
    client = client_for(supplier)

    page = client.get("/matching/notifications/").content.decode()
    assert "合作已达成" in page and "cooperation_agreed" not in page

    items = client.get("/api/v1/notifications").json()["items"]
    item = next(i for i in items if i["id"] == notification.pk)
    assert (item["verb"], item["verb_name"]) == ("cooperation_agreed", "合作已达成")

    # The e-mail goes once, as before (the fixture's on_commit callbacks did not run: the task is called by
    # hand; personas have no address until given one), now with the label in its subject.
    supplier.user.email = "liaison@shuzhi.example.cn"
    supplier.user.save(update_fields=["email"])
    assert tasks.notification_send_emails(notification_ids=[notification.pk]) == 1
    assert [(m.to, m.subject) for m in mailoutbox] == [([supplier.user.email], "[场景通] 合作已达成")]
