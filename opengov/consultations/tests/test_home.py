"""The consultations block of the front page."""

import pytest

pytestmark = pytest.mark.django_db


def test_front_page_lists_open_drafts_escaped(client, open_consultation):
    html = client.get("/").content.decode()
    assert 'id="home-consultations"' in html
    assert str(open_consultation.public_id) in html
    assert "&lt;script&gt;x&lt;/script&gt;數位發展部組織法修正草案" in html
    assert "<script>x</script>" not in html


def test_front_page_says_when_nothing_is_open(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"No draft is open for comment right now." in response.content
