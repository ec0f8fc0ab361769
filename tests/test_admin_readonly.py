"""The admin cannot write around the services: every ModelAdmin is read-only unless it is on
the explicit list of admins whose saves go through the app's services (and so are audited)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

import opengov.urls  # noqa: F401  (admin.autodiscover has run once the URLs are loaded)
from opengov.core.models import AuditEvent

pytestmark = pytest.mark.django_db

#: Admins whose `save_model` (and actions) call the app's services. Adding one here needs
#: its saves to go through a service that writes the audit event.
WRITES_THROUGH_SERVICES = {
    "accounts.Agency",  # agency_create / agency_update
    "accounts.Membership",  # membership_grant / membership_update / membership_end
    "accounts.User",  # user_set_roles / user_close
    "action_plans.PolicyArea",  # policy_area_save
}


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _writable(model_admin, request) -> list[str]:
    found = []
    if model_admin.has_add_permission(request):
        found.append("add")
    if model_admin.has_change_permission(request):
        found.append("change")
    if model_admin.has_delete_permission(request):
        found.append("delete")
    for inline in model_admin.get_inline_instances(request):
        if inline.has_add_permission(request, None) or inline.has_delete_permission(request):
            found.append(f"inline {type(inline).__name__}")
        if inline.has_change_permission(request):
            found.append(f"inline {type(inline).__name__}")
    return found


def test_every_admin_is_read_only_or_writes_through_services(admin_user):
    request = _request(admin_user)
    assert admin.site._registry, "no admin registered"
    offenders = {}
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        writable = _writable(model_admin, request)
        if label in WRITES_THROUGH_SERVICES:
            assert "save_model" in type(model_admin).__dict__, label
            assert not model_admin.has_delete_permission(request), label
            continue
        if writable:
            offenders[label] = writable
        actions = set(model_admin.get_actions(request))
        if actions:
            offenders[label] = [*offenders.get(label, []), *sorted(actions)]
    assert offenders == {}


def test_listed_admins_exist():
    labels = {m._meta.label for m in admin.site._registry}
    assert labels >= WRITES_THROUGH_SERVICES


def test_superuser_reads_but_cannot_change_a_proposal(client_for, admin_user, agency):
    from opengov.accounts.tests.factories import UserFactory
    from opengov.proposals import services
    from opengov.proposals.models import Proposal

    proposal = services.proposal_create(
        actor=UserFactory(),
        title="原本的提案標題",
        content="內容",
        benefits="效益",
        agencies=[agency.code],
        tags=[],
        evidence_links=[],
        submit=True,
    )
    client = client_for(admin_user)
    events = AuditEvent.objects.count()
    changelist = reverse("admin:proposals_proposal_changelist")
    change = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    assert client.get(changelist).status_code == 200
    page = client.get(change)
    assert page.status_code == 200 and "原本的提案標題" in page.content.decode()
    client.post(change, {"title": "改過的標題", "status": "responded"})
    client.post(reverse("admin:proposals_proposal_delete", args=[proposal.pk]), {"post": "yes"})
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [proposal.pk], "post": "yes"}
    )
    proposal.refresh_from_db()
    assert proposal.title == "原本的提案標題" and proposal.status != "responded"
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    assert AuditEvent.objects.count() == events
