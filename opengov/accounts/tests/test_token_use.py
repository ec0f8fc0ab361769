"""Bearer tokens on the hot path: the person loaded by one query, "last used" kept in the
cache (when it is shared) and written to the row by the periodic task or when the owner looks."""

from __future__ import annotations

import datetime as dt

import pytest

from opengov.accounts import services
from opengov.accounts.auth import user_for_token
from opengov.accounts.models import ApiToken, User
from opengov.accounts.tasks import api_token_use_flush

pytestmark = pytest.mark.django_db


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def key(citizen):
    _token, key = services.token_create(actor=citizen, name="script")
    return key


@pytest.fixture
def in_cache(settings):
    settings.OPENGOV_API_TOKEN_USE_IN_CACHE = True


def test_the_person_is_loaded_whole(citizen, key):
    user = user_for_token(key)
    assert user.pk == citizen.pk
    assert user.verification_level == citizen.verification_level == "email+phone"
    assert user.email == citizen.email and user.display_name == citizen.display_name
    assert user.date_joined == citizen.date_joined
    assert user.email_verified_at == citizen.email_verified_at
    assert user.is_active is True and user.is_moderator is False and user.closed_at is None
    assert user.public_id == citizen.public_id


def test_unknown_revoked_and_closed_are_refused(client, citizen, key):
    assert user_for_token(key + "x") is None
    User.objects.filter(pk=citizen.pk).update(is_active=False)
    assert user_for_token(key) is None
    User.objects.filter(pk=citizen.pk).update(is_active=True, closed_at=citizen.date_joined)
    assert user_for_token(key) is None


def test_direct_write_at_most_once_a_minute(client, citizen, key, clock):
    assert client.get("/api/v1/accounts/me", **bearer(key)).status_code == 200
    first = ApiToken.objects.get(user=citizen).last_used_at
    assert first is not None
    clock.advance(seconds=30)
    client.get("/api/v1/accounts/me", **bearer(key))
    assert ApiToken.objects.get(user=citizen).last_used_at == first
    clock.advance(seconds=31)
    client.get("/api/v1/accounts/me", **bearer(key))
    assert ApiToken.objects.get(user=citizen).last_used_at > first


def test_cached_use_is_shown_to_the_owner(client, citizen, key, in_cache):
    assert client.get("/api/v1/accounts/me", **bearer(key)).status_code == 200
    assert ApiToken.objects.get(user=citizen).last_used_at is None  # no write on the request
    listing = client.get("/api/v1/accounts/tokens", **bearer(key)).json()
    assert listing["items"][0]["last_used_at"] is not None
    assert ApiToken.objects.get(user=citizen).last_used_at is not None


def test_periodic_task_writes_cached_uses_and_never_goes_back(
    client, citizen, key, in_cache, clock
):
    client.get("/api/v1/accounts/me", **bearer(key))
    assert api_token_use_flush.delay().get() == 1
    written = ApiToken.objects.get(user=citizen).last_used_at
    assert written is not None
    assert api_token_use_flush() == 0  # idempotent
    ApiToken.objects.filter(user=citizen).update(last_used_at=written + dt.timedelta(hours=1))
    assert api_token_use_flush() == 0
    assert ApiToken.objects.get(user=citizen).last_used_at == written + dt.timedelta(hours=1)


def test_revocation_takes_effect_on_the_next_request(client, citizen, key, in_cache):
    assert client.get("/api/v1/accounts/me", **bearer(key)).status_code == 200
    services.token_revoke(actor=citizen, token=ApiToken.objects.get(user=citizen))
    assert client.get("/api/v1/accounts/me", **bearer(key)).status_code == 401
    # the last use before the revocation still reaches the row
    assert api_token_use_flush() == 1
    assert ApiToken.objects.get(user=citizen).last_used_at is not None


@pytest.fixture
def redis_cache(settings):
    """The production cache: a real Redis (skipped where none is running, but for CI)."""
    import os
    import uuid

    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4()}",
        }
    }
    settings.OPENGOV_API_TOKEN_USE_IN_CACHE = None  # decided by the backend: shared


def test_with_redis_no_write_on_the_request_and_the_owner_sees_it(
    client, citizen, key, redis_cache
):
    from opengov.accounts.auth import use_kept_in_cache

    assert use_kept_in_cache()
    assert client.get("/api/v1/accounts/me", **bearer(key)).status_code == 200
    assert ApiToken.objects.get(user=citizen).last_used_at is None
    listing = client.get("/api/v1/accounts/tokens", **bearer(key)).json()
    shown = dt.datetime.fromisoformat(listing["items"][0]["last_used_at"])
    written = ApiToken.objects.get(user=citizen).last_used_at
    assert abs(written - shown) < dt.timedelta(milliseconds=1)  # the API shows milliseconds
    assert api_token_use_flush() == 0


def test_with_redis_uses_are_gathered_and_sent_in_one_pipeline(
    client, citizen, key, redis_cache, monkeypatch
):
    from opengov.accounts import auth

    monkeypatch.setattr(auth, "USE_SEND_EVERY_SECONDS", 3600)  # no timer during the test
    auth._send_uses()  # whatever an earlier test left unsent
    assert client.get("/api/v1/accounts/me", **bearer(key)).status_code == 200
    assert client.get("/api/v1/accounts/me", **bearer(key)).status_code == 200
    token = ApiToken.objects.get(user=citizen)
    redis_key = auth.cache.make_key(auth._use_key(token.public_id))
    assert auth._raw_redis().get(redis_key) is None  # not sent on the request
    assert auth._send_uses() == 1  # both uses of the one token, as one value
    assert auth._raw_redis().get(redis_key) is not None
    assert auth._send_uses() == 0
