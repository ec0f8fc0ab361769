"""Pages of procurement."""

from django.urls import path

from . import views

app_name = "procurement"
urlpatterns = [
    path("", views.process_list, name="list"),
    path("processes/<str:ocid>/", views.process_page, name="process"),
    path("processes/<str:ocid>/record.json", views.record_json, name="record"),
    path(
        "processes/<str:ocid>/releases/<str:release_id>.json",
        views.release_json,
        name="release",
    ),
    path("buyers/<str:key>/", views.buyer_page, name="buyer"),
    path("suppliers/<str:key>/", views.supplier_page, name="supplier"),
    path("flags/", views.flag_list, name="flags"),
    path("flags/refresh/", views.flags_refresh, name="flags_refresh"),
    path("imports/", views.imports, name="imports"),
    path("imports/<str:public_id>/", views.import_page, name="import"),
    path("notices/", views.notice_import, name="notices"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<slug:slug>/", views.project_page, name="project"),
    path(
        "projects/<slug:slug>/documents/<str:public_id>/",
        views.project_document,
        name="project_document",
    ),
    path("releases.json", views.download_releases, name="release_package"),
    path("records.json", views.download_records, name="record_package"),
    path("contracts.csv", views.download_contracts_csv, name="contracts_csv"),
]
