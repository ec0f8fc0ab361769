"""The open data pages in a real browser: an official publishes, a visitor finds and downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import GOOD_CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_publishes_and_visitor_downloads(page, login_as, official, tmp_path, agency):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(GOOD_CSV + "台中,2026-01-03,很多,true\n".encode())
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD_CSV.decode().encode("big5"))

    login_as(page, official)
    page.goto(page.url_for("/data/new/"))
    page.fill("#id_name", "visitors")
    page.fill("#id_title", "到訪人數")
    page.fill("#id_description", "每日到訪人數統計")
    page.fill("#id_keywords", "統計")
    page.select_option("#id_theme", "GOVE")
    page.select_option("#id_update_frequency", "daily")
    page.fill("#id_contact_name", "資訊處")
    page.fill("#id_contact_email", "data@moi.example.gov.tw")
    page.fill(
        "#id_fields", "站名 | string | required | 站點\n日期 | date\n人數 | integer\n開放 | boolean"
    )
    page.set_input_files("#id_file", str(bad))
    page.click("main form button[type=submit]")
    problems = page.locator("table.od-problems tbody tr").first
    assert problems.locator("td").nth(0).inner_text() == "4"
    assert problems.locator("td").nth(1).inner_text() == "人數"
    assert page.locator("#id_file").get_attribute("aria-invalid") == "true"

    page.set_input_files("#id_file", str(good))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/data/datasets/visitors/")
    assert "高雄" in page.locator("table.od-preview").inner_text()

    visitor = page.context.browser.new_context(locale="zh-TW").new_page()
    visitor.goto(page.url_for("/data/"))
    visitor.fill("#q", "到訪")
    visitor.click("form[role=search] button")
    visitor.click("text=到訪人數")
    visitor.wait_for_url("**/data/datasets/visitors/")
    with visitor.expect_download() as info:
        visitor.click("a[href$='/data/datasets/visitors/download.csv']")
    content = Path(info.value.path()).read_text(encoding="utf-8")
    assert content.splitlines()[1] == "台北,2026-01-01,120,true"
    visitor.click("text=資料欄位說明")
    assert "站點" in visitor.locator("table").inner_text()
    visitor.context.close()


def test_catalogue_fits_a_360px_phone(phone_page, test_exporter):
    phone_page.goto(phone_page.url_for("/data/"))
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    phone_page.goto(phone_page.url_for("/data/datasets/test-signatures/"))
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
