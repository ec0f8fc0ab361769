"""End to end in Chromium: an official of the lead agency reports progress on a milestone,
a wrong value is refused next to its field, and the plan dashboard shows the new completion."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from opengov.action_plans import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_reports_progress_and_dashboard_shows_it(
    page, login_as, official, plan, commitment, milestone
):
    services.milestone_create(
        actor=None,
        commitment=commitment,
        title_zh_hant="第二階段",
        start_date=dt.date(2022, 1, 1),
        end_date=dt.date(2023, 6, 30),
        weight=3,
    )
    page.goto(page.url_for(f"/action-plans/{plan.slug}/"))
    assert page.locator("#plan-progress").inner_text() == "0 %"

    login_as(page, official)
    page.goto(page.url_for(f"/action-plans/commitments/{commitment.public_id}/"))
    page.locator(f"a[href$='/milestones/{milestone.public_id}/report/']").click()

    page.fill("#id_progress", "150")
    page.fill("#id_text", "完成公開徵詢")
    page.locator("form button[type=submit]").last.click()
    field = page.locator("#id_progress")
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_progress_error" in field.get_attribute("aria-describedby")
    assert page.locator("#id_progress_error").inner_text().strip()

    page.fill("#id_progress", "100")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/commitments/{commitment.public_id}/"))
    # weights 1 and 3: (100 * 1 + 0 * 3) / 4 = 25 %
    assert page.locator("#commitment-progress").inner_text() == "25 %"
    row = page.locator(f"#m-{milestone.public_id} td[data-progress]")
    assert row.inner_text() == "100 %"

    page.goto(page.url_for(f"/action-plans/{plan.slug}/"))
    assert page.locator("#plan-progress").inner_text() == "25 %"
    cell = page.locator(f"#c-{commitment.public_id} td[data-progress]")
    assert cell.get_attribute("data-progress") == "25"


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_co_convener_adds_a_commitment_on_a_phone(phone_page, login_as, plan, agency, co_convener):
    page = phone_page
    login_as(page, co_convener)
    page.goto(page.url_for(f"/action-plans/{plan.slug}/"))
    page.locator(f"a[href$='/{plan.slug}/commitments/new/']").click()
    assert _fits(page)
    page.fill("#id_title_zh_hant", "開放國會資料")
    page.select_option("#id_lead_agency", agency.code)
    page.fill("#id_start_date", "2022-01-01")
    page.fill("#id_end_date", "2023-06-30")
    page.check("#id_value_transparency")
    page.locator("form.authoring button[type=submit]").click()
    field = page.locator("#id_justification_transparency")
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_justification_transparency_error" in field.get_attribute("aria-describedby")
    assert page.locator("#id_justification_transparency_error").inner_text().strip()
    assert _fits(page)

    page.fill("#id_justification_transparency", "公開議事資料")
    page.locator("form.authoring button[type=submit]").click()
    page.wait_for_url(re.compile(r"/action-plans/commitments/[0-9a-f-]+/$"))
    assert "開放國會資料" in page.locator("h1").inner_text()
    page.locator("a[href$='/edit/']").first.click()
    assert page.locator("#id_justification_transparency").input_value() == "公開議事資料"
    assert page.locator("#id_start_date").input_value() == "2022-01-01"
    assert _fits(page)

    page.goto(page.url_for(f"/action-plans/{plan.slug}/task-force/"))
    assert _fits(page)
