"""Jurisdiction profiles, sanitising, rate limits, holiday import, health, outbox, API errors."""

import ipaddress
import json
import os
import re
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.db.models import Q

from opengov.core import ratelimit
from opengov.core.errors import RateLimited
from opengov.core.jurisdiction import (
    OVERRIDDEN,
    PROFILES,
    UNSOURCED,
    Period,
    apply_overrides,
    jurisdiction,
    sources,
)
from opengov.core.models import Holiday, OutboundMessage
from opengov.core.services import holidays_import
from opengov.core.text import clean_plain, render_markdown


def test_taiwan_is_default_and_every_rule_cites_a_source():
    profile = jurisdiction()
    assert profile.code == "tw"
    assert profile.proposals.cosign_threshold == 5000
    assert profile.proposals.cosign_window == Period(days=60)
    for code in PROFILES:
        for section, name, _value, source in sources(PROFILES[code]):
            assert source and source != UNSOURCED, f"{code}: {section}.{name} has no source"
            assert not re.search(r"#\d|issue\s*\d", source), (
                f"{code}: {section}.{name} cites an issue"
            )


def test_uk_profile_cites_its_own_sources(settings):
    settings.OPENGOV_JURISDICTION = "uk"
    assert jurisdiction().proposals.cosign_threshold == 10_000
    cited = {(s, n): source for s, n, _v, source in sources(jurisdiction())}
    assert "United Kingdom" in cited[("accounts", "phone_country_prefix")]
    assert "10,000" in cited[("proposals", "cosign_threshold")]
    assert "6 months" in cited[("proposals", "cosign_window")]
    assert all("Taiwan" not in source for source in cited.values() if "公共" in source)
    unchanged = cited[("proposals", "collaboration_meeting_cosigners")]
    assert unchanged.startswith("join.gov.tw")  # a value kept from the default keeps its source


def test_an_overridden_rule_names_the_override_as_its_source(profile):
    profile(proposals={"cosign_threshold": 3})
    cited = {(s, n): source for s, n, _v, source in sources(jurisdiction())}
    assert cited[("proposals", "cosign_threshold")] == OVERRIDDEN
    assert "5,000" not in cited[("proposals", "cosign_threshold")]


def test_overrides_change_one_number(profile):
    profile(proposals={"cosign_threshold": 3, "cosign_window": {"days": 1}})
    assert jurisdiction().proposals.cosign_threshold == 3
    assert jurisdiction().proposals.cosign_window == Period(days=1)
    assert jurisdiction().proposals.response_period == Period(months=2)


def test_resolved_overrides_follow_every_change(settings):
    settings.OPENGOV_JURISDICTION_OVERRIDES = {"proposals": {"cosign_threshold": 3}}
    first = jurisdiction()
    assert first.proposals.cosign_threshold == 3 and jurisdiction() is first  # kept
    settings.OPENGOV_JURISDICTION_OVERRIDES["proposals"]["cosign_threshold"] = 4  # in place
    assert jurisdiction().proposals.cosign_threshold == 4
    settings.OPENGOV_JURISDICTION = "uk"
    assert jurisdiction().proposals.cosign_window.months == 6
    assert jurisdiction().proposals.cosign_threshold == 4
    settings.OPENGOV_JURISDICTION_OVERRIDES = {}
    assert jurisdiction().proposals.cosign_threshold == 10_000


def test_unknown_override_is_an_error():
    with pytest.raises(ValueError, match="cosign_treshold"):
        apply_overrides(PROFILES["tw"], {"proposals": {"cosign_treshold": 1}})
    with pytest.raises(ValueError, match="nosuch"):
        apply_overrides(PROFILES["tw"], {"nosuch": {}})


def test_markdown_cannot_run_script():
    html = render_markdown(
        "**粗體** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<strong>粗體</strong>" in html
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_clean_plain_strips_controls_and_bidi_overrides():
    assert clean_plain(" a\x00b\u202ec ") == "abc"


def test_rate_limit_counts_per_account(settings):
    settings.OPENGOV_RATE_LIMITS = {"x": {"per_account": 2, "window_seconds": 60}}
    cache.clear()
    ratelimit.hit("x", account="u1")
    ratelimit.hit("x", account="u1")
    with pytest.raises(RateLimited) as info:
        ratelimit.hit("x", account="u1")
    assert 0 < info.value.retry_after <= 60
    ratelimit.hit("x", account="u2")  # others unaffected


def test_network_of():
    assert ratelimit.network_of("203.0.113.77") == "203.0.113.0/24"
    assert ratelimit.network_of("2001:db8:1:2::1") == "2001:db8:1::/48"
    assert ratelimit.network_of("junk") == ""


@pytest.mark.parametrize(
    "address",
    [
        "0.0.0.0",
        "10.1.2.3",
        "255.255.255.255",
        "::",
        "::1",
        "::ffff:198.51.100.7",
        "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
        "fe80::1:2:3:4",
    ],
)
def test_network_of_is_the_network_python_computes(address):
    ip = ipaddress.ip_address(address)
    prefix = 24 if ip.version == 4 else 48
    expected = str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
    assert ratelimit.network_of(address) == expected


@pytest.mark.django_db
def test_holiday_import_is_all_or_nothing():
    bad = (
        "date,name,kind\n2027-01-01,元旦,holiday\n2027-13-01,錯誤,holiday\n2027-01-02,x,vacation\n"
    )
    report = holidays_import(actor=None, calendar="tw", data=bad.encode())
    assert not report.ok
    assert [(line, col) for line, col, _ in report.errors] == [(3, "date"), (4, "kind")]
    assert not Holiday.objects.filter(date__year=2027).exists()
    good = "date,name,kind\n2027-01-01,元旦,holiday\n2027-01-09,補班,workday\n"
    report = holidays_import(actor=None, calendar="tw", data=good.encode("cp950"))
    assert report.ok and report.accepted == 2
    assert Holiday.objects.get(date="2027-01-09").kind == "workday"


@pytest.mark.django_db
def test_holiday_import_reports_missing_columns_and_encoding():
    report = holidays_import(actor=None, calendar="tw", data=b"day,label\n")
    assert report.errors[0][2] == "missing column(s) in the header"
    report = holidays_import(actor=None, calendar="tw", data=b"\xff\xfe\x00\x81\x00")
    assert "UTF-8" in report.errors[0][2]


@pytest.mark.django_db
def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_redis_when_configured(client, settings):
    from conftest import require_service

    require_service("Redis", "127.0.0.1", 6379)
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
        }
    }
    from django.core.cache import caches

    caches._settings = None
    try:
        response = client.get("/healthz")
        assert response.json()["checks"]["redis"] == "ok"
    finally:
        settings.REDIS_URL = ""


