"""End to end in headless Chromium: register, confirm e-mail and phone from the outbox, sign
in, switch language, download one's data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opengov.accounts.models import User
from opengov.accounts.tests.conftest import last_code, last_link_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "browser.person@example.tw"
PASSWORD = "rainy-taipei-afternoon-7"


def test_register_confirm_sign_in_switch_language_download(page):
    page.goto(page.url_for("/accounts/register/"))
    assert page.locator("h1").inner_text() == "註冊"
    page.get_by_label("電子郵件地址").fill(EMAIL)
    page.get_by_label("公開顯示名稱").fill("<b>瀏覽器</b>測試者")
    page.get_by_label("密碼", exact=True).fill(PASSWORD)
    page.get_by_label("再次輸入密碼").fill(PASSWORD)
    page.get_by_role("button", name="建立我的帳號").click()
    page.wait_for_url("**/accounts/confirm-email/")

    # a wrong code is reported beside the field
    code = last_code(EMAIL)
    page.get_by_label("驗證碼").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="確認", exact=True).click()
    field = page.get_by_label("驗證碼")
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_code_error" in field.get_attribute("aria-describedby")
    assert "不正確" in page.locator("#id_code_error").inner_text()

    page.get_by_label("驗證碼").fill(code)
    page.get_by_role("button", name="確認", exact=True).click()
    page.wait_for_url("**/accounts/profile/")
    assert "已驗證電子郵件" in page.locator("#verification-level").inner_text()
    # the display name is shown as text
    assert "<b>瀏覽器</b>測試者" in page.locator(".account-nav").inner_text()

    page.get_by_role("link", name="驗證您的手機號碼").click()
    page.get_by_label("手機號碼").fill("0955 123 456")
    page.get_by_role("button", name="寄送驗證碼").click()
    page.wait_for_url("**/accounts/phone/confirm/")
    page.get_by_label("驗證碼").fill(last_code("+886955123456"))
    page.get_by_role("button", name="確認", exact=True).click()
    page.wait_for_url("**/accounts/profile/")
    assert "已驗證電子郵件及手機" in page.locator("#verification-level").inner_text()

    page.get_by_role("button", name="登出", exact=True).click()
    page.get_by_role("link", name="登入").first.click()
    page.get_by_label("電子郵件地址").fill(EMAIL)
    page.get_by_label("密碼").fill(PASSWORD)
    page.get_by_role("button", name="登入").click()
    page.wait_for_url("**/accounts/profile/")

    page.locator("button[name=language][value=en]").click()
    page.wait_for_url("**/accounts/profile/")
    assert page.locator("h1").inner_text() == "Your profile"
    assert page.locator("html").get_attribute("lang") == "en"

    with page.expect_download() as info:
        page.get_by_role("button", name="Download my data").click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == EMAIL
    assert data["account"]["phone"] == "+886955123456"
    assert data["account"]["verification_level"] == "email+phone"
    assert User.objects.get(email=EMAIL).has_level("email+phone")


def test_email_link_page_needs_the_button(page, db):
    from opengov.accounts import services

    services.user_register(
        email="link.person@example.tw", password=PASSWORD, display_name="連結測試"
    )
    page.goto(page.url_for(last_link_path("link.person@example.tw")))
    assert User.objects.get(email="link.person@example.tw").email_verified_at is None
    page.get_by_role("button", name="確認我的電子郵件地址").click()
    page.wait_for_url("**/accounts/login/")
    assert User.objects.get(email="link.person@example.tw").email_verified_at is not None


@pytest.mark.parametrize(
    "path",
    ["/accounts/register/", "/accounts/login/", "/accounts/profile/", "/accounts/profile/tokens/"],
)
def test_pages_fit_a_360px_phone(phone_page, login_as, citizen, path):
    login_as(phone_page, citizen)
    phone_page.goto(phone_page.url_for(path))
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
