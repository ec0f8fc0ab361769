"""Atom feeds carry sanitised HTML: user text with script never reaches a feed reader live.

A feed reader renders `<summary type="html">` as HTML, so the test reads the summary as a
reader would (the XML text) and checks that no tag or handler from the user survives.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from opengov.accounts.tests.factories import UserFactory
from opengov.consultations import services as consultations
from opengov.consultations.models import Kind
from opengov.proposals import services as proposals

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PAYLOAD = (
    '<script>alert("feed")</script> 第一段 <img src=x onerror="alert(1)"> '
    '<a href="javascript:alert(2)">點我</a>\n\n**第二段**'
)


def summaries(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [e.findtext(f"{ATOM}summary") or "" for e in root.iter(f"{ATOM}entry")]


class _Tags(HTMLParser):
    """The tags and attributes a feed reader would build from the summary."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_inert(html: str) -> None:
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "iframe", "object"), html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert not (value or "").strip().lower().startswith("javascript:"), html
    assert "第一段" in html  # the text itself is kept, as text


@pytest.fixture
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_proposal_feeds(client, clock, profile, agency, moderator, official, _fast_passwords):
    clock.set(2026, 3, 2, 9)
    profile(proposals={"cosign_threshold": 2})
    proposal = proposals.proposal_create(
        actor=UserFactory(),
        title="<script>t</script>自行車道",
        content=PAYLOAD,
        benefits="減碳",
        agencies=[agency.code],
        tags=[],
        evidence_links=[],
        submit=True,
    )
    proposal = proposals.proposal_publish(actor=moderator, proposal=proposal)
    proposals.signature_create(actor=UserFactory(), proposal=proposal)
    proposals.response_publish(
        actor=official,
        proposal=proposal,
        summary=PAYLOAD,
        points=[
            {"position": "adopted", "explanation": "將增設", "planned_date": dt.date(2026, 12, 31)}
        ],
    )
    for url in ("/proposals/feeds/new/", "/proposals/feeds/passed/", "/proposals/feeds/answered/"):
        found = summaries(client, url)
        assert found, url
        for html in found:
            assert_inert(html)
    # Plain text stays text: the user's tags are shown escaped, in paragraphs.
    html = summaries(client, "/proposals/feeds/new/")[0]
    assert "&lt;script&gt;" in html and html.startswith("<p>")


def test_consultation_feed(client, clock, official, agency):
    clock.set(2026, 3, 2, 9)
    consultation = consultations.consultation_create(
        actor=official,
        agency=agency,
        kind=Kind.POLICY,
        title="政策",
        summary=PAYLOAD,
        closes_on=clock.today().replace(month=4),
    )
    consultations.article_add(actor=official, consultation=consultation, label="第一條", text="x")
    consultations.consultation_publish(actor=official, consultation=consultation)
    [html] = summaries(client, "/consultations/feed.atom")
    assert_inert(html)
    assert "<strong>第二段</strong>" in html  # the summary's Markdown is rendered
