"""The project's URLs plus /cached/… copies of the consultation and article pages, served
from the cache (Django's per-view cache) as the benchmark's reference."""

from django.urls import path
from django.views.decorators.cache import cache_page

from opengov.consultations import views
from opengov.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path(
        "cached/consultations/<uuid:public_id>/",
        cache_page(3600)(views.consultation_detail),
    ),
    path(
        "cached/consultations/<uuid:public_id>/articles/<int:position>/",
        cache_page(3600)(views.article_detail),
    ),
    *project_urlpatterns,
]
