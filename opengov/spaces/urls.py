"""Pages of participation spaces, places and the regional revitalisation board."""

from django.urls import path

from . import views

app_name = "spaces"
urlpatterns = [
    path("", views.space_list, name="list"),
    path("places/", views.place_list, name="places"),
    path("places/<str:code>/", views.place_detail, name="place"),
    path("statement/", views.statement, name="statement"),
    path("revitalisation/", views.board, name="board"),
    path("revitalisation/new/", views.project_new, name="project_new"),
    path("revitalisation/<uuid:public_id>/", views.project_detail, name="project"),
    path("revitalisation/<uuid:public_id>/offers/", views.offer_new, name="offer_new"),
    path(
        "revitalisation/<uuid:public_id>/offers/<uuid:offer_id>/decide/",
        views.offer_decide,
        name="offer_decide",
    ),
    path("revitalisation/<uuid:public_id>/milestones/", views.milestone_new, name="milestone_new"),
    path(
        "revitalisation/<uuid:public_id>/milestones/<int:milestone_id>/progress/",
        views.progress_new,
        name="progress_new",
    ),
    path("<slug:slug>/", views.space_detail, name="detail"),
    path("<slug:slug>/propose/", views.space_propose, name="propose"),
    path("<slug:slug>/manage/", views.space_manage, name="manage"),
]
