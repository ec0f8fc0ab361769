"""The base layout in a real browser: skip link, landmarks, phone width."""

import pytest

from opengov.core import audit

# verbs these tests record (services register theirs in their app's audit_events.py)
audit.register_verbs("tests", "test.happened")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_has_landmarks_and_skip_link(page):
    page.goto(page.url_for("/"))
    assert page.locator("header[role=banner]").count() == 1
    assert page.locator("main#main").count() == 1
    assert page.locator("footer[role=contentinfo]").count() == 1
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"


def test_home_fits_a_360px_phone(phone_page):
    phone_page.goto(phone_page.url_for("/"))
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


@pytest.mark.parametrize("path", ["/audit/checkpoints/", "/activity/"])
def test_audit_pages_fit_a_360px_phone(phone_page, path):
    from django.db import transaction

    with transaction.atomic():
        for i in range(3):
            audit.record(actor=None, verb="test.happened", changes={"i": i}, public=True)
    audit.checkpoint()
    phone_page.goto(phone_page.url_for(path))
    assert phone_page.locator("h1").count() == 1
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
