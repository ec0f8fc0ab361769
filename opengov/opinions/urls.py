"""Pages of opinion mapping."""

from django.urls import path

from . import views

app_name = "opinions"
urlpatterns = [
    path("moderation/", views.moderation, name="moderation"),
    path("new/<uuid:consultation_id>/", views.conversation_new, name="new"),
    path("statements/<uuid:statement_id>/moderate/", views.statement_moderate, name="moderate"),
    path("<uuid:public_id>/", views.map_page, name="map"),
    path("<uuid:public_id>/vote/", views.vote_page, name="vote"),
    path("<uuid:public_id>/statements/new/", views.statement_new, name="statement_new"),
    path("<uuid:public_id>/seed/", views.seed_new, name="seed_new"),
    path("<uuid:public_id>/close/", views.conversation_close, name="close"),
    path(
        "<uuid:public_id>/consensus/<int:number>/respond/",
        views.consensus_respond,
        name="respond",
    ),
    path(
        "<uuid:public_id>/participants/<str:pseudonym>/ban/",
        views.participant_ban,
        name="ban",
    ),
]
