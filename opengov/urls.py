"""URL map: pages per app, the JSON API under /api/v1/, admin, health check."""

from django.contrib import admin
from django.urls import include, path, re_path

from opengov.api import not_found as api_not_found
from opengov.api import urls_by_router as api_urls
from opengov.core import audit_views
from opengov.core import views as core_views
from opengov.core.metrics import metrics_view

urlpatterns = [
    # first: the API takes the most requests per second (co-signatures, votes, counts)
    path("api/v1/", api_urls()),
    re_path(r"^api/v1/(?P<rest>.*)$", api_not_found),
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("rules/", core_views.rules, name="rules"),
    path("activity/", core_views.public_activity, name="activity"),
    path("worklist/", core_views.worklist, name="worklist"),
    path("audit/checkpoint", audit_views.checkpoint, name="audit-checkpoint"),
    path("audit/checkpoints/", audit_views.checkpoints, name="audit-checkpoints"),
    path("audit/key", audit_views.key, name="audit-key"),
    path("audit/proof/inclusion", audit_views.inclusion_proof, name="audit-inclusion-proof"),
    path("audit/proof/consistency", audit_views.consistency_proof, name="audit-consistency-proof"),
    path("operator/outbox/", core_views.outbox, name="outbox"),
    path("operator/outbox/<int:pk>/retry/", core_views.outbox_retry, name="outbox_retry"),
    path("i18n/setlang/", core_views.language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/3/action/", include("opengov.open_data.ckan_urls")),
    # ckanapi's default (unversioned) path, which CKAN serves too.
    path("api/action/", include(("opengov.open_data.ckan_urls", "ckan"), namespace="ckan-legacy")),
    path("accounts/", include("opengov.accounts.urls")),
    path("proposals/", include("opengov.proposals.urls")),
    path("consultations/", include("opengov.consultations.urls")),
    path("action-plans/", include("opengov.action_plans.urls")),
    path("registry/", include("opengov.registry.urls")),
    path("ownership/", include("opengov.ownership.urls")),
    path("procurement/", include("opengov.procurement.urls")),
    path("donations/", include("opengov.donations.urls")),
    path("opinions/", include("opengov.opinions.urls")),
    path("referendums/", include("opengov.referendums.urls")),
    path("spaces/", include("opengov.spaces.urls")),
    path("data/", include("opengov.open_data.urls")),
    path("admin/", admin.site.urls),
]

# No route serves MEDIA_ROOT: uploads are sent by their apps' views after a permission check
# (opengov/core/files.py).

handler404 = "opengov.core.views.not_found"
