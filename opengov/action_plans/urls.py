"""Pages of action_plans, under /action-plans/."""

from django.urls import path

from . import views

app_name = "action_plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="plan_new"),
    path("commitments/<str:public_id>/", views.commitment_detail, name="commitment"),
    path("commitments/<str:public_id>/edit/", views.commitment_edit, name="commitment_edit"),
    path("commitments/<str:public_id>/assess/", views.commitment_assess, name="assess"),
    path("commitments/<str:public_id>/follow-up/", views.commitment_follow_up, name="follow_up"),
    path(
        "commitments/<str:public_id>/open-for-comment/",
        views.commitment_open_for_comment,
        name="open_for_comment",
    ),
    path("commitments/<str:public_id>/milestones/new/", views.milestone_new, name="milestone_new"),
    path("milestones/<str:public_id>/report/", views.milestone_report, name="milestone_report"),
    path("milestones/<str:public_id>/edit/", views.milestone_edit, name="milestone_edit"),
    path("updates/<str:public_id>/comment/", views.update_comment, name="update_comment"),
    path("evidence/<str:public_id>/", views.evidence_file, name="evidence"),
    path("<slug:slug>/", views.plan_detail, name="plan"),
    path("<slug:slug>/report/", views.plan_report, name="report"),
    path("<slug:slug>/edit/", views.plan_edit, name="plan_edit"),
    path("<slug:slug>/commitments/new/", views.commitment_new, name="commitment_new"),
    path("<slug:slug>/task-force/", views.task_force_page, name="task_force"),
    path(
        "<slug:slug>/task-force/<str:user_id>/remove/",
        views.task_force_remove,
        name="task_force_remove",
    ),
]
