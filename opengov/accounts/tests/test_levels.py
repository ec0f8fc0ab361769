"""Verification levels: what each level allows, and the view decorator that declares one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import RequestFactory

from opengov.accounts.models import User, VerificationLevel
from opengov.accounts.permissions import level_required, require_level
from opengov.core.errors import ServiceError
from opengov.core.jurisdiction import jurisdiction

pytestmark = pytest.mark.django_db


@level_required(lambda: jurisdiction().proposals.required_level)
def needs_proposal_level(request):
    return HttpResponse("ok")


def call(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user or AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    return needs_proposal_level(request)


def test_levels_in_order(citizen, unverified):
    assert unverified.verification_level == VerificationLevel.NONE
    assert citizen.verification_level == VerificationLevel.EMAIL_PHONE
    User.objects.filter(pk=citizen.pk).update(certificate_verified_at=citizen.email_verified_at)
    citizen.refresh_from_db()
    assert citizen.has_level("certificate") and citizen.has_level("email+phone")
    assert not unverified.has_level("email")


def test_decorator_follows_the_profile(citizen, unverified, profile):
    assert call(None).status_code == 302
    assert "/accounts/login/" in call(None)["Location"]
    assert call(citizen).content == b"ok"
    response = call(unverified)
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    profile(proposals={"required_level": "certificate"})
    assert call(citizen)["Location"] == "/accounts/profile/"


def test_email_only_person_and_the_uk_profile(unverified, settings):
    User.objects.filter(pk=unverified.pk).update(email_verified_at="2026-01-01T00:00:00+08:00")
    person = User.objects.get(pk=unverified.pk)
    assert call(person).status_code == 302
    settings.OPENGOV_JURISDICTION = "uk"  # UK petitions need e-mail only
    assert call(person).content == b"ok"


def test_require_level_names_the_level(unverified):
    with pytest.raises(ServiceError) as err:
        require_level(unverified, "email+phone")
    assert err.value.code == "verification_required"
    with pytest.raises(ServiceError) as err:
        require_level(AnonymousUser(), "email")
    assert err.value.status == 401