@pytest.mark.django_db
def test_healthz_fails_when_broker_unreachable(client, settings):
    settings.JOBS_IN_PROCESS = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    from opengov.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["checks"]["broker"].startswith("error")
    finally:
        app.conf.broker_url = "memory://localhost/"


@pytest.mark.django_db
def test_healthz_reports_a_reachable_broker(client, settings):
    from conftest import require_service

    require_service("Redis", "127.0.0.1", 6379)
    settings.JOBS_IN_PROCESS = False
    from opengov.celery import app

    app.conf.broker_url = "redis://127.0.0.1:6379/13"
    try:
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json()["checks"]["broker"] == "ok"
    finally:
        app.conf.broker_url = "memory://localhost/"


@pytest.mark.django_db
def test_outbox_hidden_from_citizens_outside_development(client_for, citizen, moderator, settings):
    settings.DEBUG = False
    OutboundMessage.objects.create(
        channel="sms",
        recipient="+886900000000",
        body="code 123456",
        created_at="2026-01-01T00:00:00+08:00",
    )
    assert client_for(citizen).get("/operator/outbox/").status_code == 404
    assert client_for(None).get("/operator/outbox/").status_code == 404
    response = client_for(moderator).get("/operator/outbox/")
    assert response.status_code == 200 and b"+886900000000" in response.content
    # a code is its recipient's alone, even in a message nobody marked sensitive
    assert b"123456" not in response.content


def test_outbox_redaction_of_unmarked_messages():
    from opengov.core.selectors import redact_likely_secrets

    text = (
        "Proposal 2026 passed with 5000 signatures: https://x.tw/proposals/5/\n"
        "code 654321, link https://x.tw/accounts/password-reset/AbCdEfGhIjKlMnOpQrStUvWx/"
    )
    shown = redact_likely_secrets(text)
    assert "2026" in shown and "5000" in shown and "https://x.tw/proposals/5/" in shown
    assert "654321" not in shown and "AbCdEfGhIjKlMnOpQrStUvWx" not in shown


@pytest.mark.django_db
def test_api_unknown_route_is_json_404(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "opengov API"


def test_production_refuses_default_secrets():
    env = {**os.environ, "OPENGOV_ENV": "production", "DJANGO_SETTINGS_MODULE": "opengov.settings"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


class GatewaySender:
    """Stands for a real SMS gateway in the production start-up test."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


def test_production_starts_with_real_secrets():
    env = {
        **os.environ,
        "OPENGOV_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "opengov.settings",
        "SECRET_KEY": "s" * 40,
        "ID_HASH_KEY": "i" * 40,
        "ID_ENCRYPTION_KEY": "e" * 40,
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "SMS_SENDER": "opengov.core.tests.test_core_misc.GatewaySender",
        "TLOG_SIGNING_KEY": "dGxvZy1zaWduaW5nLWtleS1mb3ItdGVzdHMtMzJieXQ=",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DEBUG)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.django_db
def test_rules_page_lists_sources(client):
    response = client.get("/rules/")
    assert response.status_code == 200
    assert "公共政策網路參與實施要點".encode() in response.content
    assert json.dumps(5000).encode() in response.content


def test_search_refuses_names_that_are_not_identifiers():
    from opengov.core.search import text_search_q

    with pytest.raises(ValueError):
        text_search_q("abc", table="x; DROP TABLE y", fts_table="x_fts", columns=("title",))


def test_search_short_terms_match_substrings_of_every_column():
    from opengov.core.search import text_search_q

    q = text_search_q(" 交通 ", table="t", fts_table="t_fts", columns=("title", "body"))
    assert sorted(child[0] for child in q.children) == ["body__icontains", "title__icontains"]
    assert text_search_q("", table="t", fts_table="t_fts", columns=("title",)) == Q(pk__in=[])
