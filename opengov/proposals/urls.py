"""Pages of proposals."""

from django.urls import path

from . import feeds, views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.proposal_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("similar/", views.similar, name="similar"),
    path("review/", views.review_queue, name="review_queue"),
    path("watch/", views.watch, name="watch"),
    path("watch/<slug:code>/", views.watch_agency, name="watch_agency"),
    path("operator/bursts/", views.bursts, name="bursts"),
    path("feeds/new/", feeds.NewProposals(), name="feed_new"),
    path("feeds/passed/", feeds.PassedProposals(), name="feed_passed"),
    path("feeds/answered/", feeds.AnsweredProposals(), name="feed_answered"),
    path("<str:public_id>/", views.proposal_detail, name="detail"),
    path("<str:public_id>/edit/", views.proposal_edit, name="edit"),
    path(
        "<str:public_id>/attachments/<str:attachment_id>/",
        views.attachment_file,
        name="attachment",
    ),
    path("<str:public_id>/review/", views.review, name="review"),
    path("<str:public_id>/cosign/", views.cosign, name="cosign"),
    path("<str:public_id>/follow/", views.follow, name="follow"),
    path("<str:public_id>/respond/", views.respond, name="respond"),
    path("<str:public_id>/agencies/", views.agencies_change, name="agencies"),
    path("<str:public_id>/extend/", views.extend, name="extend"),
    path("<str:public_id>/meeting/", views.meeting_call, name="meeting_call"),
    path("<str:public_id>/meeting/seat/", views.meeting_seat, name="meeting_seat"),
    path("<str:public_id>/feedback/", views.feedback_new, name="feedback"),
    path("<str:public_id>/comments/", views.comment_new, name="comment_new"),
    path(
        "<str:public_id>/comments/<str:comment_id>/edit/", views.comment_edit, name="comment_edit"
    ),
    path(
        "<str:public_id>/comments/<str:comment_id>/report/",
        views.comment_report,
        name="comment_report",
    ),
    path(
        "<str:public_id>/comments/<str:comment_id>/hide/", views.comment_hide, name="comment_hide"
    ),
]
