"""Sign-in throttling: a growing wait, then a lock of the offending address, and of the
account only for browsers it never signed in from (its owner gets an unlock link)."""

from __future__ import annotations

import pytest

from opengov.accounts import services, throttle
from opengov.accounts.tests.factories import DEMO_PASSWORD
from opengov.core.errors import RateLimited, ServiceError
from opengov.core.models import AuditEvent

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
    assert "paused until" in str(en.value.message)
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


def _lock(client, email, clock):
    for _ in range(5):
        client.post("/accounts/login/", {"email": email, "password": "nope-nope-nope"})
        clock.advance(seconds=61)


def test_account_delay_is_capped(citizen, clock, settings):
    settings.OPENGOV_RATE_LIMITS = {
        **settings.OPENGOV_RATE_LIMITS,
        "login": {
            **settings.OPENGOV_RATE_LIMITS["login"],
            "per_account": 50,
            "max_delay_seconds": 8,
        },
    }
    for _ in range(6):
        with pytest.raises(ServiceError):
            attempt(citizen, address=f"198.51.100.{_}")
        clock.advance(seconds=30)
    with pytest.raises(ServiceError):
        attempt(citizen, address="198.51.100.99")
    with pytest.raises(RateLimited) as wait:
        attempt(citizen, address="198.51.100.100")
    assert wait.value.retry_after == 8


def test_a_browser_the_owner_signed_in_from_is_not_locked_out(client, citizen, clock, sent):
    from django.test import Client

    assert (
        client.post(
            "/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    client.post("/accounts/logout/")
    with sent():
        _lock(Client(REMOTE_ADDR="198.51.100.66"), citizen.email, clock)
    stranger = Client(REMOTE_ADDR="203.0.113.50")
    blocked = stranger.post("/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD})
    assert blocked.status_code == 429
    owner = client.post("/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD})
    assert owner.status_code == 302


def test_the_owner_is_mailed_a_one_time_unlock_link(client, citizen, clock, sent):
    from django.test import Client

    from opengov.accounts.tests.conftest import last_link_path, last_message
    from opengov.core.models import OutboundMessage

    with sent():
        _lock(Client(REMOTE_ADDR="198.51.100.66"), citizen.email, clock)
        _lock(Client(REMOTE_ADDR="198.51.100.67"), citizen.email, clock)  # still locked: no 2nd
    assert OutboundMessage.objects.filter(recipient=citizen.email).count() == 1
    assert last_message(citizen.email).sensitive
    link = last_link_path(citizen.email)
    assert client.get(link).status_code == 200  # a mail scanner's GET changes nothing
    locked = client.post("/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert client.post(link).status_code == 302
    assert (
        client.post(
            "/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    assert client.post(link).status_code == 400  # once only
    assert AuditEvent.objects.filter(verb="user.signin_unlocked").count() == 1


def test_an_unknown_address_reads_the_same_and_mails_nobody(client, citizen, clock, sent):
    from django.test import Client

    from opengov.core.models import OutboundMessage

    with sent():
        for _ in range(5):
            for n, email in enumerate(("nobody.here@example.tw", citizen.email)):
                Client(REMOTE_ADDR=f"198.51.100.{n}").post(
                    "/accounts/login/", {"email": email, "password": "nope-nope-1"}
                )
            clock.advance(seconds=61)
    unknown = Client(REMOTE_ADDR="203.0.113.1").post(
        "/accounts/login/", {"email": "nobody.here@example.tw", "password": "x-x-x-x-x-x"}
    )
    known = Client(REMOTE_ADDR="203.0.113.2").post(
        "/accounts/login/", {"email": citizen.email, "password": "x-x-x-x-x-x"}
    )
    assert unknown.status_code == known.status_code == 429
    assert unknown.context["form"].errors == known.context["form"].errors
    assert "暫停至" in str(known.context["form"].errors)  # paused until
    assert not OutboundMessage.objects.filter(recipient="nobody.here@example.tw").exists()
