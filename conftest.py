"""Fixtures shared by every test: the clock, the people of the permission matrix, services."""

from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path

import pytest

from opengov.core import clock as clock_module

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def service_reachable(host: str, port: int) -> bool:
    """True when something accepts TCP connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip when a real service is missing, except under CI=true, where it is a failure."""
    if service_reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if IN_CI:
        pytest.fail(message + " (CI=true: a missing service fails the run)")
    pytest.skip(message)


@pytest.fixture(autouse=True, scope="session")
def _test_client_routes_like_the_server():
    """The test client sends cookie-less API requests down the same shorter middleware chain
    as the WSGI server does (opengov/core/handlers.py)."""
    from django.test import client as test_client

    from opengov.core.handlers import ApiLaneMixin

    class LaneClientHandler(ApiLaneMixin, test_client.ClientHandler):
        """Django's test client handler with the API lane."""

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(test_client, "ClientHandler", LaneClientHandler)
        yield


@pytest.fixture(autouse=True)
def _reset_state(settings):
    """Every test starts with the real clock, a clean cache, no profile overrides and the
    platform's language (a page in Thai must not leave its language to the next test).

    Test accounts use a fast password hasher (production uses PBKDF2).
    """
    from django.core.cache import cache
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    clock_module.set_now(None)
    cache.clear()
    settings.OPENGOV_JURISDICTION_OVERRIDES = {}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    clock_module.set_now(None)


class Clock:
    """A settable clock for tests: `clock.set(2026, 3, 2, 9)`, `clock.advance(days=3)`."""

    def set(self, *args: int, **kwargs) -> dt.datetime:
        moment = dt.datetime(*args, tzinfo=clock_module.local_zone(), **kwargs)
        clock_module.set_now(moment)
        return moment

    def set_to(self, moment: dt.datetime) -> dt.datetime:
        clock_module.set_now(moment)
        return moment

    def advance(self, **delta) -> dt.datetime:
        return clock_module.advance(dt.timedelta(**delta))

    def now(self) -> dt.datetime:
        return clock_module.now()

    def today(self) -> dt.date:
        """The date in the platform's time zone (not UTC's date of `now()`)."""
        return clock_module.today()


@pytest.fixture
def clock() -> Clock:
    """Fix the platform's clock (released after the test)."""
    clock_module.set_now(clock_module.now())
    return Clock()


@pytest.fixture
def profile(settings):
    """Change single rules of the jurisdiction: `profile(proposals={"cosign_threshold": 3})`."""

    def apply(**sections):
        merged = {k: dict(v) for k, v in settings.OPENGOV_JURISDICTION_OVERRIDES.items()}
        for section, values in sections.items():
            merged.setdefault(section, {}).update(values)
        settings.OPENGOV_JURISDICTION_OVERRIDES = merged

    return apply


@pytest.fixture
def agency(db):
    """A ministry under a root agency."""
    from opengov.accounts.tests.factories import AgencyFactory

    root = AgencyFactory(code="ey", name_zh_hant="行政院", name_en="Executive Yuan")
    return AgencyFactory(
        code="moi", name_zh_hant="內政部", name_en="Ministry of the Interior", parent=root
    )


@pytest.fixture
def other_agency(db, agency):
    """A second ministry, sibling of `agency`."""
    from opengov.accounts.tests.factories import AgencyFactory

    return AgencyFactory(
        code="moj", name_zh_hant="法務部", name_en="Ministry of Justice", parent=agency.parent
    )


@pytest.fixture
def citizen(db):
    """A citizen verified by e-mail and mobile."""
    from opengov.accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def unverified(db):
    """A registered person who has confirmed nothing."""
    from opengov.accounts.tests.factories import UserFactory

    return UserFactory(email_verified=False, phone_verified=False)


@pytest.fixture
def official(db, agency):
    """An official of `agency`."""
    from opengov.accounts.tests.factories import make_official

    return make_official(agency)


@pytest.fixture
def other_official(db, other_agency):
    """An official of `other_agency`."""
    from opengov.accounts.tests.factories import make_official

    return make_official(other_agency)


@pytest.fixture
def agency_admin(db, agency):
    """An agency administrator of `agency`."""
    from opengov.accounts.models import Membership
    from opengov.accounts.tests.factories import make_official

    return make_official(agency, role=Membership.Role.ADMIN)


@pytest.fixture
def moderator(db):
    """A platform operator."""
    from opengov.accounts.tests.factories import UserFactory

    return UserFactory(is_moderator=True)


@pytest.fixture
def admin_user(db):
    """A platform administrator."""
    from opengov.accounts.tests.factories import UserFactory

    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def people(db, citizen, official, other_official, moderator, admin_user):
    """The permission matrix: role name -> user (None for anonymous)."""
    return {
        "anonymous": None,
        "citizen": citizen,
        "other_official": other_official,
        "official": official,
        "moderator": moderator,
        "admin": admin_user,
    }


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client signed in as `user` (anonymous for None)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


#: the official standards' files kept beside the repository (`../shared/standards/`)
STANDARDS_DIR = Path(__file__).resolve().parent.parent / "shared" / "standards"


@pytest.fixture
def standards_dir() -> Path:
    """`../shared/standards/`: skipped locally without it, a failure under CI=true."""
    if not STANDARDS_DIR.is_dir():
        message = f"the standards' files are not at {STANDARDS_DIR}"
        if IN_CI:
            pytest.fail(message + " (CI=true: they must be there)")
        pytest.skip(message)
    return STANDARDS_DIR


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (skipped without it, failed under CI)."""
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"Chromium not found at {CHROMIUM} (CI=true: install Debian's chromium)")
        pytest.skip(f"Chromium not found at {CHROMIUM}; apt-get install -y chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # ORM calls beside Playwright's loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server, settings):
    """A fresh browser page (its own cookies) with `page.url_for(path)` for the live server."""
    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    context = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    browser_page.url_for = lambda path: live_server.url + path
    yield browser_page
    context.close()


@pytest.fixture
def phone_page(browser, live_server, settings):
    """A 360-px-wide page, for checking pages on a small phone."""
    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    context = browser.new_context(locale="zh-TW", viewport={"width": 360, "height": 740})
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    browser_page.url_for = lambda path: live_server.url + path
    yield browser_page
    context.close()


@pytest.fixture
def login_as(live_server):
    """`login_as(page, user)`: put a signed-in session cookie for `user` into the page."""
    from django.conf import settings as django_settings
    from django.test import Client

    def apply(browser_page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        browser_page.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                }
            ]
        )

    return apply


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (marked `postgres`) are deselected on another database.

    `.ci/run` runs the suite again on PostgreSQL, where they run (and must pass).
    """
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
        config._postgres_only = [item.nodeid for item in dropped]
        if hasattr(config, "workeroutput"):  # a pytest-xdist worker tells the controller
            config.workeroutput["postgres_only"] = config._postgres_only


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller of a parallel run gathers the workers' deselected tests."""
    found = getattr(node, "workeroutput", {}).get("postgres_only", [])
    known = getattr(node.config, "_postgres_only", [])
    node.config._postgres_only = sorted(set(known) | set(found))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Name the PostgreSQL-only tests left out of a run on another database."""
    dropped = getattr(config, "_postgres_only", [])
    if dropped:
        terminalreporter.section("PostgreSQL-only tests, deselected on this database")
        for nodeid in dropped:
            terminalreporter.write_line(nodeid)
        terminalreporter.write_line("(`.ci/run` runs them on PostgreSQL)")
