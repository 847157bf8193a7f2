"""Recurring jobs: send_digests, remind_undecided, remind_closing. Each is safe to run twice."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from scenariohub.conftest import as_actor
from scenariohub.matching import services
from scenariohub.matching.models import (
    DigestDelivery,
    Frequency,
    Notification,
    ReminderSent,
    Subscription,
    Verb,
)
from scenariohub.matching.tests.factories import released_scenario
from scenariohub.scenarios.models import Status

pytestmark = pytest.mark.django_db


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def subscribe(supplier, **data) -> Subscription:
    return services.subscription_create(actor=as_actor(supplier), data={"name": "视觉", **data})


# ---------------------------------------------------------------------------------------------- digests


def test_digest_sends_each_scenario_once_across_two_runs(provider, supplier, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    subscription = subscribe(supplier, frequency=Frequency.IMMEDIATE, fields=["machine-vision"])
    wanted = [released_scenario(provider.organisation, title=f"视觉检测场景{i}") for i in range(3)]
    released_scenario(provider.organisation, field_id="industrial-brain", title="不相关场景")

    with django_capture_on_commit_callbacks(execute=True):
        first = run("send_digests")
    assert first.strip().splitlines() == ["send_digests: 1 digests with 3 scenarios (1 active subscriptions checked)"]
    assert set(DigestDelivery.objects.values_list("scenario_id", flat=True)) == {s.pk for s in wanted}
    assert len(mailoutbox) == 1 and "视觉检测场景0" in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        second = run("send_digests")
    assert "0 digests with 0 scenarios" in second
    assert DigestDelivery.objects.count() == 3
    assert Notification.objects.filter(recipient=supplier.user, verb=Verb.DIGEST).count() == 1
    assert len(mailoutbox) == 1

    # A scenario released later goes out on the next run, alone.
    newer = released_scenario(provider.organisation, title="视觉检测场景新")
    assert "1 digests with 1 scenarios" in run("send_digests")
    assert DigestDelivery.objects.filter(subscription=subscription, scenario=newer).count() == 1


def test_daily_digest_goes_out_once_per_local_day(provider, supplier):
    subscription = subscribe(supplier, frequency=Frequency.DAILY)
    released_scenario(provider.organisation)
    now = timezone.now()
    assert services.digest_send_one(subscription_id=subscription.pk, now=now) == 1
    released_scenario(provider.organisation)
    assert services.digest_send_one(subscription_id=subscription.pk, now=now) == 0  # same day: wait
    tomorrow = now + dt.timedelta(days=1)
    assert services.digest_send_one(subscription_id=subscription.pk, now=tomorrow) == 1
    assert DigestDelivery.objects.filter(subscription=subscription).count() == 2
    subscription.refresh_from_db()
    assert subscription.last_digest_on == timezone.localdate(tomorrow)


def test_digest_criteria(provider, other_provider, supplier):
    by_keyword = subscribe(supplier, name="关键词", frequency=Frequency.IMMEDIATE, keywords="光伏，巡检")
    by_region = subscribe(supplier, name="绵阳", frequency=Frequency.IMMEDIATE, regions=["510700"])
    solar = released_scenario(other_provider.organisation, title="光伏板缺陷识别")  # in Mianyang
    released_scenario(provider.organisation, title="产线质检")  # Chengdu, no keyword
    released_scenario(provider.organisation, title="光伏电站巡检", status=Status.DRAFT)  # not released
    released_scenario(provider.organisation, title="过期光伏", days_left=-1)  # closed
    run("send_digests")
    assert list(DigestDelivery.objects.filter(subscription=by_keyword).values_list("scenario_id", flat=True)) == [
        solar.pk]
    assert list(DigestDelivery.objects.filter(subscription=by_region).values_list("scenario_id", flat=True)) == [
        solar.pk]


def test_scenarios_released_before_the_subscription_are_not_sent(provider, supplier):
    released_scenario(provider.organisation, published_at=timezone.now() - dt.timedelta(days=3))
    subscribe(supplier, frequency=Frequency.IMMEDIATE)
    assert "0 digests" in run("send_digests")


def test_paused_subscription_and_departed_subscriber_get_nothing(provider, supplier):
    paused = subscribe(supplier, frequency=Frequency.IMMEDIATE, active=False)
    gone = subscribe(supplier, name="离职", frequency=Frequency.IMMEDIATE)
    released_scenario(provider.organisation)
    supplier.delete()  # the membership ends; the subscription row stays until cleaned up
    run("send_digests")
    assert not DigestDelivery.objects.filter(subscription__in=[paused, gone]).exists()


def test_send_digests_has_help():
    from scenariohub.matching.management.commands.send_digests import Command

    assert "twice" in Command.help


# ---------------------------------------------------------------------------------------------- reminders


def test_remind_undecided_reminds_the_owner_once(provider, supplier, supplier2):
    past = released_scenario(provider.organisation, days_left=5)
    a = services.application_create(actor=as_actor(supplier), scenario_id=past.pk, data={"proposal": "方案"})
    services.application_create(actor=as_actor(supplier2), scenario_id=past.pk, data={"proposal": "方案"})
    services.application_shortlist(actor=as_actor(provider), application_id=a.pk)
    type(past).objects.filter(pk=past.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    decided = released_scenario(provider.organisation, days_left=5)
    b = services.application_create(actor=as_actor(supplier), scenario_id=decided.pk, data={"proposal": "方案"})
    services.application_shortlist(actor=as_actor(provider), application_id=b.pk)
    type(decided).objects.filter(pk=decided.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))

    assert run("remind_undecided").strip() == "remind_undecided: 1 reminders sent"
    assert run("remind_undecided").strip() == "remind_undecided: 0 reminders sent"
    reminder = Notification.objects.get(verb=Verb.UNDECIDED)
    assert reminder.recipient == provider.user and past.title in reminder.text
    assert ReminderSent.objects.count() == 1


def test_remind_closing_goes_to_applicants_once(provider, supplier, supplier2):
    soon = released_scenario(provider.organisation, days_left=2)
    later = released_scenario(provider.organisation, days_left=20)
    services.application_create(actor=as_actor(supplier), scenario_id=soon.pk, data={"proposal": "方案"})
    services.application_create(actor=as_actor(supplier2), scenario_id=later.pk, data={"proposal": "方案"})
    assert "1 reminders" in run("remind_closing", "--days", "3")
    assert "0 reminders" in run("remind_closing", "--days", "3")
    closing = Notification.objects.filter(verb=Verb.SCENARIO_CLOSING)
    assert list(closing.values_list("recipient_id", flat=True)) == [supplier.user_id]
