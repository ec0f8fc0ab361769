"""Pages of beneficial ownership."""

from django.urls import path

from . import views

app_name = "ownership"
urlpatterns = [
    path("", views.entity_list, name="list"),
    path("import/", views.import_page, name="import"),
    path("entities/new/", views.entity_new, name="entity_new"),
    path("entities/<str:public_id>/", views.entity_page, name="entity"),
    path("entities/<str:public_id>/register/", views.entity_register, name="register"),
    path("entities/<str:public_id>/declare/", views.declare, name="declare"),
    path(
        "entities/<str:public_id>/representatives/",
        views.representative_add,
        name="representative",
    ),
    path("ownership-bods.json", views.download_bods, name="bods"),
    path("ownership-ftm.jsonl", views.download_ftm, name="ftm"),
    path("register-bods.json", views.download_register, name="register_bods"),
]
