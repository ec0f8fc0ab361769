"""The action-plans block of the front page."""

import pytest

pytestmark = pytest.mark.django_db


def test_front_page_shows_the_newest_plan(client, plan, milestone):
    html = client.get("/").content.decode()
    assert 'id="home-action_plans"' in html
    assert f"/action-plans/{plan.slug}/" in html
    assert "&lt;script&gt;x&lt;/script&gt;第一期國家行動方案" in html


def test_front_page_has_no_plan_block_without_a_plan(client):
    assert b'id="home-action_plans"' not in client.get("/").content
