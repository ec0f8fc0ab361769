"""The client address: REMOTE_ADDR, or X-Forwarded-For read from the right through trusted
proxies only; every limit uses it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from opengov.core.clientip import client_ip, parse_networks

PROXY = "10.0.0.5"


def request(remote="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_a_peer_that_is_not_a_trusted_proxy_cannot_forward(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request(PROXY, "198.51.100.1")) == "198.51.100.1"
    # the client wrote "1.1.1.1" itself; the proxy appended what it saw
    assert client_ip(request(PROXY, "1.1.1.1, 198.51.100.1")) == "198.51.100.1"
    # two proxies in a row (a CDN, then ours)
    assert client_ip(request(PROXY, "1.1.1.1, 198.51.100.1, 10.2.3.4")) == "198.51.100.1"


def test_ports_ipv6_and_mapped_addresses(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5", "fd00::/8"]
    assert client_ip(request(PROXY, "198.51.100.1:54321")) == "198.51.100.1"
    assert client_ip(request("fd00::1", "[2001:db8::7]:443")) == "2001:db8::7"
    assert client_ip(request("::ffff:10.0.0.5", "2001:db8::9")) == "2001:db8::9"


def test_a_made_up_hop_stops_the_walk(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(request(PROXY, "198.51.100.1, not-an-address")) == PROXY
    assert client_ip(request(PROXY, "")) == PROXY
    assert client_ip(None) == ""


def test_misconfigured_proxies_are_refused():
    assert [str(n) for n in parse_networks(["10.0.0.1", " 192.168.0.0/16 ", ""])] == [
        "10.0.0.1/32",
        "192.168.0.0/16",
    ]
    with pytest.raises(ImproperlyConfigured, match="not-an-ip"):
        parse_networks(["not-an-ip"])


def test_nothing_else_reads_the_client_address():
    """One function decides: no other module reads REMOTE_ADDR or X-Forwarded-For."""
    root = Path(__file__).resolve().parents[1] / "opengov"
    pattern = re.compile(r"REMOTE_ADDR|X_FORWARDED_FOR|X-Forwarded-For", re.IGNORECASE)
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.name not in {"clientip.py", "settings.py"}
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- the limits through the pages -----------------------------------------------------------


def _register(client, n, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        "/accounts/register/",
        {
            "email": f"person{n}@example.tw",
            "display_name": f"人{n}",
            "password": "rainy-taipei-afternoon-7",
            "password2": "rainy-taipei-afternoon-7",
        },
        **extra,
    )


@pytest.fixture
def two_registrations_an_hour(settings):
    settings.OPENGOV_RATE_LIMITS = {
        **settings.OPENGOV_RATE_LIMITS,
        "register": {"per_address": 2, "window_seconds": 3600},
    }


@pytest.mark.django_db
def test_no_proxy_a_forged_header_does_not_escape_the_limit(settings, two_registrations_an_hour):
    from django.test import Client

    settings.TRUSTED_PROXIES = []
    codes = [
        _register(Client(), n, "203.0.113.7", forwarded=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_limit(settings, two_registrations_an_hour):
    from django.test import Client

    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    first = [_register(Client(), n, PROXY, "198.51.100.1").status_code for n in range(3)]
    other = _register(Client(), 9, PROXY, "198.51.100.2").status_code
    # and a client cannot hide behind a made-up hop on the left
    spoofed = _register(Client(), 10, PROXY, "192.0.2.99, 198.51.100.1").status_code
    assert first == [302, 302, 429]
    assert other == 302
    assert spoofed == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_sign_in_throttles_the_client_not_everyone(settings, citizen):
    from django.test import Client

    settings.TRUSTED_PROXIES = [PROXY]
    settings.OPENGOV_RATE_LIMITS = {
        **settings.OPENGOV_RATE_LIMITS,
        "login": {**settings.OPENGOV_RATE_LIMITS["login"], "per_address": 2},
    }
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66")
    for n in range(3):
        attacker.post("/accounts/login/", {"email": f"x{n}@example.tw", "password": "wrong-one-1"})
    from opengov.accounts.tests.factories import DEMO_PASSWORD

    owner = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.20")
    response = owner.post("/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
