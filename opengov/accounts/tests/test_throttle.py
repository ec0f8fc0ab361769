"""Sign-in throttling: a growing wait, then a lock, reported with the time it ends."""

from __future__ import annotations

import pytest

from opengov.accounts import services, throttle
from opengov.accounts.tests.factories import DEMO_PASSWORD
from opengov.core.errors import RateLimited, ServiceError

pytestmark = pytest.mark.django_db


class FakeRequest:
    def __init__(self, address="203.0.113.7"):
        self.META = {"REMOTE_ADDR": address}
        self.session = None


def attempt(user, password="wrong-password", address="203.0.113.7"):
    return services.sign_in(request=FakeRequest(address), email=user.email, password=password)


def test_right_password_signs_in(citizen):
    assert attempt(citizen, DEMO_PASSWORD) == citizen


def test_each_failure_makes_the_wait_longer(citizen, clock):
    with pytest.raises(ServiceError) as err:
        attempt(citizen)
    assert err.value.code == "bad_credentials"
    # one failure: the next try must wait 1 s
    with pytest.raises(RateLimited) as wait:
        attempt(citizen, DEMO_PASSWORD)
    assert wait.value.retry_after == 1
    clock.advance(seconds=1)
    with pytest.raises(ServiceError):
        attempt(citizen)
    with pytest.raises(RateLimited) as wait:
        attempt(citizen)
    assert wait.value.retry_after == 2
    clock.advance(seconds=2)
    with pytest.raises(ServiceError):
        attempt(citizen)
    with pytest.raises(RateLimited) as wait:
        attempt(citizen)
    assert wait.value.retry_after == 4


def test_locks_after_the_limit_and_says_until_when(citizen, clock, settings):
    clock.set(2026, 3, 2, 9, 0)
    for _ in range(5):
        with pytest.raises(ServiceError) as err:
            attempt(citizen)
        assert err.value.code == "bad_credentials"
        clock.advance(seconds=60)
    # locked for 15 minutes from the fifth failure (09:04 + 15 min = 09:19)
    with pytest.raises(RateLimited) as locked:
        attempt(citizen, DEMO_PASSWORD)
    assert "09:19" in str(locked.value.message)
    assert throttle.locked_until(account=citizen.email) is not None
    clock.advance(minutes=13)  # 09:18
    with pytest.raises(RateLimited):
        attempt(citizen, DEMO_PASSWORD)
    clock.advance(minutes=1)
    assert attempt(citizen, DEMO_PASSWORD) == citizen


def test_lock_message_in_english_and_chinese(citizen, clock):
    from django.utils import translation

    clock.set(2026, 3, 2, 9, 0)
    for _ in range(5):
        with pytest.raises(ServiceError):
            attempt(citizen)
        clock.advance(seconds=60)
    with translation.override("en"), pytest.raises(RateLimited) as en:
        attempt(citizen)
    with translation.override("zh-hant"), pytest.raises(RateLimited) as zh:
        attempt(citizen)
    assert "locked until" in str(en.value.message)
    assert "2026年3月2日" in str(zh.value.message)


def test_limits_come_from_settings(citizen, settings, clock):
    settings.OPENGOV_RATE_LIMITS = {
        **settings.OPENGOV_RATE_LIMITS,
        "login": {"per_account": 2, "window_seconds": 900, "lock_seconds": 60},
    }
    for _ in range(2):
        with pytest.raises(ServiceError):
            attempt(citizen)
        clock.advance(seconds=10)
    with pytest.raises(RateLimited) as locked:
        attempt(citizen, DEMO_PASSWORD)
    assert locked.value.retry_after == 50


def test_one_address_trying_many_accounts_is_locked(db, clock, settings):
    from opengov.accounts.tests.factories import UserFactory

    settings.OPENGOV_RATE_LIMITS = {
        **settings.OPENGOV_RATE_LIMITS,
        "login": {"per_account": 5, "per_address": 3, "window_seconds": 900, "lock_seconds": 900},
    }
    people = UserFactory.create_batch(4)
    for person in people[:3]:
        with pytest.raises(ServiceError):
            attempt(person, address="198.51.100.9")
        clock.advance(seconds=30)
    with pytest.raises(RateLimited):
        attempt(people[3], DEMO_PASSWORD, address="198.51.100.9")
    # another address is not affected
    assert attempt(people[3], DEMO_PASSWORD, address="198.51.100.10") == people[3]


def test_success_clears_the_account_failures(citizen, clock):
    for _ in range(3):
        with pytest.raises(ServiceError):
            attempt(citizen)
        clock.advance(seconds=60)
    assert attempt(citizen, DEMO_PASSWORD) == citizen
    for _ in range(4):
        with pytest.raises(ServiceError) as err:
            attempt(citizen)
        assert err.value.code == "bad_credentials"
        clock.advance(seconds=60)


def test_old_failures_are_forgotten_after_the_window(citizen, clock):
    for _ in range(4):
        with pytest.raises(ServiceError):
            attempt(citizen)
        clock.advance(seconds=10)
    clock.advance(seconds=901)
    with pytest.raises(ServiceError) as err:
        attempt(citizen)
    assert err.value.code == "bad_credentials"  # counted from 1 again, not locked


def test_login_page_reports_the_lock(client, citizen, clock):
    clock.set(2026, 3, 2, 9, 0)
    for _ in range(5):
        client.post("/accounts/login/", {"email": citizen.email, "password": "nope-nope-nope"})
        clock.advance(seconds=60)
    response = client.post("/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "09:19" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_closed_account_cannot_sign_in(citizen):
    services.user_close(actor=citizen, user=citizen, password=DEMO_PASSWORD)
    with pytest.raises(ServiceError) as err:
        services.sign_in(request=FakeRequest(), email=citizen.email, password=DEMO_PASSWORD)
    assert err.value.code == "bad_credentials"
