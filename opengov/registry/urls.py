"""Pages of the registry."""

from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("organisations/<str:public_id>/", views.organisation_page, name="organisation"),
    path("people/<str:public_id>/", views.person_page, name="person"),
    path("imports/", views.imports, name="imports"),
    path("imports/<str:public_id>/", views.import_page, name="import"),
    path("review/", views.review_queue, name="review"),
    path("review/<str:public_id>/", views.review_decide, name="decide"),
]
