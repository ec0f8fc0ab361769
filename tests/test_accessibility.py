"""Every page the demo reaches passes axe-core (WCAG 2.1 A and AA, best practice) in Chromium.

The test loads the demo data, then follows the links of the site as a visitor, a citizen, an
official and an operator, checking one page per URL pattern (so every page template is seen
once per role) with axe-core, which `make` installs from the npm registry. A violation of
serious or critical impact fails the test; the report names the page, the rule and elements.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
#: pages per role, at most (the crawl stops earlier once every pattern was seen)
MAX_PAGES = 45
#: the URL patterns checked, over all roles
CHECKED: set[str] = set()
SKIPPED_PREFIXES = ("/api/", "/admin/", "/i18n/", "/static/", "/media/", "/accounts/logout")
SKIPPED_ENDINGS = (".csv", ".json", ".jsonl", ".ttl", ".jsonld", ".atom", ".xml", ".xlsx", ".pdf")


def _axe_source() -> str:
    if not AXE.exists():
        from conftest import IN_CI

        message = f"axe-core is not installed at {AXE} (run `make install`)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)


def _crawl(page, base: str, axe: str, label: str) -> list[str]:
    problems: list[str] = []
    queue, seen_patterns, visited = ["/"], set(), 0
    while queue and visited < MAX_PAGES:
        path = queue.pop(0)
        pattern = _pattern(urlsplit(path).path)
        if pattern is None or pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        try:
            response = page.goto(base + path)
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                continue  # a file, not a page
            raise
        visited += 1
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            continue
        if response is None or response.status >= 400:
            problems.append(f"{label} {path}: HTTP {response.status if response else '?'}")
            continue
        if pattern in CHECKED:
            violations = []  # another role's visit checked this template already
        else:
            page.evaluate(axe)
            violations = page.evaluate(
                "async (tags) => (await axe.run(document, {runOnly: tags})).violations"
                ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)"
                ".map(n => n.target.join(' ')).join(', '))",
                RULES,
            )
        problems += [f"{label} {path}: {v}" for v in violations]
        CHECKED.add(pattern)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urlsplit(urljoin(base + path, href))
            if f"{url.scheme}://{url.netloc}" != base or not url.path.startswith("/"):
                continue
            if url.path.startswith(SKIPPED_PREFIXES) or url.path.endswith(SKIPPED_ENDINGS):
                continue
            queue.append(
                url.path + (f"?{url.query}" if url.query and "page=" not in url.query else "")
            )
    return problems


def test_every_page_template_passes_axe(browser, live_server, login_as, settings):
    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    axe = _axe_source()
    # an earlier transactional test flushed the rows data migrations seed: seed them again
    from importlib import import_module

    from django.apps import apps

    import_module("opengov.action_plans.migrations.0002_seed_policy_areas").seed(apps, None)
    call_command("load_holidays", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    from opengov.accounts.models import User

    roles = {
        "visitor": None,
        "citizen": "citizen1@demo.opengov.tw",
        "official": "official.moi@demo.opengov.tw",
        "operator": "operator@demo.opengov.tw",
    }
    problems: list[str] = []
    for label, email in roles.items():
        for locale in ("zh-TW",):
            context = browser.new_context(
                locale=locale, viewport={"width": 1280, "height": 900}, bypass_csp=True
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            if email:
                login_as(page, User.objects.get(email=email))
            problems += _crawl(page, live_server.url, axe, f"[{label} {locale}]")
            context.close()
    assert problems == [], "\n".join(problems)
    assert len(CHECKED) >= 25, f"only {len(CHECKED)} page patterns were reached: {CHECKED}"
