"""URL map: pages per app, the JSON API under /api/v1/, admin, health check."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from opengov.api import api
from opengov.core import audit_views
from opengov.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("rules/", core_views.rules, name="rules"),
    path("activity/", core_views.public_activity, name="activity"),
    path("audit/checkpoint", audit_views.checkpoint, name="audit-checkpoint"),
    path("audit/checkpoints/", audit_views.checkpoints, name="audit-checkpoints"),
    path("audit/key", audit_views.key, name="audit-key"),
    path("audit/proof/inclusion", audit_views.inclusion_proof, name="audit-inclusion-proof"),
    path("audit/proof/consistency", audit_views.consistency_proof, name="audit-consistency-proof"),
    path("operator/outbox/", core_views.outbox, name="outbox"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/3/action/", include("opengov.open_data.ckan_urls")),
    # ckanapi's default (unversioned) path, which CKAN serves too.
    path("api/action/", include(("opengov.open_data.ckan_urls", "ckan"), namespace="ckan-legacy")),
    path("accounts/", include("opengov.accounts.urls")),
    path("proposals/", include("opengov.proposals.urls")),
    path("consultations/", include("opengov.consultations.urls")),
    path("action-plans/", include("opengov.action_plans.urls")),
    path("referendums/", include("opengov.referendums.urls")),
    path("data/", include("opengov.open_data.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "opengov.core.views.not_found"
