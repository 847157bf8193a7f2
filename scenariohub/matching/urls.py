"""URLs of the matching app, under /matching/. Names are `matching:<entity>-<action>`."""

from django.urls import path

from scenariohub.matching.views import applications, inbox, public, review, workspace

app_name = "matching"
urlpatterns = [
    # Public directory and catalogue
    path("suppliers/", public.supplier_list, name="supplier-list"),
    path("suppliers/<int:pk>/", public.supplier_detail, name="supplier-detail"),
    path("suppliers/<int:pk>/verify/", public.supplier_verify, name="supplier-verify"),
    path("solutions/", public.solution_list, name="solution-list"),
    path("solutions/<int:pk>/", public.solution_detail, name="solution-detail"),
    path("solutions/<int:pk>/attachments/<int:attachment_id>/", public.solution_attachment_download,
         name="solution-attachment-download"),
    # Workspace
    path("", workspace.workspace, name="workspace"),
    path("profile/", workspace.profile_edit, name="profile-edit"),
    path("solutions/new/", workspace.solution_create, name="solution-create"),
    path("solutions/<int:pk>/edit/", workspace.solution_update, name="solution-update"),
    path("solution-attachments/<int:pk>/delete/", workspace.solution_attachment_delete,
         name="solution-attachment-delete"),
    # A scenario's matching: its page, applying, the applicants side by side, criteria, reviewers, Q&A
    path("scenarios/<int:scenario_id>/", review.scenario_matching, name="scenario-matching"),
    path("scenarios/<int:scenario_id>/apply/", applications.application_create, name="application-create"),
    path("scenarios/<int:scenario_id>/applications/", review.scenario_applications, name="scenario-applications"),
    path("scenarios/<int:scenario_id>/criteria/", review.scenario_criteria, name="scenario-criteria"),
    path("scenarios/<int:scenario_id>/reviewers/", review.scenario_reviewers, name="scenario-reviewers"),
    path("reviewers/<int:pk>/remove/", review.reviewer_remove, name="reviewer-remove"),
    path("scenarios/<int:scenario_id>/questions/", review.question_create, name="question-create"),
    path("questions/<int:pk>/answer/", review.question_answer, name="question-answer"),
    # Applications
    path("applications/", applications.application_list, name="application-list"),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
    path("applications/<int:pk>/shortlist/", applications.application_shortlist, name="application-shortlist"),
    path("applications/<int:pk>/decline/", applications.application_decline, name="application-decline"),
    path("applications/<int:pk>/withdraw/", applications.application_withdraw, name="application-withdraw"),
    path("applications/<int:pk>/score/", applications.application_score, name="application-score"),
    path("applications/<int:pk>/attachments/<int:attachment_id>/", applications.application_attachment_download,
         name="application-attachment-download"),
    # Talks
    path("applications/<int:application_id>/talks/new/", review.talk_create, name="talk-create"),
    path("talks/", review.talk_list, name="talk-list"),
    path("talks/<int:pk>/", review.talk_detail, name="talk-detail"),
    # Notifications and subscriptions
    path("notifications/", inbox.notification_list, name="notification-list"),
    path("notifications/<int:pk>/read/", inbox.notification_read, name="notification-read"),
    path("notifications/read-all/", inbox.notification_read_all, name="notification-read-all"),
    path("subscriptions/", inbox.subscription_list, name="subscription-list"),
    path("subscriptions/new/", inbox.subscription_create, name="subscription-create"),
    path("subscriptions/<int:pk>/", inbox.subscription_detail, name="subscription-detail"),
    path("subscriptions/<int:pk>/edit/", inbox.subscription_update, name="subscription-update"),
    path("subscriptions/<int:pk>/delete/", inbox.subscription_delete, name="subscription-delete"),
]
