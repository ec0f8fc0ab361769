"""Pages and API of spaces: public pages (escaped), the officials' page, forms refused with
400, the rules page, the revitalisation board, the statement page, /api/v1/spaces/."""

from __future__ import annotations

import datetime as dt

import pytest

from opengov.spaces import selectors, services
from opengov.spaces.models import Offer, ParticipantStatement, Project


@pytest.fixture
def project(space, citizen):
    """A revitalisation project in 竹東鎮 needing funding and partners."""
    return services.project_create(
        actor=citizen,
        space=space,
        place=selectors.place_by_code("10004020"),
        team="<b>竹東</b>團隊",
        title="老街共享工作室",
        problem="空屋多。",
        plan="活化街屋。",
        needs=["funding", "partners"],
    )


def test_places_ship_22_counties_and_368_townships(db):
    assert selectors.counties().count() == 22
    from opengov.spaces.models import Place

    assert Place.objects.filter(level="township").count() == 368
    assert str(selectors.place_by_code("63000010")) == "臺北市松山區"
    assert selectors.place_by_code("09007040").name == "東引鄉"
    for bad in ("", "abc", "6300", "\x00", "630000100"):
        assert selectors.place_by_code(bad) is None


def test_space_page_shows_rules_source_and_is_escaped(client, space, moderator):
    services.space_set_rules(actor=moderator, space=space, preset="taipei_ivoting")
    page = client.get(f"/spaces/{space.slug}/").content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert "1500" in page and "i-Voting" in page
    rules_page = client.get("/rules/").content.decode()
    assert "i-Voting" in rules_page and f"/spaces/{space.slug}/" in rules_page


def test_list_place_and_board_pages(client, space, project):
    assert client.get("/spaces/").status_code == 200
    assert client.get("/spaces/?kind=commitment&audience=youth&place=63000").status_code == 200
    assert client.get("/spaces/?place=%00").status_code in (200, 400)
    assert client.get("/spaces/places/").status_code == 200
    county = client.get("/spaces/places/10004/").content.decode()
    assert "竹東鎮" in county and "老街共享工作室" in county
    assert client.get("/spaces/places/99999/").status_code == 404
    board = client.get("/spaces/revitalisation/?need=funding&place=10004").content.decode()
    assert "老街共享工作室" in board
    assert "老街共享工作室" not in client.get("/spaces/revitalisation/?need=land").content.decode()
    assert (
        "老街共享工作室" not in client.get("/spaces/revitalisation/?place=63000").content.decode()
    )
    detail = client.get(f"/spaces/revitalisation/{project.public_id}/").content.decode()
    assert "&lt;b&gt;竹東&lt;/b&gt;團隊" in detail


def test_unpublished_space_page_is_not_found(client_for, start, moderator, agency, citizen):
    services.space_create(
        actor=moderator, slug="hidden", name="未公開", kind="local", host_agency=agency
    )
    assert client_for(None).get("/spaces/hidden/").status_code == 404
    assert client_for(citizen).get("/spaces/hidden/").status_code == 404
    assert client_for(moderator).get("/spaces/hidden/").status_code == 200
    assert client_for(None).get("/api/v1/spaces/hidden").status_code == 404


def test_manage_page_for_staff_only(client_for, space, citizen, official, moderator):
    assert client_for(citizen).get(f"/spaces/{space.slug}/manage/").status_code == 404
    assert client_for(official).get(f"/spaces/{space.slug}/manage/").status_code == 200
    c = client_for(moderator)
    refused = c.post(
        f"/spaces/{space.slug}/manage/",
        {"action": "rules", "rules-cosign_threshold": "20", "rules-rules_source": "x"},
    )
    assert refused.status_code == 400
    assert "5,000" in refused.content.decode()
    space.refresh_from_db()
    assert space.cosign_threshold is None
    done = c.post(
        f"/spaces/{space.slug}/manage/",
        {"action": "rules", "rules-cosign_threshold": "800", "rules-rules_source": "自治條例"},
    )
    assert done.status_code == 302
    space.refresh_from_db()
    assert space.cosign_threshold == 800
    event = c.post(
        f"/spaces/{space.slug}/manage/",
        {
            "action": "event",
            "event-title": "青年工作坊",
            "event-channel": "workshop",
            "event-held_on": "2026-03-01",
            "event-place": "63000010",
        },
    )
    assert event.status_code == 302 and space.events.get().place.code == "63000010"


def test_propose_page_respects_the_audience(client_for, space, make_people):
    space.audience_only = True
    space.save()
    (older,) = make_people(1, age_band="65_plus")
    form = {"title": "青年參與的提案", "content": "內容。", "benefits": "效益。"}
    refused = client_for(older).post(f"/spaces/{space.slug}/propose/", form)
    assert refused.status_code == 400
    (young,) = make_people(1, age_band="15_19")
    done = client_for(young).post(f"/spaces/{space.slug}/propose/", form)
    assert done.status_code == 302


def test_statement_page_states_and_withdraws(client_for, start, citizen):
    c = client_for(citizen)
    assert c.get("/spaces/statement/").status_code == 200
    saved = c.post("/spaces/statement/", {"age_band": "20_24", "hakka": "yes", "place": "10005"})
    assert saved.status_code == 302
    statement = ParticipantStatement.objects.get(user=citizen)
    assert statement.hakka is True and statement.place.code == "10005"
    assert c.post("/spaces/statement/", {"age_band": "bogus"}).status_code == 400
    c.post("/spaces/statement/", {"withdraw": "1"})
    assert not ParticipantStatement.objects.filter(user=citizen).exists()
    assert client_for(None).get("/spaces/statement/").status_code == 302


def test_board_offers_and_progress(client_for, project, official, citizen, other_official):
    c = client_for(official)
    url = f"/spaces/revitalisation/{project.public_id}/"
    assert c.post(url + "offers/", {"need": "land", "description": "x"}).status_code == 400
    assert c.post(url + "offers/", {"need": "funding", "description": "補助"}).status_code == 302
    offer = Offer.objects.get()
    assert offer.agency.code == "moi" and offer.organisation == "內政部"
    # only the team decides
    client_for(other_official).post(url + f"offers/{offer.public_id}/decide/", {"accept": "1"})
    offer.refresh_from_db()
    assert offer.status == "offered"
    team = client_for(citizen)
    team.post(url + f"offers/{offer.public_id}/decide/", {"accept": "1"})
    offer.refresh_from_db()
    assert offer.status == "accepted"
    added = team.post(
        url + "milestones/", {"title": "修繕", "starts_on": "2026-03-01", "ends_on": "2026-06-01"}
    )
    assert added.status_code == 302
    milestone = project.milestones.get()
    other = client_for(other_official).post(
        url + f"milestones/{milestone.pk}/progress/",
        {"status": "ongoing", "progress": "50", "note": "x"},
    )
    assert other.status_code == 302
    milestone.refresh_from_db()
    assert milestone.progress == 0  # refused: not the team
    team.post(
        url + f"milestones/{milestone.pk}/progress/",
        {"status": "ongoing", "progress": "50", "note": "進行中"},
    )
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == ("ongoing", 50)
    assert selectors.project_progress(project) == 50


def test_project_refusals(start, citizen, unverified, space):
    from opengov.core.errors import ServiceError

    place = selectors.place_by_code("10014060")
    base = {
        "place": place,
        "team": "團隊",
        "title": "計畫",
        "problem": "p",
        "plan": "p",
        "needs": ["funding"],
    }
    with pytest.raises(ServiceError):
        services.project_create(actor=unverified, **{**base, "needs": ["funding"]})
    with pytest.raises(ServiceError) as refused:
        services.project_create(actor=citizen, **{**base, "needs": ["gold"]})
    assert refused.value.field == "needs"
    project = services.project_create(actor=citizen, **base)
    milestone = services.milestone_add(
        actor=citizen,
        project=project,
        title="m",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 4, 1),
    )
    with pytest.raises(ServiceError) as refused:
        services.progress_report(
            actor=citizen, milestone=milestone, status="completed", progress=60, note="n"
        )
    assert refused.value.field == "progress"
    assert Project.objects.count() == 1


def test_api_lists_and_details(client, space, space_proposal, project, moderator):
    services.space_set_rules(actor=moderator, space=space, preset="taipei_ivoting")
    listed = client.get("/api/v1/spaces?audience=youth").json()
    assert listed["count"] == 1 and listed["items"][0]["key"] == "youth"
    assert listed["items"][0]["cosign_threshold"] == 1500
    detail = client.get("/api/v1/spaces/youth").json()
    assert detail["proposals"] == [str(space_proposal.public_id)]
    assert detail["participation"]["total"] is None  # one participant: held back
    assert detail["rules_source"].startswith("Taipei")
    places = client.get("/api/v1/spaces/places?county=10004&page_size=100").json()
    assert places["count"] == 13
    projects = client.get("/api/v1/spaces/projects?need=partners").json()
    assert [p["id"] for p in projects["items"]] == [str(project.public_id)]
    assert client.get(f"/api/v1/spaces/projects/{project.public_id}").json()["team"]
    assert client.get("/api/v1/spaces/places?county=abc").status_code == 422
    # the proposals API carries the space, and can leave space content out
    proposals = client.get("/api/v1/proposals?space=national").json()
    assert proposals["count"] == 0
    mine = client.get("/api/v1/proposals?space=youth").json()
    assert mine["items"][0]["space"] == "youth"


def test_api_statement_set_and_withdraw(client_for, start, citizen):
    c = client_for(citizen)
    put = c.put(
        "/api/v1/spaces/me/statement",
        data={"age_band": "30_35", "indigenous": True, "place": "10014160"},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["place"] == "10014160"
    bad = c.put(
        "/api/v1/spaces/me/statement",
        data={"place": "99999"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "place"
    assert c.delete("/api/v1/spaces/me/statement").json()["age_band"] is None
    assert not ParticipantStatement.objects.filter(user=citizen).exists()
    assert client_for(None).get("/api/v1/spaces/me/statement").status_code == 401


def test_demo_loads_twice(db, clock):
    import io

    from opengov.accounts import demo as accounts_demo
    from opengov.spaces import demo
    from opengov.spaces.models import Space

    clock.set(2026, 3, 2, 9)
    out = io.StringIO()
    accounts_demo.load(stdout=out)
    demo.load(stdout=out)
    demo.load(stdout=out)
    slugs = set(Space.objects.values_list("slug", flat=True))
    assert {
        "youth",
        "gender",
        "new-immigrants",
        "indigenous",
        "hakka",
        "regional-revitalisation",
    } <= slugs
    assert Project.objects.count() == 2
    assert Space.objects.get(slug="taipei").cosign_threshold == 1500


def test_feeds_carry_the_space(client, space, space_proposal, official):
    from opengov.consultations import services as consultation_services

    consultation = consultation_services.consultation_create(
        actor=official, agency=space.host_agency, kind="policy", title="青年政策", summary="摘要"
    )
    consultation_services.consultation_publish(actor=official, consultation=consultation)
    services.space_consultation_attach(actor=official, space=space, consultation=consultation)
    proposals_feed = client.get("/proposals/feeds/new/").content.decode()
    assert "space:youth" in proposals_feed
    consultations_feed = client.get("/consultations/feed.atom").content.decode()
    assert "space:youth" in consultations_feed


def test_front_page_shows_the_spaces(client, space, project):
    page = client.get("/").content.decode()
    assert f"/spaces/{space.slug}/" in page and "/spaces/revitalisation/" in page


def test_proposal_page_shows_its_space_and_offline_input(client, space, space_proposal, official):
    services.offline_input_add(
        actor=official,
        space=space,
        target_kind="proposal",
        target_id=space_proposal.public_id,
        channel="hotline",
        people=12,
        summary="<i>電話</i>意見",
    )
    page = client.get(f"/proposals/{space_proposal.public_id}/").content.decode()
    assert f"/spaces/{space.slug}/" in page
    assert "&lt;i&gt;電話&lt;/i&gt;意見" in page and ">12<" in page


def test_moderators_translate_a_space_and_readers_see_their_language(
    client_for, space, moderator, official
):
    url = f"/api/v1/spaces/{space.slug}/translations/vi"
    body = {"name": "Không gian thanh niên", "description": "Nơi thanh niên đề xuất."}
    refused = client_for(official).put(url, data=body, content_type="application/json")
    assert refused.status_code in (403, 404)
    c = client_for(moderator)
    saved = c.put(url, data=body, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["fields"]["name"] == body["name"]
    unknown = c.put(
        f"/api/v1/spaces/{space.slug}/translations/xx", data=body, content_type="application/json"
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "language"
    reader = client_for(None)
    assert reader.get(f"/api/v1/spaces/{space.slug}").json()["translations"]["vi"] == body
    reader.cookies["django_language"] = "vi"
    page = reader.get(f"/spaces/{space.slug}/").content.decode()
    assert '<h1 lang="vi">Không gian thanh niên</h1>' in page
    assert "Nơi thanh niên đề xuất." in page
    c.put(url, data={"name": ""}, content_type="application/json")
    assert "name" not in reader.get(f"/api/v1/spaces/{space.slug}").json()["translations"]["vi"]


def test_list_and_detail_pages_query_count_does_not_grow_with_townships(
    client, space, citizen, moderator, agency
):
    """A township's name is shown with its county's, so lists read the county in the same
    query (no query per space, event or project)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    townships = ("10004020", "63000010", "09007040", "10004010")

    def grow(start: int, n: int) -> None:
        for i in range(start, start + n):
            place = selectors.place_by_code(townships[i % len(townships)])
            s = services.space_create(
                actor=moderator,
                slug=f"local-{i}",
                name=f"地方{i}",
                kind="local",
                host_agency=agency,
                place=place,
            )
            services.space_publish(actor=moderator, space=s)
            services.project_create(
                actor=citizen,
                space=space,
                place=place,
                team=f"團隊{i}",
                title=f"計畫{i}",
                problem="空屋多。",
                plan="活化街屋。",
                needs=["funding"],
            )

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    grow(0, 2)
    before = {url: queries(url) for url in ("/spaces/", f"/spaces/{space.slug}/")}
    grow(2, 4)
    after = {url: queries(url) for url in before}
    assert after == before


def test_pending_proposal_page_shows_the_space_threshold(client, space, citizen, moderator):
    """Before publication fixes a proposal's threshold, its page shows the one of its space."""
    services.space_set_rules(actor=moderator, space=space, preset="taipei_ivoting")
    services.statement_set(actor=citizen, age_band="20_24")
    proposal = services.space_propose(
        actor=citizen,
        space=space,
        title="青年住宅補貼方案",
        content="提高補貼。",
        benefits="減輕負擔。",
    )
    assert proposal.threshold is None
    client.force_login(citizen)
    response = client.get(f"/proposals/{proposal.public_id}/")
    assert response.status_code == 200
    assert response.context["threshold"] == 1500
