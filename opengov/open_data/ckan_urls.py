"""The CKAN-compatible Action API, mounted at /api/3/action/."""

from django.urls import path

from . import ckan

app_name = "ckan"
urlpatterns = [path("<str:name>", ckan.action, name="action")]
