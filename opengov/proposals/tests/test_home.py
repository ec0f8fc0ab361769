"""The proposals block of the front page: answer statistics and what to co-sign."""

import pytest

pytestmark = pytest.mark.django_db


def test_front_page_counts_and_lists_open_proposals(client, published, passed):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="home-proposals"' in html
    assert str(published.public_id) in html  # open: listed as one to co-sign
    assert str(passed.public_id) not in html  # passed: counted, not listed
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x</script>" not in html


def test_front_page_overdue_answer_is_counted(client, passed, clock):
    clock.set_to(passed.response_due)
    clock.advance(days=1)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = html.split('id="home-proposals"')[1].split("</section>")[0]
    assert '<span class="figure danger">1</span> answer overdue' in section
