"""In Chromium at 360 px: a citizen votes through the plain forms and reads the map."""

from __future__ import annotations

import pytest

from opengov.opinions import services
from opengov.opinions.models import Vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_vote_and_read_the_map_on_a_phone(phone_page, login_as, conversation, voters, citizen):
    for i, person in enumerate(voters):
        for n in (1, 2, 3):
            value = 1 if n == 3 else (1 if (i < 6) == (n == 1) else -1)
            services.vote_cast(
                actor=person, conversation=conversation, statement_number=n, value=value
            )
    services.map_recompute(conversation=conversation)
    page = phone_page
    login_as(page, citizen)
    page.goto(page.url_for(f"/opinions/{conversation.public_id}/vote/"))
    for _ in range(3):
        page.click("button[name=value][value=agree]")
    page.wait_for_selector("text=您已對所有看法投票")
    assert Vote.objects.filter(participant__user=citizen).count() == 3
    page.goto(page.url_for(f"/opinions/{conversation.public_id}/"))
    svg = page.locator("svg.opinion-map")
    assert svg.count() == 1
    assert svg.bounding_box()["width"] <= 360
    assert page.locator("table caption").count() == 1
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow
