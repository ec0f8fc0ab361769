"""Vietnamese on a 360-px phone in Chromium: the switcher, the home page, a proposal with its
answer and a consultation, each in Vietnamese, with the right `lang` and no sideways scroll."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def answered_proposal(profile, agency, official, moderator):
    """A proposal that passed a threshold of 2 and has an answer with an easy-read summary."""
    from opengov.accounts.tests.factories import UserFactory
    from opengov.proposals import services

    profile(proposals={"cosign_threshold": 2})
    proposal = services.proposal_create(
        actor=UserFactory(display_name="Nguyễn Thị Lan"),
        title="Thêm lớp học tiếng Trung miễn phí cho cư dân mới ở các quận",
        content="Nhiều cư dân mới muốn học tiếng Trung nhưng lớp học ở xa và thường đầy chỗ.",
        benefits="Cư dân mới dễ tìm việc làm và tham gia cộng đồng hơn.",
        agencies=[agency.code],
        tags=["giáo dục"],
        submit=True,
    )
    proposal = services.proposal_publish(actor=moderator, proposal=proposal)
    services.signature_create(actor=UserFactory(), proposal=proposal)
    services.response_publish(
        actor=official,
        proposal=proposal,
        summary="本部將於各區增開新住民華語班。",
        easy_read_summary="Chúng tôi sẽ mở thêm lớp học tiếng Trung ở mỗi quận.",
        points=[
            {
                "position": "adopted",
                "explanation": "增開班級",
                "planned_date": dt.date(2026, 12, 31),
            }
        ],
    )
    return proposal


@pytest.fixture
def open_consultation(clock, agency, official):
    """A published policy consultation with an easy-read summary, open for comment."""
    from opengov.consultations import services

    clock.set(2026, 3, 2, 9)
    consultation = services.consultation_create(
        actor=official,
        agency=agency,
        kind="policy",
        title="新住民參與公共事務辦法草案",
        summary="本草案規定新住民參與公共政策討論的方式。",
        easy_read_summary="Chính phủ muốn nghe ý kiến của cư dân mới. Bạn có thể góp ý trực tuyến.",
        closes_on=dt.date(2026, 3, 31),
    )
    return services.consultation_publish(actor=official, consultation=consultation)


@pytest.fixture
def vi_phone(browser, live_server, settings):
    """A 360-px-wide page whose browser asks for Vietnamese."""
    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.url_for = lambda path: live_server.url + path
    yield page
    context.close()


def assert_vietnamese_and_fits(page) -> None:
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator(".lang-current").inner_text() == "Tiếng Việt"
    assert page.evaluate(OVERFLOW) <= 0, f"{page.url} scrolls sideways at 360 px"


def test_switcher_turns_the_site_vietnamese(phone_page):
    phone_page.goto(phone_page.url_for("/"))
    assert phone_page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    switcher = phone_page.locator("nav.lang-nav")
    for tag, name in [("en", "English"), ("vi", "Tiếng Việt"), ("id", "Bahasa Indonesia")]:
        assert switcher.locator(f"button[lang={tag}]").inner_text() == name
    assert switcher.locator("button[lang=th]").inner_text() == "ภาษาไทย"
    assert phone_page.evaluate(OVERFLOW) <= 0
    switcher.locator("button[lang=vi]").click()
    phone_page.wait_for_selector("html[lang=vi]")
    assert_vietnamese_and_fits(phone_page)
    assert phone_page.get_by_role("link", name="Đề xuất", exact=True).count() >= 1
    assert phone_page.locator("nav.lang-nav").get_attribute("aria-label") == "Ngôn ngữ"


def test_home_proposal_and_consultation_in_vietnamese_at_360px(
    vi_phone, answered_proposal, open_consultation
):
    vi_phone.goto(vi_phone.url_for("/"))
    assert_vietnamese_and_fits(vi_phone)
    assert "Nền tảng Chính phủ Mở" in vi_phone.locator("header").inner_text()

    vi_phone.goto(vi_phone.url_for(f"/proposals/{answered_proposal.public_id}/"))
    assert_vietnamese_and_fits(vi_phone)
    assert vi_phone.locator("#h-response").inner_text() == "Câu trả lời của cơ quan"
    easy = vi_phone.locator("section.easy-read")
    assert "Bản dễ đọc" in easy.locator("h3").inner_text()
    assert "Chúng tôi sẽ mở thêm lớp học" in easy.inner_text()

    vi_phone.goto(vi_phone.url_for(f"/consultations/{open_consultation.public_id}/"))
    assert_vietnamese_and_fits(vi_phone)
    assert vi_phone.locator("#summary-heading").inner_text() == "Tóm tắt"
    assert "Chính phủ muốn nghe ý kiến" in vi_phone.locator("section.easy-read").inner_text()

    vi_phone.goto(vi_phone.url_for("/proposals/"))
    assert_vietnamese_and_fits(vi_phone)
    vi_phone.goto(vi_phone.url_for("/consultations/"))
    assert_vietnamese_and_fits(vi_phone)


@pytest.mark.parametrize("code", ["vi", "id", "th", "en"])
def test_main_pages_fit_360px_in_each_shipped_language(browser, live_server, settings, code):
    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        for path in ("/", "/proposals/", "/consultations/", "/action-plans/", "/data/"):
            page.goto(live_server.url + path)
            assert page.locator("html").get_attribute("lang") == code
            assert page.evaluate(OVERFLOW) <= 0, f"{path} scrolls sideways at 360 px in {code}"
    finally:
        context.close()
