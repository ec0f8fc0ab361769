"""An election's office, vote date and collection window set on a page by an analyst (as
the API allows), audited, with errors beside the field at fault; the window set is the one
the election's page shows and the API answers."""

import datetime as dt

import pytest

from opengov.core.models import AuditEvent
from opengov.donations.models import Election

pytestmark = pytest.mark.django_db

VOTE = "2024-01-13"


@pytest.fixture
def election():
    return Election.objects.create(name="2023年<script>x</script>補選", office="legislator")


def url(election):
    return f"/donations/elections/{election.public_id}/edit/"


def post(client, election, **values):
    body = {"office": "legislator", "vote_date": VOTE, "window_start": "", "window_end": ""}
    return client.post(url(election), {**body, **values})


def unchanged(election):
    election.refresh_from_db()
    return (election.vote_date, election.window_start, election.window_end) == (None, None, None)


def test_only_analysts_edit_an_election(client, citizen, election):
    assert client.get(url(election)).status_code == 404
    client.force_login(citizen)
    assert client.get(url(election)).status_code == 404
    assert post(client, election).status_code == 404
    assert unchanged(election)
    page = client.get(f"/donations/elections/{election.public_id}/").content.decode()
    assert url(election) not in page


def test_analyst_sets_office_vote_date_and_window(client, moderator, election):
    client.force_login(moderator)
    page = client.get(f"/donations/elections/{election.public_id}/")
    assert url(election) in page.content.decode()
    form = client.get(url(election))
    text = form.content.decode()
    assert form.status_code == 200 and "<caption>" in text and 'type="date"' in text
    assert "<script>x</script>" not in text
    response = post(client, election, window_start="2023-10-01", window_end="2024-01-12")
    assert response.status_code == 302
    election.refresh_from_db()
    assert (election.vote_date, election.window_start, election.window_end) == (
        dt.date(2024, 1, 13),
        dt.date(2023, 10, 1),
        dt.date(2024, 1, 12),
    )
    event = AuditEvent.objects.get(verb="donations.election_updated")
    assert event.changes["after"]["window_start"] == "2023-10-01"
    shown = client.get(response["Location"]).content.decode()
    assert "2023-10-01 – 2024-01-12" in shown
    # both days left empty: the window of Art. 12 ¶1 (10 months before a legislative vote)
    assert post(client, election, office="legislator").status_code == 302
    shown = client.get(f"/donations/elections/{election.public_id}/").content.decode()
    assert "2023-03-13 – 2024-01-12" in shown


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"window_start": "2023-12-01", "window_end": "2023-11-01"}, "window_end"),
        ({"window_start": "2023-12-01"}, "window_end"),
        ({"window_end": "2023-12-01"}, "window_start"),
        ({"window_start": "2023-10-01", "window_end": "2024-01-13"}, "vote_date"),
        (
            {"vote_date": "2023-12-31", "window_start": "2023-10-01", "window_end": "2024-01-12"},
            "vote_date",
        ),
        ({"window_start": "2023-03-12", "window_end": "2024-01-12"}, "window_start"),
        ({"vote_date": "", "window_start": "2023-10-01", "window_end": "2024-01-12"}, "vote_date"),
        ({"office": "king"}, "office"),
        ({"vote_date": "2024-02-30"}, "vote_date"),
    ],
)
def test_errors_name_the_field_and_change_nothing(client, moderator, election, values, field):
    client.force_login(moderator)
    response = post(client, election, **values)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    assert unchanged(election)
    assert not AuditEvent.objects.filter(verb="donations.election_updated").exists()


def test_the_window_rules_are_the_profiles(client, moderator, election, settings):
    """A window opening 10 months before a legislative vote is refused once the profile
    says 6."""
    client.force_login(moderator)
    body = {"window_start": "2023-03-13", "window_end": "2024-01-12"}
    months = (
        ("president", 12),
        ("legislator", 6),
        ("mayor", 8),
        ("councillor", 8),
        ("township_chief", 8),
        ("township_representative", 4),
        ("village_chief", 4),
    )
    settings.OPENGOV_JURISDICTION_OVERRIDES = {"donations": {"collection_window_months": months}}
    refused = post(client, election, **body)
    assert refused.status_code == 400 and list(refused.context["form"].errors) == ["window_start"]
    assert unchanged(election)
    settings.OPENGOV_JURISDICTION_OVERRIDES = {}
    assert post(client, election, **body).status_code == 302


def test_api_keeps_the_window_when_it_is_not_given(client, moderator, election):
    client.force_login(moderator)
    api = f"/api/v1/donations/elections/{election.public_id}"
    window = {"window_start": "2023-10-01", "window_end": "2024-01-12"}
    body = {"office": "legislator", "vote_date": VOTE, **window}
    item = client.post(api, body, content_type="application/json").json()["item"]
    assert item["collection_window"] == {"start": "2023-10-01", "end": "2024-01-12"}
    again = {"office": "legislator", "vote_date": VOTE}
    item = client.post(api, again, content_type="application/json").json()["item"]
    assert item["window_set"] and item["collection_window"]["start"] == "2023-10-01"
    bad = client.post(
        api,
        {**again, "window_start": "2024-01-01", "window_end": "2023-12-01"},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422) and bad.json()["error"]["field"] == "window_end"
