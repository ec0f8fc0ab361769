"""Permission matrix of every accounts page and endpoint that changes something.

Roles: anonymous, citizen, official of another agency, official of the agency, moderator,
platform administrator (and the agency's administrator). A denial changes nothing.
"""

from __future__ import annotations

import pytest

from opengov.accounts import services
from opengov.accounts.models import ApiToken, Membership, User
from opengov.accounts.tests.factories import UserFactory, make_official

pytestmark = pytest.mark.django_db

MATRIX = ["anonymous", "citizen", "other_official", "official", "moderator", "admin"]
ADMINS = {"admin", "agency_admin"}


@pytest.fixture
def everyone(people, agency_admin):
    return {**people, "agency_admin": agency_admin}


def _denied(response, role):
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404


def _snapshot():
    return sorted(Membership.objects.values_list("user_id", "agency_id", "role", "title", "active"))


@pytest.mark.parametrize("role", [*MATRIX, "agency_admin"])
def test_add_official(role, everyone, agency, client_for):
    newcomer = UserFactory()
    before = _snapshot()
    response = client_for(everyone[role]).post(
        f"/accounts/agencies/{agency.code}/officials/",
        {"email": newcomer.email, "agency": agency.code, "role": "official", "title": "科員"},
    )
    if role in ADMINS:
        assert response.status_code == 302
        membership = Membership.objects.get(user=newcomer, active=True)
        assert membership.agency == agency and membership.title == "科員"
    else:
        _denied(response, role)
        assert _snapshot() == before


@pytest.mark.parametrize("role", [*MATRIX, "agency_admin"])
def test_change_official_role(role, everyone, agency, client_for):
    official = everyone["official"]
    before = _snapshot()
    response = client_for(everyone[role]).post(
        f"/accounts/agencies/{agency.code}/officials/{official.public_id}/",
        {f"m-{official.public_id}-role": "admin", f"m-{official.public_id}-title": "處長"},
    )
    membership = Membership.objects.get(user=official, active=True)
    if role in ADMINS:
        assert response.status_code == 302
        assert (membership.role, membership.title) == ("admin", "處長")
    else:
        _denied(response, role)
        assert _snapshot() == before


@pytest.mark.parametrize("role", [*MATRIX, "agency_admin"])
def test_end_official(role, everyone, agency, client_for):
    official = everyone["official"]
    before = _snapshot()
    response = client_for(everyone[role]).post(
        f"/accounts/agencies/{agency.code}/officials/{official.public_id}/end/"
    )
    if role in ADMINS and role != "official":
        assert response.status_code == 302
        assert not Membership.objects.filter(user=official, active=True).exists()
    else:
        _denied(response, role)
        assert _snapshot() == before


@pytest.mark.parametrize("role", [*MATRIX, "agency_admin"])
def test_view_officials_page(role, everyone, agency, client_for):
    response = client_for(everyone[role]).get(f"/accounts/agencies/{agency.code}/officials/")
    if role in ADMINS:
        assert response.status_code == 200
        html = response.content.decode()
        assert "&lt;script&gt;" in html and "<script>alert" not in html
    else:
        _denied(response, role)


def test_agency_admin_cannot_manage_a_sibling_agency(
    agency_admin, other_agency, other_official, client_for
):
    before = _snapshot()
    client = client_for(agency_admin)
    assert client.get(f"/accounts/agencies/{other_agency.code}/officials/").status_code == 404
    response = client.post(
        f"/accounts/agencies/{other_agency.code}/officials/{other_official.public_id}/end/"
    )
    assert response.status_code == 404
    assert _snapshot() == before


def test_agency_admin_cannot_take_an_official_of_another_agency(
    agency_admin, agency, other_official, client_for
):
    before = _snapshot()
    response = client_for(agency_admin).post(
        f"/accounts/agencies/{agency.code}/officials/",
        {"email": other_official.email, "agency": agency.code, "role": "official"},
    )
    assert response.status_code == 400
    assert "email" in response.context["add_form"].errors
    assert _snapshot() == before


