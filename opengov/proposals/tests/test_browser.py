"""End to end in Chromium: a citizen proposes, a moderator publishes, co-signers sign until
the (lowered) threshold, the official answers, and the proposer sees the answer."""

from __future__ import annotations

import pytest

from opengov.accounts.tests.factories import UserFactory
from opengov.proposals.models import Proposal, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch(page, login_as, user):
    page.context.clear_cookies()
    login_as(page, user)


def test_propose_publish_cosign_answer(page, login_as, profile, agency, moderator, official):
    profile(proposals={"cosign_threshold": 3})
    proposer = UserFactory(display_name="提案人小林")
    signers = [UserFactory(display_name=f"附議人{i}") for i in range(2)]

    # the citizen proposes
    login_as(page, proposer)
    page.goto(page.url_for("/proposals/new/"))
    page.fill("#id_title", "<script>alert(1)</script>公車站增設遮雨棚")
    page.fill("#id_content", "多數公車站沒有遮雨棚，雨天候車不便。")
    page.fill("#id_benefits", "提升大眾運輸使用意願。")
    page.check(f"input[name=agencies][value={agency.code}]")
    page.fill("#id_tags", "交通")
    page.click("button[name=submit]")
    page.wait_for_url("**/proposals/mine/")
    assert "公車站增設遮雨棚" in page.content()
    proposal = Proposal.objects.get(proposer=proposer)
    assert proposal.status == Status.SUBMITTED

    # the moderator publishes it from the queue
    switch(page, login_as, moderator)
    page.goto(page.url_for("/proposals/review/"))
    page.click(f"a[href='/proposals/{proposal.public_id}/review/']")
    page.check("input[name=decision][value=publish]")
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_url("**/proposals/review/")
    proposal.refresh_from_db()
    assert proposal.status == Status.PUBLISHED

    # two co-signers sign; the proposer counted as the first
    for signer in signers:
        switch(page, login_as, signer)
        page.goto(page.url_for(f"/proposals/{proposal.public_id}/"))
        page.fill("#id_reason", "我也支持")
        page.click("#cosign button[type=submit]")
        page.wait_for_selector(".signed")
    assert page.locator("progress").first.get_attribute("value") == "3"
    proposal.refresh_from_db()
    assert proposal.passed_at is not None
    # script typed into the title is shown as text
    assert page.locator("h1").first.inner_text().startswith("<script>")

    # the official answers point by point
    switch(page, login_as, official)
    page.goto(page.url_for(f"/proposals/{proposal.public_id}/"))
    page.click(f"a[href='/proposals/{proposal.public_id}/respond/']")
    page.fill("#id_summary", "本部將於明年度編列預算增設遮雨棚。")
    page.select_option("#id_points-0-position", "adopted")
    page.fill("#id_points-0-explanation", "優先於轉乘站設置。")
    page.fill("#id_points-0-planned_date", "2027-06-30")
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_selector("#response")

    # the proposer sees the answer
    switch(page, login_as, proposer)
    page.goto(page.url_for(f"/proposals/{proposal.public_id}/"))
    response = page.locator("#response")
    assert "本部將於明年度編列預算增設遮雨棚。" in response.inner_text()
    assert "優先於轉乘站設置。" in response.inner_text()
    assert page.locator("#response form").count() == 1  # may rate it


def test_proposal_page_fits_a_phone(phone_page, login_as, profile, agency, moderator):
    from opengov.proposals import services

    from .conftest import make_proposal

    proposal = services.proposal_publish(
        actor=moderator, proposal=make_proposal(UserFactory(), agency)
    )
    for path in (f"/proposals/{proposal.public_id}/", "/proposals/", "/proposals/watch/"):
        phone_page.goto(phone_page.url_for(path))
        overflow = phone_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path


def test_similar_proposals_appear_while_typing(page, login_as, agency, moderator):
    from opengov.proposals import services

    from .conftest import make_proposal

    existing = services.proposal_publish(
        actor=moderator,
        proposal=make_proposal(UserFactory(), agency, title="捷運延長營運到凌晨兩點"),
    )
    login_as(page, UserFactory())
    page.goto(page.url_for("/proposals/new/"))
    page.fill("#id_title", "捷運延長營運")
    link = page.locator(f"#similar-proposals a[href='/proposals/{existing.public_id}/']")
    link.wait_for()
    assert "捷運延長營運到凌晨兩點" in link.inner_text()
