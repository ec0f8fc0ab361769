"""Pages of consultations."""

from django.urls import path

from . import views
from .feeds import OpenConsultationsFeed

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("feed.atom", OpenConsultationsFeed(), name="feed"),
    path("new/", views.consultation_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("moderation/", views.moderation, name="moderation"),
    path("<uuid:public_id>/", views.consultation_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.consultation_edit, name="edit"),
    path("<uuid:public_id>/translations/", views.consultation_translate, name="translate"),
    path("<uuid:public_id>/publish/", views.consultation_publish, name="publish"),
    path("<uuid:public_id>/import/", views.articles_import, name="import"),
    path("<uuid:public_id>/attachments/new/", views.attachment_new, name="attachment_new"),
    path(
        "<uuid:public_id>/attachments/<uuid:attachment_id>/",
        views.attachment_file,
        name="attachment",
    ),
    path("<uuid:public_id>/articles/new/", views.article_new, name="article_new"),
    path("<uuid:public_id>/articles/<int:position>/", views.article_detail, name="article"),
    path("<uuid:public_id>/articles/<int:position>/edit/", views.article_edit, name="article_edit"),
    path(
        "<uuid:public_id>/articles/<int:position>/final/",
        views.article_final,
        name="article_final",
    ),
    path(
        "<uuid:public_id>/comments/<uuid:comment_id>/edit/",
        views.comment_edit,
        name="comment_edit",
    ),
    path(
        "<uuid:public_id>/comments/<uuid:comment_id>/report/",
        views.comment_report,
        name="comment_report",
    ),
    path(
        "<uuid:public_id>/comments/<uuid:comment_id>/hide/",
        views.comment_hide,
        name="comment_hide",
    ),
    path("<uuid:public_id>/handle/", views.handle, name="handle"),
    path(
        "<uuid:public_id>/responses/<uuid:response_id>/",
        views.response_edit,
        name="response_edit",
    ),
    path("<uuid:public_id>/report/", views.report, name="report"),
    path("<uuid:public_id>/comments.csv", views.comments_csv, name="comments_csv"),
    path("<uuid:public_id>/consultation.json", views.consultation_json, name="json"),
]
