"""Spaces' services: rule overrides (and refusals), audience checks, the permission matrix of
space staff, offline input, who took part (suppression and withdrawal), erasure."""

from __future__ import annotations

import datetime as dt

import pytest

from opengov.consultations import services as consultation_services
from opengov.core import scopes
from opengov.core.errors import Forbidden, NotFound, ServiceError
from opengov.proposals import selectors as proposal_selectors
from opengov.proposals import services as proposal_services
from opengov.spaces import selectors, services
from opengov.spaces.models import OfflineInput, ParticipantStatement, Space, SpaceRole

# --- rule overrides ----------------------------------------------------------------------------


def test_override_applies_to_proposals_published_in_the_space(space, moderator, space_proposal):
    assert space_proposal.threshold == 5000  # national rules until the space sets its own
    services.space_set_rules(actor=moderator, space=space, preset="taipei_ivoting")
    space.refresh_from_db()
    assert (space.cosign_threshold, space.cosign_window_days) == (1500, 45)
    assert "i-Voting" in space.rules_source
    citizen2 = space_proposal.proposer
    proposal = services.space_propose(
        actor=citizen2, space=space, title="青年第二個提案", content="內容。", benefits="效益。"
    )
    proposal = proposal_services.proposal_publish(actor=moderator, proposal=proposal)
    assert proposal.threshold == 1500
    local = proposal.cosign_deadline.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert local == dt.date(2026, 3, 2) + dt.timedelta(days=45)
    # a national proposal keeps the national rules
    national = proposal_services.proposal_create(
        actor=citizen2,
        title="全國性的提案",
        content="內容。",
        benefits="效益。",
        agencies=[space.host_agency],
        submit=True,
    )
    national = proposal_services.proposal_publish(actor=moderator, proposal=national)
    assert national.threshold == 5000


def test_scoped_profile_cites_the_space_source(space, moderator):
    services.space_set_rules(
        actor=moderator, space=space, cosign_threshold=2000, source="某縣公共參與自治條例 第5條"
    )
    profile = scopes.jurisdiction_for("youth")
    assert profile.proposals.cosign_threshold == 2000
    assert dict(profile.own_sources)["proposals.cosign_threshold"] == "某縣公共參與自治條例 第5條"
    assert scopes.jurisdiction_for("").proposals.cosign_threshold == 5000


@pytest.mark.parametrize(
    ("kwargs", "field", "needle"),
    [
        ({"cosign_threshold": 50, "source": "x"}, "cosign_threshold", "5,000"),
        ({"cosign_threshold": 9000, "source": "x"}, "cosign_threshold", "100"),
        ({"cosign_window_days": 365, "source": "x"}, "cosign_window_days", "90"),
        ({"cosign_window_days": 7, "source": "x"}, "cosign_window_days", "30"),
        ({"cosign_threshold": 1000}, "rules_source", ""),
    ],
)
def test_override_outside_the_law_is_refused_and_changes_nothing(
    space, moderator, kwargs, field, needle
):
    with pytest.raises(ServiceError) as refused:
        services.space_set_rules(actor=moderator, space=space, **kwargs)
    assert refused.value.field == field
    assert needle in str(refused.value.message)
    space.refresh_from_db()
    assert space.cosign_threshold is None and space.cosign_window_days is None


# --- permission matrix -------------------------------------------------------------------------


@pytest.fixture
def staff(space, make_people, moderator):
    """A space moderator and a space official named by role (not agency officials)."""
    space_moderator, space_official = make_people(2)
    services.space_role_grant(actor=moderator, space=space, user=space_moderator, role="moderator")
    services.space_role_grant(actor=moderator, space=space, user=space_official, role="official")
    return {"space_moderator": space_moderator, "space_official": space_official}


