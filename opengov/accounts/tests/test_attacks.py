"""An attacker's checks against a production-mode server (DEBUG off, the production settings
that matter for each check). Each of these once worked against the platform."""

from __future__ import annotations

import pytest
from django.test import Client

from opengov.accounts.tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


# --- client addresses behind the TLS proxy --------------------------------------------------


def test_behind_the_proxy_one_persons_failures_do_not_lock_everyone_out(settings, citizen):
    settings.TRUSTED_PROXIES = [PROXY]
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66")
    for n in range(settings.OPENGOV_RATE_LIMITS["login"]["per_address"] + 1):
        attacker.post("/accounts/login/", {"email": f"x{n}@example.tw", "password": "wrong-pw-1"})
    owner = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.20")
    response = owner.post("/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_behind_the_proxy_a_forged_forwarded_for_does_not_buy_new_addresses(settings, citizen):
    """The client writes its own X-Forwarded-For; only the hop our proxy added counts."""
    settings.TRUSTED_PROXIES = [PROXY]
    limit = settings.OPENGOV_RATE_LIMITS["login"]["per_address"]
    for n in range(limit + 1):
        Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.66").post(
            "/accounts/login/", {"email": f"x{n}@example.tw", "password": "wrong-pw-1"}
        )
    again = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.200, 198.51.100.66")
    response = again.post("/accounts/login/", {"email": "y@example.tw", "password": "wrong-pw-1"})
    assert response.status_code == 429
