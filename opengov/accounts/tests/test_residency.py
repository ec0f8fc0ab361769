"""A person states their nationality on the profile (page and API); it is in their data."""

from __future__ import annotations

import pytest

from opengov.accounts import services
from opengov.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_profile_page_records_the_statement(client, citizen):
    client.force_login(citizen)
    page = client.get("/accounts/profile/").content.decode()
    assert 'name="residency"' in page
    response = client.post(
        "/accounts/profile/",
        {"display_name": citizen.display_name, "residency": "foreign_resident"},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.residency == "foreign_resident"
    assert "residency" in AuditEvent.objects.filter(verb="user.updated").last().changes["fields"]


def test_unknown_answer_is_refused_and_nothing_changes(client, citizen):
    _token, key = services.token_create(actor=citizen, name="script")
    response = client.patch(
        "/api/v1/accounts/me",
        {"residency": "martian"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "residency"
    citizen.refresh_from_db()
    assert citizen.residency == "national"


def test_api_and_data_download_show_it(client, citizen):
    _token, key = services.token_create(actor=citizen, name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.patch(
        "/api/v1/accounts/me", {"residency": ""}, content_type="application/json", **auth
    )
    assert response.status_code == 200 and response.json()["residency"] == ""
    data = client.get("/api/v1/accounts/me/data", **auth).json()
    assert data["account"]["residency"] == ""


def test_registration_may_state_it(client):
    from opengov.accounts.models import User

    response = client.post(
        "/accounts/register/",
        {
            "email": "new@example.org",
            "display_name": "新住民小美",
            "residency": "foreign_resident",
            "password": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="new@example.org").residency == "foreign_resident"
