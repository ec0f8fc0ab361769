"""End to end in Chromium on a 360-px phone: a registry manager uploads a Big5 file, follows
its import to the end, and opens the company page, which fits the screen."""

from __future__ import annotations

import pytest

from opengov.registry.models import ImportRun, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASIC = (
    "Business_Accounting_NO,Company_Name,Company_Status_Desc,Company_Location,Company_Setup_Date\r\n"
    "22099131,<script>alert(1)</script>台灣積體電路製造股份有限公司,核准設立,"
    "新竹科學園區新竹市力行六路8號,0760221\r\n"
    "22099132,臺灣測試(股)公司,停業,臺北市中正區重慶南路一段122號,096/12/26\r\n"
)


def test_upload_follow_and_read_on_a_phone(phone_page, login_as, moderator, tmp_path):
    page = phone_page
    upload = tmp_path / "basic.csv"
    upload.write_bytes(BASIC.encode("cp950"))
    login_as(page, moderator)
    page.goto(page.url_for("/registry/imports/"))
    page.select_option("#id_dataset", "basic")
    page.set_input_files("#id_file", str(upload))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url("**/registry/imports/*/")
    assert page.locator("progress").get_attribute("value") == "100"
    assert ImportRun.objects.get().state == ImportRun.State.SUCCEEDED

    org = Organisation.objects.get(business_number="22099131")
    page.goto(page.url_for(f"/registry/organisations/{org.public_id}/"))
    assert page.locator("h1").inner_text().startswith("<script>")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360

    flagged = Organisation.objects.get(business_number="22099132")
    page.goto(page.url_for(f"/registry/organisations/{flagged.public_id}/"))
    assert page.locator("[role=note]").count() == 1  # the flagged number is marked
