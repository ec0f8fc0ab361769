"""The project's URLs plus CKAN's unversioned action path (/api/action/), which ckanapi uses
by default: the line a deployment adds to opengov/urls.py to serve it."""

from django.urls import include, path

from opengov.urls import urlpatterns as project_patterns

urlpatterns = [
    path("api/action/", include(("opengov.open_data.ckan_urls", "ckan"), namespace="ckan-legacy")),
    *project_patterns,
]
