"""Overdue milestones with a frozen clock: the live selector, the daily command (once per milestone,
safe to run twice) and the flags on the city's list."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from scenariohub.conftest import as_actor
from scenariohub.core.models import AuditLog
from scenariohub.matching.models import Notification
from scenariohub.tracking import selectors, services
from scenariohub.tracking.models import Milestone

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def at(day: str, hour: int = 8) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), TZ)


@pytest.fixture
def plan(provider, implementing):
    actor = as_actor(provider)
    data = [("数据采集", "2026-04-30"), ("模型训练", "2026-05-31"), ("上线部署", "2026-06-30")]
    return [
        services.milestone_add(
            actor=actor, cooperation_id=implementing.pk, data={"title": t, "planned_on": d}
        )
        for t, d in data
    ]


def test_overdue_is_computed_live_from_the_planned_date(plan, provider):
    services.milestone_complete(
        actor=as_actor(provider), milestone_id=plan[0].pk, done_on="2026-04-29", now=at("2026-05-01")
    )
    assert list(selectors.milestones_overdue(today=dt.date(2026, 5, 31))) == []  # due today is not late
    assert [m.title for m in selectors.milestones_overdue(today=dt.date(2026, 6, 1))] == ["模型训练"]
    assert [m.title for m in selectors.milestones_overdue(today=dt.date(2026, 7, 1))] == [
        "模型训练",
        "上线部署",
    ]


def test_command_flags_once_and_reminds_owner_and_city(plan, provider, chengdu_city, capsys):
    call_command("flag_overdue_milestones", "--today", "2026-06-01")
    out = capsys.readouterr().out
    assert out.strip() == "flag_overdue_milestones: 2 milestones flagged overdue as of 2026-06-01"
    flagged = set(Milestone.objects.filter(overdue_flagged_at__isnull=False).values_list("title", flat=True))
    assert flagged == {"数据采集", "模型训练"}
    reminders = Notification.objects.filter(verb=services.VERB_OVERDUE)
    assert set(reminders.values_list("recipient_id", flat=True)) == {provider.user_id, chengdu_city.user_id}
    assert reminders.count() == 4  # two milestones, two people, once each
    assert any("模型训练" in n.text for n in reminders)

    call_command("flag_overdue_milestones", "--today", "2026-06-01")  # the same day again: nothing new
    assert "0 milestones" in capsys.readouterr().out
    assert Notification.objects.filter(verb=services.VERB_OVERDUE).count() == 4
    assert AuditLog.objects.filter(action="milestone.flag_overdue").count() == 2

    call_command("flag_overdue_milestones", "--today", "2026-07-01")  # the last one falls due
    assert "1 milestones" in capsys.readouterr().out
    assert Notification.objects.filter(verb=services.VERB_OVERDUE).count() == 6


def test_done_and_ended_cooperations_are_not_flagged(plan, provider, chengdu_city):
    services.milestone_complete(
        actor=as_actor(provider), milestone_id=plan[1].pk, done_on="2026-05-30", now=at("2026-05-30")
    )
    services.cooperation_terminate(
        actor=as_actor(chengdu_city),
        cooperation_id=plan[0].cooperation_id,
        reason="合作终止",
        now=at("2026-05-30"),
    )
    assert services.milestones_flag_overdue(now=at("2026-08-01")) == 0
    assert not Notification.objects.filter(verb=services.VERB_OVERDUE).exists()


def test_city_list_flags_overdue_cooperations(plan, chengdu_city, mianyang_city):
    rows = list(selectors.cooperation_list_for_actor(actor=as_actor(chengdu_city), today=dt.date(2026, 6, 1)))
    assert [r.has_overdue for r in rows] == [True]
    rows = list(
        selectors.cooperation_list_for_actor(actor=as_actor(chengdu_city), today=dt.date(2026, 4, 30))
    )
    assert [r.has_overdue for r in rows] == [False]
    assert list(selectors.cooperation_list_for_actor(actor=as_actor(mianyang_city))) == []


def test_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("flag_overdue_milestones", "--today", "2026-13-01")
