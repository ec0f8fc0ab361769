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


# --- account takeover through the outbox ----------------------------------------------------

PRODUCTION_ENV = {
    "OPENGOV_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "opengov.settings",
    "SECRET_KEY": "s" * 40,
    "ID_HASH_KEY": "i" * 40,
    "ID_ENCRYPTION_KEY": "e" * 40,
    "EMAIL_URL": "smtp://127.0.0.1:2525",
    "SMS_SENDER": "opengov.core.tests.test_core_misc.GatewaySender",
    "TLOG_SIGNING_KEY": "dGxvZy1zaWduaW5nLWtleS1mb3ItdGVzdHMtMzJieXQ=",
}


def _start(**env):
    import os
    import subprocess
    import sys

    full = {**os.environ, **PRODUCTION_ENV}
    for key in ("OPENGOV_STAGING_OUTBOX",):
        full.pop(key, None)
    for key, value in env.items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("email_url", [None, "outbox:", "console:", "locmem:"])
def test_production_refuses_to_start_without_a_real_mail_transport(email_url):
    result = _start(EMAIL_URL=email_url)
    assert result.returncode != 0
    assert "EMAIL_URL must name a mail server" in result.stderr


def test_production_refuses_to_start_with_the_outbox_sms_sender():
    result = _start(SMS_SENDER=None)
    assert result.returncode != 0
    assert "SMS_SENDER must name a real SMS gateway" in result.stderr
    # unless a staging site says so; and a real transport starts
    assert _start(EMAIL_URL="outbox:", SMS_SENDER=None, OPENGOV_STAGING_OUTBOX="1").returncode == 0
    assert _start().returncode == 0


def _reset_for(admin_user, sent):
    from opengov.accounts import services

    with sent():
        services.password_reset_request(email=admin_user.email)
    from opengov.accounts.tests.conftest import last_link_path

    return last_link_path(admin_user.email)


@pytest.mark.parametrize("debug", [False, True])
def test_an_operator_cannot_read_the_administrators_reset_link(
    settings, client_for, moderator, admin_user, sent, debug
):
    settings.DEBUG = debug
    settings.EMAIL_URL = "outbox:"
    link = _reset_for(admin_user, sent)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    page = client_for(moderator).get("/operator/outbox/")
    assert page.status_code == 200
    body = page.content.decode()
    assert admin_user.email in body  # the message is listed, for support
    assert token not in body and link not in body
    filtered = client_for(moderator).get("/operator/outbox/", {"to": admin_user.email})
    assert token not in filtered.content.decode()


def test_in_development_nobody_reads_anothers_codes(settings, client_for, citizen, sent):
    from opengov.accounts import services
    from opengov.accounts.models import VerificationCode
    from opengov.accounts.tests.conftest import last_code
    from opengov.accounts.tests.factories import UserFactory

    settings.DEBUG = True
    settings.EMAIL_URL = "outbox:"
    victim = UserFactory(email_verified=False)
    with sent():
        services.verification_send(user=victim, purpose=VerificationCode.Purpose.EMAIL)
        services.verification_send(
            user=victim, purpose=VerificationCode.Purpose.PHONE, phone="0955 000 111"
        )
    codes = [last_code(victim.email), last_code("+886955000111")]
    for viewer in (None, citizen):
        body = client_for(viewer).get("/operator/outbox/").content.decode()
        assert not any(code in body for code in codes)
    # the recipient reads their own
    own = client_for(victim).get("/operator/outbox/").content.decode()
    assert all(code in own for code in codes)


def test_closing_an_account_erases_its_outbox_messages(settings, citizen, sent):
    from opengov.accounts import services
    from opengov.core.models import OutboundMessage

    settings.EMAIL_URL = "outbox:"
    email, phone = citizen.email, citizen.phone
    with sent():
        services.password_reset_request(email=email)
        services.email_change_request(
            actor=citizen, email="new.address@example.tw", password=DEMO_PASSWORD
        )
    OutboundMessage.objects.create(
        channel="sms", recipient=phone, body="notice", created_at="2026-01-01T00:00:00+08:00"
    )
    OutboundMessage.objects.create(
        channel="email",
        recipient="someone.else@example.tw",
        body="x",
        created_at="2026-01-01T00:00:00+08:00",
    )
    assert OutboundMessage.objects.filter(recipient__in=[email, phone]).count() == 2
    services.user_close(actor=citizen, user=citizen, password=DEMO_PASSWORD)
    assert list(OutboundMessage.objects.values_list("recipient", flat=True)) == [
        "someone.else@example.tw"
    ]


# --- lock-out as a weapon, and who has an account -------------------------------------------


def test_five_wrong_passwords_do_not_lock_the_owner_out(citizen, sent, clock):
    owner = Client(REMOTE_ADDR="203.0.113.20")
    first = owner.post("/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD})
    assert first.status_code == 302
    owner.post("/accounts/logout/")
    for n in range(10):  # from many addresses, waiting out each delay
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            "/accounts/login/", {"email": citizen.email, "password": "wrong-pw-1"}
        )
        clock.advance(seconds=61)
    again = owner.post("/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD})
    assert again.status_code == 302


def test_the_owner_on_a_new_browser_unlocks_with_the_mailed_link(citizen, sent, clock):
    from opengov.accounts.tests.conftest import last_link_path

    with sent():
        for n in range(5):
            Client(REMOTE_ADDR=f"198.51.100.{n}").post(
                "/accounts/login/", {"email": citizen.email, "password": "wrong-pw-1"}
            )
            clock.advance(seconds=61)
    new_browser = Client(REMOTE_ADDR="203.0.113.21")
    new_browser.post(last_link_path(citizen.email))
    response = new_browser.post(
        "/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_registration_does_not_tell_whether_an_address_has_an_account(citizen, sent):
    def register(email):
        client = Client()
        with sent():
            response = client.post(
                "/accounts/register/",
                {
                    "email": email,
                    "display_name": "探測者",
                    "password": "rainy-taipei-afternoon-7",
                    "password2": "rainy-taipei-afternoon-7",
                },
            )
        page = client.get(response.get("Location", "/accounts/register/"))
        return response.status_code, response.get("Location"), page.status_code, page.context

    taken, fresh = register(citizen.email), register("fresh.person@example.tw")
    assert taken[:3] == fresh[:3]
    assert taken[3]["target"] == citizen.email and fresh[3]["target"] == "fresh.person@example.tw"
