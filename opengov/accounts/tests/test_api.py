"""The accounts API: /me, /me/data, /tokens, and bearer-token authentication."""

from __future__ import annotations

import pytest
from django.test import Client

from opengov.accounts import services
from opengov.accounts.models import ApiToken, User
from opengov.accounts.tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def key(citizen):
    _token, key = services.token_create(actor=citizen, name="腳本")
    return key


def test_me_needs_authentication(client):
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_me_with_a_bearer_token(client, citizen, key):
    response = client.get("/api/v1/accounts/me", **bearer(key))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == citizen.email
    assert body["verification_level"] == "email+phone"
    assert body["public_id"] == str(citizen.public_id)
    assert ApiToken.objects.get(user=citizen).last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Basic abc", "Bearer " + "x" * 5000])
def test_bad_tokens_are_refused(client, citizen, key, header):
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_revoked_token_stops_working(client, citizen, key):
    token = ApiToken.objects.get(user=citizen)
    services.token_revoke(actor=citizen, token=token)
    assert client.get("/api/v1/accounts/me", **bearer(key)).status_code == 401


def test_closed_account_token_stops_working(client, citizen, key):
    services.user_close(actor=citizen, user=citizen, password=DEMO_PASSWORD)
    assert client.get("/api/v1/accounts/me", **bearer(key)).status_code == 401


def test_patch_me(client, citizen, key):
    response = client.patch(
        "/api/v1/accounts/me",
        {"display_name": "<b>阿明</b>", "notify_by_email": False},
        content_type="application/json",
        **bearer(key),
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "<b>阿明</b>"
    citizen.refresh_from_db()
    assert citizen.display_name == "<b>阿明</b>" and citizen.notify_by_email is False


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"display_name": "名" * 51}, 422, "display_name"),
        ({"display_name": ""}, 422, "display_name"),
        ({"display_name": "x" * 1000}, 422, "display_name"),
        ({"preferred_language": "klingon"}, 422, "preferred_language"),
        ({"notify_by_email": "perhaps"}, 422, "notify_by_email"),
    ],
)
def test_patch_me_bad_input(client, citizen, key, payload, status, field):
    before = citizen.display_name
    response = client.patch(
        "/api/v1/accounts/me", payload, content_type="application/json", **bearer(key)
    )
    assert response.status_code == status
    assert response.json()["error"]["field"] == field
    citizen.refresh_from_db()
    assert citizen.display_name == before


def test_patch_me_with_a_session_needs_csrf(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.patch(
        "/api/v1/accounts/me", {"display_name": "csrf"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    citizen.refresh_from_db()
    assert citizen.display_name != "csrf"


def test_me_data(client, citizen, key):
    response = client.get("/api/v1/accounts/me/data", **bearer(key))
    assert response.status_code == 200
    body = response.json()
    assert body["account"]["email"] == citizen.email
    assert body["api_tokens"][0]["name"] == "腳本"
    assert "key_hash" not in str(body)


def test_tokens_list_create_revoke(client, citizen, key):
    response = client.post(
        "/api/v1/accounts/tokens",
        {"name": "second"},
        content_type="application/json",
        **bearer(key),
    )
    assert response.status_code == 201
    new_key = response.json()["key"]
    assert client.get("/api/v1/accounts/me", **bearer(new_key)).status_code == 200
    listing = client.get("/api/v1/accounts/tokens?page_size=1", **bearer(key)).json()
    assert listing["count"] == 2 and len(listing["items"]) == 1
    assert listing["items"][0]["name"] == "second"  # newest first
    assert "key" not in listing["items"][0]
    public_id = response.json()["public_id"]
    response = client.delete(f"/api/v1/accounts/tokens/{public_id}", **bearer(key))
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert client.get("/api/v1/accounts/me", **bearer(new_key)).status_code == 401


@pytest.mark.parametrize("bad", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_revoking_unknown_token(client, key, bad):
    response = client.delete(f"/api/v1/accounts/tokens/{bad}", **bearer(key))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "status"), [("", 422), ("x" * 101, 422), ("x" * 201, 422)])
def test_bad_token_names(client, citizen, key, name, status):
    response = client.post(
        "/api/v1/accounts/tokens", {"name": name}, content_type="application/json", **bearer(key)
    )
    assert response.status_code == status
    assert response.json()["error"]["field"] == "name"
    assert ApiToken.objects.filter(user=citizen).count() == 1


def test_token_limit_from_the_profile(client, citizen, key, profile):
    profile(accounts={"max_api_tokens": 2})
    assert (
        client.post(
            "/api/v1/accounts/tokens", {"name": "2"}, content_type="application/json", **bearer(key)
        ).status_code
        == 201
    )
    response = client.post(
        "/api/v1/accounts/tokens", {"name": "3"}, content_type="application/json", **bearer(key)
    )
    assert response.status_code == 409
    assert ApiToken.objects.filter(user=citizen).count() == 2


def test_inactive_user_token_refused(client, citizen, key):
    User.objects.filter(pk=citizen.pk).update(is_active=False)
    assert client.get("/api/v1/accounts/me", **bearer(key)).status_code == 401
