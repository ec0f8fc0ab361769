"""End to end in Chromium: an official publishes a draft, a citizen comments on article 3,
the official answers after the period, and the citizen reads the report."""

from __future__ import annotations

import pytest

from opengov.accounts.tests.factories import UserFactory
from opengov.consultations.models import Comment, Consultation, State

from .conftest import AMENDMENT, after_period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch(page, login_as, user):
    page.context.clear_cookies()
    login_as(page, user)


def test_publish_comment_answer_read_report(page, login_as, clock, agency, official):
    clock.set(2026, 3, 2, 9)
    citizen = UserFactory(display_name="關心的市民")
    page.on("dialog", lambda dialog: dialog.accept())

    # the official creates the consultation, imports the draft and publishes it
    login_as(page, official)
    page.goto(page.url_for("/consultations/new/"))
    page.select_option("#id_kind", "draft_regulation")
    page.fill("#id_title", "數位發展部組織法修正草案")
    page.fill("#id_summary", "配合組織改造修正。")
    page.fill("#id_legal_basis", "行政程序法第一百五十四條")
    page.click("main button[type=submit]")
    page.wait_for_url("**/consultations/*/")
    consultation = Consultation.objects.get()
    page.click("text=從檔案匯入條文")
    page.fill("#id_text", AMENDMENT)
    page.click("main button[type=submit]")
    assert page.locator("table th[scope=row]", has_text="第三條").count() == 1
    # the title line is recognised as the draft's title: nothing to confirm as left out
    assert page.locator(".draft-heading dd", has_text="數位發展部組織法部分條文修正草案").count()
    assert page.locator("#accept-unplaced").count() == 0
    page.click("button[name=confirm]")
    page.wait_for_url(f"**/consultations/{consultation.public_id}/")
    page.click("main form[action$='/publish/'] button")
    page.wait_for_selector("text=開放意見徵集")
    consultation.refresh_from_db()
    assert consultation.state == State.OPEN

    # the citizen comments on article 3
    switch(page, login_as, citizen)
    page.goto(page.url_for(f"/consultations/{consultation.public_id}/"))
    page.click("#article-3 h3 a")
    page.check("input[name=stance][value=oppose]")
    page.fill("#id_body", "施行日期應給予緩衝期。")
    page.click("button:has-text('發表意見')")
    page.wait_for_selector("text=施行日期應給予緩衝期。")
    comment = Comment.objects.get()
    assert comment.article.position == 3

    # after the period the official answers and publishes the report
    after_period(clock, consultation)
    switch(page, login_as, official)
    page.goto(page.url_for(f"/consultations/{consultation.public_id}/handle/"))
    page.check(f"input[name=comments][value='{comment.public_id}']")
    page.select_option("#id_decision", "partly_adopted")
    page.fill("#id_reason", "將於施行細則中訂定過渡期間。")
    page.click("button:has-text('儲存')")
    page.wait_for_selector("text=每則意見都已有處理結果")
    page.goto(page.url_for(f"/consultations/{consultation.public_id}/report/"))
    page.fill("#id_summary", "共收到一則意見，已部分採納。")
    page.click("button:has-text('發布處理報告')")
    page.wait_for_selector("text=處理報告已發布")

    # the citizen reads the report
    switch(page, login_as, citizen)
    page.goto(page.url_for(f"/consultations/{consultation.public_id}/"))
    page.click("text=閱讀意見處理報告")
    page.wait_for_selector("text=將於施行細則中訂定過渡期間。")
    assert "部分採納" in page.content()
    assert "施行日期應給予緩衝期。" in page.content()


def test_consultation_page_fits_a_phone(phone_page, login_as, clock, agency, official):
    from opengov.consultations import services
    from opengov.consultations.models import Kind

    clock.set(2026, 3, 2, 9)
    consultation = services.consultation_create(
        actor=official, agency=agency, kind=Kind.DRAFT_REGULATION, title="手機版", summary="s"
    )
    services.articles_import(
        actor=official, consultation=consultation, data=AMENDMENT, accept_unplaced=[1]
    )
    services.consultation_publish(actor=official, consultation=consultation)
    for path in ("", "articles/2/"):
        phone_page.goto(phone_page.url_for(f"/consultations/{consultation.public_id}/{path}"))
        overflow = phone_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
