"""Notifications for each event, their e-mail copies (on commit), and the notification centre."""

import pytest
from django.urls import reverse

from scenariohub.conftest import as_actor, client_for
from scenariohub.matching import services, tasks
from scenariohub.matching.models import Application, Notification, Verb

pytestmark = pytest.mark.django_db

PROPOSAL = {"proposal": "试点方案。"}


def _apply(supplier, scenario) -> Application:
    return services.application_create(actor=as_actor(supplier), scenario_id=scenario.pk, data=PROPOSAL)


def test_new_application_notifies_the_owner_in_app_and_by_mail(scenario, provider, supplier, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(supplier).post(reverse("matching:application-create", args=[scenario.pk]), PROPOSAL)
    assert response.status_code == 302
    note = Notification.objects.get(recipient=provider.user, verb=Verb.APPLICATION_NEW)
    assert supplier.organisation.name in note.text and scenario.title in note.text
    assert note.link == reverse("matching:application-detail", args=[Application.objects.get().pk])
    assert note.emailed_at is not None
    assert [m.to for m in mailoutbox] == [[provider.user.email]]
    assert scenario.title in mailoutbox[0].body
    # The supplier itself is told nothing about its own application.
    assert not Notification.objects.filter(recipient=supplier.user).exists()


def test_no_mail_when_the_transaction_rolls_back(scenario, provider, supplier, mailoutbox,
                                                 django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _apply(supplier, scenario)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == [] and mailoutbox == []
    assert not Notification.objects.exists()


def test_e_mail_task_is_safe_to_run_twice(scenario, provider, supplier, mailoutbox):
    _apply(supplier, scenario)  # on_commit callbacks are not run: the task is called by hand
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert tasks.notification_send_emails(notification_ids=ids) == 1
    assert tasks.notification_send_emails(notification_ids=ids) == 0
    assert len(mailoutbox) == 1


def test_shortlist_and_decline_notify_the_supplier(scenario, provider, supplier, supplier2):
    a, b = _apply(supplier, scenario), _apply(supplier2, scenario)
    services.application_shortlist(actor=as_actor(provider), application_id=a.pk)
    services.application_decline(actor=as_actor(provider), application_id=b.pk, reason="预算不符")
    assert Notification.objects.filter(recipient=supplier.user, verb=Verb.APPLICATION_SHORTLISTED).count() == 1
    declined = Notification.objects.get(recipient=supplier2.user, verb=Verb.APPLICATION_DECLINED)
    assert "预算不符" in declined.text


def test_withdrawal_notifies_the_owner(scenario, provider, supplier):
    a = _apply(supplier, scenario)
    services.application_withdraw(actor=as_actor(supplier), application_id=a.pk)
    assert Notification.objects.filter(recipient=provider.user, verb=Verb.APPLICATION_WITHDRAWN).exists()


def test_talk_scheduled_notifies_the_participants(scenario, provider, supplier, provider_colleague):
    a = _apply(supplier, scenario)
    services.application_shortlist(actor=as_actor(provider), application_id=a.pk)
    talk = services.talk_schedule(actor=as_actor(provider), application_id=a.pk, data={
        "scheduled_at": "2030-05-06T09:30", "place": "成都市高新区天府五街 200 号",
        "participants": [provider.user_id, supplier.user_id, provider_colleague.user_id],
    })
    recipients = set(Notification.objects.filter(verb=Verb.TALK_SCHEDULED).values_list("recipient_id", flat=True))
    assert recipients == {supplier.user_id, provider_colleague.user_id}  # not the one who scheduled it
    assert set(talk.participants.values_list("pk", flat=True)) == {provider.user_id, supplier.user_id,
                                                                   provider_colleague.user_id}
    text = Notification.objects.filter(verb=Verb.TALK_SCHEDULED).first().text
    assert "2030-05-06 09:30" in text


def test_talk_needs_a_shortlisted_applicant_and_a_place_or_link(scenario, provider, supplier, supplier2):
    from scenariohub.core.errors import InvalidTransition, ValidationFailed

    a = _apply(supplier, scenario)
    with pytest.raises(InvalidTransition):
        services.talk_schedule(actor=as_actor(provider), application_id=a.pk,
                               data={"scheduled_at": "2030-05-06T09:30", "place": "会议室"})
    services.application_shortlist(actor=as_actor(provider), application_id=a.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.talk_schedule(actor=as_actor(provider), application_id=a.pk,
                               data={"scheduled_at": "2030-05-06T09:30", "participants": [supplier2.user_id]})
    assert {"place", "participants"} <= set(exc.value.details)


def test_talk_pages(scenario, provider, supplier):
    a = _apply(supplier, scenario)
    services.application_shortlist(actor=as_actor(provider), application_id=a.pk)
    owner = client_for(provider)
    response = owner.post(reverse("matching:talk-create", args=[a.pk]), {
        "scheduled_at": "2030-05-06T09:30", "online_link": "https://meet.example.cn/abc"})
    assert response.status_code == 302
    talk = a.talks.get()
    assert owner.post(reverse("matching:talk-detail", args=[talk.pk]),
                      {"outcome": "follow_up", "minutes": "双方同意二次洽谈。"}).status_code == 302
    talk.refresh_from_db()
    assert talk.outcome == "follow_up" and talk.minutes == "双方同意二次洽谈。"
    supplier_view = client_for(supplier).get(reverse("matching:talk-detail", args=[talk.pk]))
    assert supplier_view.status_code == 200 and "双方同意二次洽谈" in supplier_view.content.decode()
    # The supplier reads the record but cannot write it.
    client_for(supplier).post(reverse("matching:talk-detail", args=[talk.pk]), {"outcome": "no_agreement"})
    talk.refresh_from_db()
    assert talk.outcome == "follow_up"
    assert client_for(supplier).get(reverse("matching:talk-list")).status_code == 200


def test_question_answered_notifies_the_asker_and_shows_to_applicants_without_identity(
    scenario, provider, supplier, supplier2, supplier3
):
    _apply(supplier2, scenario)  # an applicant
    question = services.question_ask(actor=as_actor(supplier), scenario_id=scenario.pk, text="是否支持国产 GPU？")
    assert Notification.objects.filter(recipient=provider.user, verb=Verb.QUESTION_ASKED).exists()
    page = reverse("matching:scenario-matching", args=[scenario.pk])

    # Before the answer: the asker sees its question; another applicant does not.
    assert "是否支持国产 GPU" in client_for(supplier).get(page).content.decode()
    assert "是否支持国产 GPU" not in client_for(supplier2).get(page).content.decode()

    response = client_for(provider).post(reverse("matching:question-answer", args=[question.pk]),
                                         {"answer": "支持，需提供适配证明。"})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=supplier.user, verb=Verb.QUESTION_ANSWERED).count() == 1

    applicant_view = client_for(supplier2).get(page).content.decode()
    assert "是否支持国产 GPU" in applicant_view and "支持，需提供适配证明" in applicant_view
    assert supplier.organisation.name not in applicant_view
    # The owner sees who asked; a supplier that has not applied does not see others' questions.
    assert supplier.organisation.name in client_for(provider).get(page).content.decode()
    assert "是否支持国产 GPU" not in client_for(supplier3).get(page).content.decode()


def test_only_the_owner_answers(scenario, supplier, supplier2):
    from scenariohub.core.errors import NotFound, PermissionDenied

    question = services.question_ask(actor=as_actor(supplier), scenario_id=scenario.pk, text="交付周期？")
    with pytest.raises(PermissionDenied):
        services.question_answer(actor=as_actor(supplier), question_id=question.pk, answer="自问自答")
    with pytest.raises(NotFound):
        services.question_answer(actor=as_actor(supplier2), question_id=question.pk, answer="越权")


def test_verification_notifies_the_supplier(supplier, profile, office):
    supplier.organisation.credit_code = "91350100M000100Y43"
    supplier.organisation.save()
    services.supplier_verify(actor=as_actor(office), organisation_id=supplier.organisation_id)
    assert Notification.objects.filter(recipient=supplier.user, verb=Verb.SUPPLIER_VERIFIED).exists()


def test_reviewer_invitation_notifies_the_reviewer(scenario, provider, chengdu_city):
    services.reviewer_invite(actor=as_actor(provider), scenario_id=scenario.pk, membership_id=chengdu_city.pk)
    assert Notification.objects.filter(recipient=chengdu_city.user, verb=Verb.REVIEW_INVITED).exists()


# ---------------------------------------------------------------------------------------------- centre


def test_notification_centre_lists_and_marks_read(scenario, provider, supplier, supplier2):
    _apply(supplier, scenario)
    _apply(supplier2, scenario)
    owner = client_for(provider)
    response = owner.get(reverse("matching:notification-list"))
    assert response.status_code == 200 and response.context["unread_count"] == 2
    first = Notification.objects.filter(recipient=provider.user).first()
    assert owner.post(reverse("matching:notification-read", args=[first.pk])).status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    owner.post(reverse("matching:notification-read-all"))
    assert not Notification.objects.filter(recipient=provider.user, read_at__isnull=True).exists()


def test_nobody_marks_anothers_notification(scenario, provider, supplier):
    _apply(supplier, scenario)
    note = Notification.objects.get(recipient=provider.user)
    assert client_for(supplier).post(reverse("matching:notification-read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_notification_pages_need_a_login(anon_client):
    assert anon_client.get(reverse("matching:notification-list")).status_code == 302