def test_agency_admin_manages_sub_units(agency_admin, agency, client_for):
    from opengov.accounts.tests.factories import AgencyFactory

    unit = AgencyFactory(code="moi-dept", name_zh_hant="戶政司", parent=agency)
    person = UserFactory()
    response = client_for(agency_admin).post(
        f"/accounts/agencies/{agency.code}/officials/",
        {"email": person.email, "agency": unit.code, "role": "official"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=person, active=True).agency == unit
    assert (
        client_for(agency_admin).get(f"/accounts/agencies/{unit.code}/officials/").status_code
        == 200
    )


@pytest.mark.parametrize(
    ("email", "field"),
    [("nobody@example.org", "email"), ("not-an-email", "email"), ("x" * 300 + "@a.tw", "email")],
)
def test_adding_an_unknown_or_bad_address(agency_admin, agency, client_for, email, field):
    before = _snapshot()
    response = client_for(agency_admin).post(
        f"/accounts/agencies/{agency.code}/officials/",
        {"email": email, "agency": agency.code, "role": "official"},
    )
    assert response.status_code == 400
    assert field in response.context["add_form"].errors
    assert _snapshot() == before


def test_unverified_person_cannot_become_official(agency_admin, agency, unverified, client_for):
    response = client_for(agency_admin).post(
        f"/accounts/agencies/{agency.code}/officials/",
        {"email": unverified.email, "agency": agency.code, "role": "official"},
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user=unverified).exists()


@pytest.mark.parametrize("role", MATRIX)
def test_nobody_revokes_another_persons_token(role, people, client_for):
    owner = UserFactory()
    token, _key = services.token_create(actor=owner, name="owner's")
    response = client_for(people[role]).post(f"/accounts/profile/tokens/{token.public_id}/revoke/")
    _denied(response, role)
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("role", MATRIX)
def test_pages_that_change_the_own_account_need_sign_in(role, people, client_for):
    client = client_for(people[role])
    for path, data in [
        ("/accounts/profile/", {"display_name": "x"}),
        ("/accounts/profile/tokens/", {"name": "x"}),
        ("/accounts/profile/close/", {"password": "x", "confirm": "on"}),
        ("/accounts/profile/data/", {}),
        ("/accounts/phone/", {"phone": "0911000000"}),
        ("/accounts/confirm-email/", {"confirm": "1", "code": "123456"}),
        ("/accounts/profile/password/", {"old_password": "x", "password": "y", "password2": "y"}),
    ]:
        response = client.post(path, data)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    if role == "anonymous":
        assert not ApiToken.objects.exists()
        assert User.objects.filter(display_name="x").count() == 0
    else:
        user = User.objects.get(pk=people[role].pk)
        assert user.display_name == "x"  # their own profile, and only theirs
        assert User.objects.filter(display_name="x").count() == 1
        assert user.closed_at is None  # wrong password: not closed


@pytest.mark.parametrize("role", MATRIX)
def test_api_matrix_on_tokens(role, people, client_for):
    owner = UserFactory()
    token, _key = services.token_create(actor=owner, name="owner's")
    client = client_for(people[role])
    response = client.delete(f"/api/v1/accounts/tokens/{token.public_id}")
    assert response.status_code == (401 if role == "anonymous" else 404)
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(
        "/api/v1/accounts/tokens", {"name": "mine"}, content_type="application/json"
    )
    if role == "anonymous":
        assert response.status_code == 401
        assert ApiToken.objects.count() == 1
    else:
        assert response.status_code == 201
        assert ApiToken.objects.get(name="mine").user_id == people[role].pk


def test_admin_official_sees_membership_changes_in_audit(agency_admin, agency, client_for):
    from opengov.core.models import AuditEvent

    person = UserFactory()
    client_for(agency_admin).post(
        f"/accounts/agencies/{agency.code}/officials/",
        {"email": person.email, "agency": agency.code, "role": "admin", "title": ""},
    )
    event = AuditEvent.objects.get(verb="membership.granted", actor=agency_admin)
    assert event.agency_code == agency.code


def test_make_official_still_works_without_actor(agency):
    user = make_official(agency)
    assert Membership.objects.get(user=user).active


@pytest.mark.parametrize("role", MATRIX)
def test_api_patch_me_changes_only_the_caller(role, people, client_for):
    before = {u.pk: u.display_name for u in User.objects.all()}
    response = client_for(people[role]).patch(
        "/api/v1/accounts/me", {"display_name": "改名"}, content_type="application/json"
    )
    after = {u.pk: u.display_name for u in User.objects.all()}
    if role == "anonymous":
        assert response.status_code == 401
        assert after == before
    else:
        assert response.status_code == 200
        changed = {pk for pk in after if after[pk] != before[pk]}
        assert changed == {people[role].pk}


def test_bad_role_change_is_shown_beside_the_field(agency_admin, agency, official, client_for):
    before = _snapshot()
    prefix = f"m-{official.public_id}"
    response = client_for(agency_admin).post(
        f"/accounts/agencies/{agency.code}/officials/{official.public_id}/",
        {f"{prefix}-role": "emperor", f"{prefix}-title": "x" * 101},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{prefix}-role_error"' in html and f'id="id_{prefix}-title_error"' in html
    assert _snapshot() == before
