"""Django admin: platform admins see all; staff agency admins only their subtree; no hashes."""

from __future__ import annotations

import pytest

from opengov.accounts.models import Membership, User
from opengov.accounts.tests.factories import AgencyFactory, UserFactory
from opengov.core import audit
from opengov.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_agency_admin(agency_admin):
    User.objects.filter(pk=agency_admin.pk).update(is_staff=True)
    agency_admin.refresh_from_db()
    return agency_admin


def _set_national_id(user):
    User.objects.filter(pk=user.pk).update(national_id_hash="f" * 64)


def test_platform_admin_sees_everything(client_for, admin_user, official, other_official):
    _set_national_id(official)
    client = client_for(admin_user)
    html = client.get("/admin/accounts/membership/").content.decode()
    assert official.email in html or "市民" in html
    assert client.get("/admin/accounts/agency/").status_code == 200
    users = client.get("/admin/accounts/user/").content.decode()
    assert official.email in users and other_official.email in users
    for page in (users, client.get(f"/admin/accounts/user/{official.pk}/change/").content.decode()):
        assert "md5$" not in page and "pbkdf2" not in page
        assert "f" * 64 not in page


def test_staff_agency_admin_sees_only_their_subtree(
    client_for, staff_agency_admin, official, other_official, agency, other_agency
):
    client = client_for(staff_agency_admin)
    agencies = client.get("/admin/accounts/agency/").content.decode()
    assert f"/admin/accounts/agency/{agency.pk}/change/" in agencies
    assert f"/admin/accounts/agency/{other_agency.pk}/change/" not in agencies
    users = client.get("/admin/accounts/user/").content.decode()
    assert official.email in users
    assert other_official.email not in users
    other = Membership.objects.get(user=other_official)
    assert client.get(f"/admin/accounts/membership/{other.pk}/change/").status_code in (302, 404)
    assert client.get(f"/admin/accounts/agency/{other_agency.pk}/change/").status_code in (302, 404)
    assert client.get(f"/admin/accounts/user/{other_official.pk}/change/").status_code in (302, 404)


def test_agency_admin_without_staff_status_has_no_admin(client_for, agency_admin):
    response = client_for(agency_admin).get("/admin/accounts/membership/")
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["citizen", "official", "other_official", "moderator"])
def test_staff_without_administration_sees_nothing(client_for, people, role):
    user = people[role]
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client = client_for(User.objects.get(pk=user.pk))
    for path in ("/admin/accounts/membership/", "/admin/accounts/user/", "/admin/accounts/agency/"):
        assert client.get(path).status_code == 403


def test_agency_admin_adds_a_membership_through_the_service(client_for, staff_agency_admin, agency):
    person = UserFactory()
    response = client_for(staff_agency_admin).post(
        "/admin/accounts/membership/add/",
        {"user": person.pk, "agency": agency.pk, "role": "official", "title": "技正"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=person, active=True).title == "技正"
    assert AuditEvent.objects.filter(verb="membership.granted", actor=staff_agency_admin).exists()


def test_agency_admin_cannot_add_to_another_agency(client_for, staff_agency_admin, other_agency):
    person = UserFactory()
    response = client_for(staff_agency_admin).post(
        "/admin/accounts/membership/add/",
        {"user": person.pk, "agency": other_agency.pk, "role": "official", "title": ""},
    )
    assert response.status_code == 200  # the agency is not a valid choice
    assert not Membership.objects.filter(user=person).exists()


def test_platform_admin_grants_moderator_through_the_service(client_for, admin_user, citizen):
    response = client_for(admin_user).post(
        f"/admin/accounts/user/{citizen.pk}/change/",
        {"is_moderator": "on", "is_active": "on"},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.is_moderator
    # accounts appear in the audit log under their pseudonym
    assert AuditEvent.objects.filter(
        verb="user.roles_changed", target_id=audit.actor_ref(citizen)
    ).exists()


def test_platform_admin_creates_an_agency(client_for, admin_user, agency):
    response = client_for(admin_user).post(
        "/admin/accounts/agency/add/",
        {
            "code": "moi-new",
            "name_zh_hant": "新單位",
            "name_en": "New unit",
            "parent": agency.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    created = AgencyFactory._meta.model.objects.get(code="moi-new")
    assert created.path == agency.path + "moi-new/"