MATRIX = {
    # role: (may set rules, may record events / offline input)
    "anonymous": (False, False),
    "citizen": (False, False),
    "other_official": (False, False),
    "official": (False, True),  # official of the host agency
    "agency_admin": (True, True),  # administrator of the host agency
    "space_official": (False, True),
    "space_moderator": (True, True),
    "moderator": (True, True),  # platform operator
    "admin": (True, True),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix_of_space_staff(role, space, people, staff, agency_admin):
    from django.contrib.auth.models import AnonymousUser

    actor = {**people, **staff, "agency_admin": agency_admin}[role] or AnonymousUser()
    may_set_rules, may_act = MATRIX[role]
    if may_set_rules:
        services.space_set_rules(actor=actor, space=space, cosign_threshold=1200, source="src")
        space.refresh_from_db()
        assert space.cosign_threshold == 1200
    else:
        with pytest.raises(ServiceError):
            services.space_set_rules(actor=actor, space=space, cosign_threshold=1200, source="s")
        space.refresh_from_db()
        assert space.cosign_threshold is None
    events_before = space.events.count()
    if may_act:
        services.event_create(
            actor=actor,
            space=space,
            title="青年工作坊",
            channel="workshop",
            held_on=dt.date(2026, 3, 1),
        )
        assert space.events.count() == events_before + 1
    else:
        with pytest.raises(ServiceError):
            services.event_create(
                actor=actor,
                space=space,
                title="x",
                channel="workshop",
                held_on=dt.date(2026, 3, 1),
            )
        assert space.events.count() == events_before
    roles_before = SpaceRole.objects.count()
    if may_set_rules:
        services.space_role_grant(actor=actor, space=space, user=people["citizen"], role="official")
        assert SpaceRole.objects.count() == roles_before + 1
    else:
        with pytest.raises(ServiceError):
            services.space_role_grant(
                actor=actor, space=space, user=people["citizen"], role="official"
            )
        assert SpaceRole.objects.count() == roles_before


def test_unpublished_space_is_not_found_for_outsiders(start, moderator, agency, citizen, official):
    hidden = services.space_create(
        actor=moderator, slug="draft-space", name="草稿", kind="local", host_agency=agency
    )
    assert selectors.space_by_slug(citizen, "draft-space") is None
    assert selectors.space_by_slug(None, "draft-space") is None
    assert selectors.space_by_slug(official, "draft-space") == hidden
    with pytest.raises(NotFound):
        services.space_set_rules(actor=citizen, space=hidden, cosign_threshold=1000, source="s")
    with pytest.raises(Forbidden):
        proposal_services.proposal_create(
            actor=citizen,
            title="青年參與的提案",
            content="c",
            benefits="b",
            agencies=[agency],
            submit=True,
            space="draft-space",
        )


def test_only_moderators_and_agency_admins_create_spaces(start, official, agency):
    with pytest.raises(Forbidden):
        services.space_create(
            actor=official, slug="mine", name="x", kind="local", host_agency=agency
        )
    assert not Space.objects.filter(slug="mine").exists()


def test_space_slug_and_reserved_paths(start, moderator, agency, space):
    for slug in ("places", "youth", "A B", "x"):
        with pytest.raises(ServiceError) as refused:
            services.space_create(
                actor=moderator, slug=slug, name="x", kind="local", host_agency=agency
            )
        assert refused.value.field == "slug"


# --- audience ----------------------------------------------------------------------------------


def test_audience_only_space_refuses_people_outside_it(space, moderator, make_people):
    space.audience_only = True
    space.save()
    older, unstated, young = make_people(3)
    services.statement_set(actor=older, age_band="50_64")
    services.statement_set(actor=young, age_band="25_29")
    for outsider in (older, unstated):
        with pytest.raises(Forbidden) as refused:
            services.space_propose(
                actor=outsider, space=space, title="青年參與的提案", content="c", benefits="b"
            )
        assert refused.value.code == "not_in_audience"
        assert "15" in str(refused.value.message) and "35" in str(refused.value.message)
    proposal = services.space_propose(
        actor=young, space=space, title="青年參與的提案", content="c", benefits="b"
    )
    assert proposal.space == "youth"
    # the proposals app asks the same gate: a direct call cannot slip past it
    with pytest.raises(Forbidden):
        proposal_services.proposal_create(
            actor=older,
            title="青年參與的提案",
            content="c",
            benefits="b",
            agencies=[space.host_agency],
            submit=True,
            space="youth",
        )


def test_residents_audience(start, moderator, agency, make_people):
    hsinchu = selectors.place_by_code("10004")
    space = services.space_create(
        actor=moderator,
        slug="hsinchu",
        name="新竹縣",
        kind="local",
        host_agency=agency,
        audience="residents",
        audience_place=hsinchu,
        audience_only=True,
        place=hsinchu,
    )
    services.space_publish(actor=moderator, space=space)
    (resident,) = make_people(1, place="10004020")
    (outsider,) = make_people(1, place="63000010")
    assert services.audience_refusal(space, resident) is None
    refusal = services.audience_refusal(space, outsider)
    assert refusal and "新竹縣" in refusal


def test_unknown_space_key_is_refused(start, citizen, agency):
    with pytest.raises(Forbidden):
        proposal_services.proposal_create(
            actor=citizen,
            title="青年參與的提案",
            content="c",
            benefits="b",
            agencies=[agency],
            submit=True,
            space="nowhere",
        )


# --- content and channels -----------------------------------------------------------------------


def test_national_list_can_leave_out_space_content(space_proposal, citizen, moderator, agency):
    national = proposal_services.proposal_create(
        actor=citizen,
        title="全國性提案內容",
        content="c",
        benefits="b",
        agencies=[agency],
        submit=True,
    )
    proposal_services.proposal_publish(actor=moderator, proposal=national)
    base = proposal_selectors.in_space("youth").model.objects.all()
    every = set(proposal_selectors.proposal_list(base).values_list("title", flat=True))
    national_only = set(
        proposal_selectors.proposal_list(base, space="national").values_list("title", flat=True)
    )
    in_space = set(
        proposal_selectors.proposal_list(base, space="youth").values_list("title", flat=True)
    )
    assert every == {"全國性提案內容", space_proposal.title}
    assert national_only == {"全國性提案內容"}
    assert in_space == {space_proposal.title}


def test_offline_input_is_entered_counted_and_kept_to_the_space(
    space, official, space_proposal, other_official
):
    event = services.event_create(
        actor=official,
        space=space,
        title="社區座談",
        channel="community_meeting",
        held_on=dt.date(2026, 3, 1),
        place=selectors.place_by_code("63000010"),
    )
    services.offline_input_add(
        actor=official,
        space=space,
        target_kind="proposal",
        target_id=space_proposal.public_id,
        channel="community_meeting",
        people=23,
        summary="支持<b>提高</b>補貼",
        event=event,
    )
    services.offline_input_add(
        actor=official,
        space=space,
        target_kind="proposal",
        target_id=space_proposal.public_id,
        channel="paper_form",
        people=4,
        summary="紙本意見",
    )
    totals = selectors.channel_totals(selectors.offline_inputs(target_id=space_proposal.public_id))
    assert [(t["channel"], t["entries"], t["people"]) for t in totals] == [
        ("paper_form", 1, 4),
        ("community_meeting", 1, 23),
    ]
    for kwargs, field in (
        ({"channel": "online"}, "channel"),
        ({"people": 0}, "people"),
        ({"target_id": "not-a-uuid"}, "target"),
        ({"target_kind": "consultation"}, "target"),  # not a consultation of this space
    ):
        base = {
            "actor": official,
            "space": space,
            "target_kind": "proposal",
            "target_id": space_proposal.public_id,
            "channel": "hotline",
            "people": 1,
            "summary": "x",
        }
        with pytest.raises(ServiceError) as refused:
            services.offline_input_add(**{**base, **kwargs})
        assert refused.value.field == field
    with pytest.raises(Forbidden):
        services.offline_input_add(
            actor=other_official,
            space=space,
            target_kind="proposal",
            target_id=space_proposal.public_id,
            channel="hotline",
            people=1,
            summary="x",
        )
    assert OfflineInput.objects.count() == 2


def test_consultation_held_in_the_space(space, official, other_official, other_agency):
    consultation = consultation_services.consultation_create(
        actor=official, agency=space.host_agency, kind="policy", title="青年政策", summary="摘要"
    )
    consultation_services.consultation_publish(actor=official, consultation=consultation)
    services.space_consultation_attach(actor=official, space=space, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.space == "youth"
    assert [c.pk for c in selectors.space_content(space)["consultations"]] == [consultation.pk]
    foreign = consultation_services.consultation_create(
        actor=other_official, agency=other_agency, kind="policy", title="他部會", summary="摘要"
    )
    with pytest.raises(ServiceError):
        services.space_consultation_attach(actor=other_official, space=space, consultation=foreign)
    foreign.refresh_from_db()
    assert foreign.space == ""


# --- who took part ------------------------------------------------------------------------------


def _cosign(proposal, people):
    for person in people:
        proposal_services.signature_create(actor=person, proposal=proposal)


def test_participation_by_group_suppresses_small_cells(space, space_proposal, make_people):
    young = make_people(12, age_band="20_24", gender="woman")
    older = make_people(3, age_band="50_64", gender="man")
    silent = make_people(11)
    _cosign(space_proposal, young + older + silent)
    data = selectors.participation(space)
    # proposer (20_24, no gender) + 12 + 3 + 11 = 27 participants
    assert data.total == 27
    assert data.in_audience == 13
    assert data.outside_audience is None  # 3 people: held back
    assert data.not_stated is None  # 11, but with the total it would give the 3 away
    ages = {k: v for k, _label, v in data.groups["age_band"]}
    assert ages["20_24"] == 13
    assert ages["50_64"] is None
    # one hidden cell beside a published total: the next smallest is held back too
    assert ages["not_stated"] is None
    genders = {k: v for k, _label, v in data.groups["gender"]}
    assert genders["woman"] == 12 and genders["man"] is None
    assert all(v is None or v == 0 or v >= 10 for cells in data.groups.values() for *_, v in cells)


def test_withdrawal_leaves_every_aggregate(space, space_proposal, make_people):
    from opengov.core.exporters import get_exporter

    young = make_people(10, age_band="15_19")
    _cosign(space_proposal, young)
    assert selectors.participation(space).in_audience == 11

    def published_in_audience():
        rows = get_exporter("space-participation").public_rows()
        return next(
            r["people"] for r in rows if r["space"] == "youth" and r["group"] == "in_audience"
        )

    assert published_in_audience() == 11
    services.statement_withdraw(actor=young[0])
    services.statement_set(actor=young[1])  # stating nothing withdraws too
    assert ParticipantStatement.objects.filter(user__in=young[:2]).count() == 0
    data = selectors.participation(space)
    assert data.in_audience is None  # 9 left: under 10
    assert published_in_audience() is None
    assert {k: v for k, _l, v in data.groups["age_band"]}["15_19"] is None


def test_statement_in_data_download_and_erased_on_close(start, citizen):
    from opengov.accounts import services as account_services
    from opengov.core.personal_data import collect

    services.statement_set(
        actor=citizen, age_band="25_29", hakka=True, place=selectors.place_by_code("10005010")
    )
    mine = collect(citizen)["spaces"]["participation_statement"]
    assert mine["age_band"] == "25_29" and mine["hakka"] is True and mine["place"] == "10005010"
    assert mine["indigenous"] is None
    account_services.user_close(
        actor=citizen, user=citizen, password="correct-horse-battery-staple"
    )
    assert not ParticipantStatement.objects.filter(user=citizen).exists()


def test_statement_refuses_unknown_values(start, citizen):
    with pytest.raises(ServiceError) as refused:
        services.statement_set(actor=citizen, age_band="99_100")
    assert refused.value.field == "age_band"
    assert not ParticipantStatement.objects.exists()
