"""The accounts pages with the test client: sign-up to data download, bad input, escaping."""

from __future__ import annotations

import json

import pytest

from opengov.accounts.models import ApiToken, Membership, User, VerificationLevel
from opengov.accounts.tests.conftest import last_code, last_link_path
from opengov.accounts.tests.factories import DEMO_PASSWORD, UserFactory
from opengov.core.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "Lin.Mei@example.tw",
    "display_name": "林美",
    "real_name": "林美玲",
    "password": "tea-and-mountains-42",
    "password2": "tea-and-mountains-42",
}


def register(client, sent, **changes):
    with sent():
        return client.post("/accounts/register/", {**GOOD, **changes})


def test_registration_confirmation_and_phone_flow(client, sent):
    response = register(client, sent)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="lin.mei@example.tw")
    assert user.real_name == "林美玲"
    assert client.get("/accounts/confirm-email/").status_code == 200
    response = client.post(
        "/accounts/confirm-email/", {"confirm": "1", "code": last_code(user.email)}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.verification_level == VerificationLevel.EMAIL
    profile = client.get("/accounts/profile/").content.decode()
    assert "/accounts/phone/" in profile  # the next step
    with sent():
        response = client.post("/accounts/phone/", {"phone": "0987-654-321"})
    assert response["Location"] == "/accounts/phone/confirm/"
    response = client.post("/accounts/phone/confirm/", {"code": last_code("+886987654321")})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.verification_level == VerificationLevel.EMAIL_PHONE


def test_resend_replaces_the_email_code(client, sent):
    register(client, sent)
    with sent():
        client.post("/accounts/confirm-email/", {"resend": "1"})
    user = User.objects.get(email="lin.mei@example.tw")
    assert user.verification_codes.filter(superseded=True).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"email": "not-an-email"}, "email", "valid"),
        ({"email": "a" * 250 + "@example.org"}, "email", "254"),
        ({"display_name": "名" * 51}, "display_name", "50"),
        ({"display_name": "   "}, "display_name", "required"),
        ({"real_name": "x" * 101}, "real_name", "100"),
        ({"password": "short", "password2": "short"}, "password", "short"),
        ({"password": "1234567890123", "password2": "1234567890123"}, "password", "numeric"),
        ({"password2": "something-else-entirely"}, "password2", "same"),
        ({"password": "p" * 200, "password2": "p" * 200}, "password", "128"),
    ],
)
def test_bad_registration_input_is_shown_beside_the_field(client, sent, changes, field, words):
    client.cookies["django_language"] = "en"
    response = register(client, sent, **changes)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert words.lower() in " ".join(form.errors[field]).lower()
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert not User.objects.filter(display_name="林美").exists()


def test_duplicate_email_is_refused(client, sent, citizen):
    response = register(client, sent, email=citizen.email.upper())
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert User.objects.filter(email__iexact=citizen.email).count() == 1


def test_script_in_display_name_is_stored_and_shown_as_text(client, sent):
    register(client, sent, display_name="<script>alert(1)</script>美")
    user = User.objects.get(email="lin.mei@example.tw")
    assert user.display_name == "<script>alert(1)</script>美"
    html = client.get("/accounts/profile/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;美" in html


def test_wrong_code_message_beside_the_field(client, sent):
    register(client, sent)
    user = User.objects.get(email="lin.mei@example.tw")
    code = last_code(user.email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/confirm-email/", {"confirm": "1", "code": wrong})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert 'id="id_code_error"' in response.content.decode()


def test_expired_phone_code_page(client, citizen, sent, clock):
    client.force_login(citizen)
    with sent():
        client.post("/accounts/phone/", {"phone": "0911111111"})
    clock.advance(minutes=11)
    response = client.post("/accounts/phone/confirm/", {"code": last_code("+886911111111")})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    citizen.refresh_from_db()
    assert citizen.phone != "+886911111111"


def test_login_and_logout(client, citizen):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/?next=/proposals/", {"email": citizen.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/proposals/"
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert client.get("/accounts/logout/").status_code == 405  # a link cannot sign out
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_login_refuses_offsite_next(client, citizen):
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"email": citizen.email, "password": DEMO_PASSWORD},
    )
    assert response["Location"] == "/accounts/profile/"


def test_wrong_password_message(client, citizen):
    response = client.post("/accounts/login/", {"email": citizen.email, "password": "nope"})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors


def test_password_reset_flow(client, citizen, sent):
    with sent():
        response = client.post("/accounts/password-reset/", {"email": citizen.email})
    assert response.status_code == 200
    path = last_link_path(citizen.email)
    assert client.get(path).status_code == 200
    new = "a-brand-new-passphrase"
    response = client.post(path, {"password": new, "password2": new})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(new)
    assert AuditEvent.objects.filter(verb="user.password_reset", actor=citizen).exists()
    # the link works once
    assert client.get(path).status_code == 400
    response = client.post(
        path, {"password": "another-passphrase-1", "password2": "another-passphrase-1"}
    )
    assert response.status_code == 400
    citizen.refresh_from_db()
    assert citizen.check_password(new)


def test_password_reset_for_unknown_address_looks_the_same(client, db, sent):
    from opengov.core.models import OutboundMessage

    with sent():
        response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert not OutboundMessage.objects.exists()


def test_password_reset_link_expires(client, citizen, sent, clock):
    with sent():
        client.post("/accounts/password-reset/", {"email": citizen.email})
    path = last_link_path(citizen.email)
    clock.advance(hours=2)
    assert client.get(path).status_code == 400


def test_profile_update(client, citizen):
    client.force_login(citizen)
    response = client.post(
        "/accounts/profile/",
        {"display_name": "新名字", "real_name": "", "preferred_language": "en"},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.display_name == "新名字"
    assert citizen.notify_by_email is False
    assert citizen.preferred_language == "en"
    event = AuditEvent.objects.get(verb="user.updated")
    assert "real_name" in event.changes["fields"]
    assert "王" not in json.dumps(event.changes, ensure_ascii=False)


def test_profile_refuses_overlong_and_blank(client, citizen):
    client.force_login(citizen)
    before = citizen.display_name
    for value in ("x" * 51, "   ", "\u202e"):
        response = client.post("/accounts/profile/", {"display_name": value})
        assert response.status_code == 200
        assert "display_name" in response.context["form"].errors
    citizen.refresh_from_db()
    assert citizen.display_name == before


def test_token_page_shows_the_key_once(client, citizen):
    client.force_login(citizen)
    response = client.post("/accounts/profile/tokens/", {"name": "我的程式"})
    key = response.context["new_key"]
    assert key.startswith("og_") and key in response.content.decode()
    token = ApiToken.objects.get(user=citizen)
    assert key not in token.key_hash
    again = client.get("/accounts/profile/tokens/").content.decode()
    assert key not in again
    assert token.prefix in again
    client.post(f"/accounts/profile/tokens/{token.public_id}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_data_download(client, citizen, agency):
    from opengov.accounts import services

    services.token_create(actor=citizen, name="script")
    services.membership_grant(actor=None, user=citizen, agency=agency, title="專員")
    client.force_login(citizen)
    response = client.post("/accounts/profile/data/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == citizen.email
    assert data["account"]["real_name"] == citizen.real_name
    assert data["account"]["verification_level"] == "email+phone"
    assert data["memberships"][0]["agency_code"] == "moi"
    assert data["api_tokens"][0]["name"] == "script"
    assert "key" not in data["api_tokens"][0] and "key_hash" not in data["api_tokens"][0]
    verbs = [e["verb"] for e in data["audit_events"]]
    assert "api_token.created" in verbs and "user.data_downloaded" in verbs
    assert client.get("/accounts/profile/data/").status_code == 405


def test_data_download_includes_every_registered_section(client, citizen):
    from opengov.core import personal_data

    personal_data.register("zz_test_section", lambda user: {"who": user.display_name})
    try:
        client.force_login(citizen)
        data = json.loads(client.post("/accounts/profile/data/").content)
    finally:
        personal_data._providers.pop("zz_test_section")
    assert data["zz_test_section"] == {"who": citizen.display_name}


def test_close_account(client, citizen, agency):
    from opengov.accounts import services

    services.membership_grant(actor=None, user=citizen, agency=agency)
    token, _key = services.token_create(actor=citizen, name="t")
    other = UserFactory()
    client.force_login(citizen)
    assert client.get("/accounts/profile/close/").status_code == 200
    response = client.post("/accounts/profile/close/", {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert User.objects.get(pk=citizen.pk).closed_at is None
    response = client.post("/accounts/profile/close/", {"password": DEMO_PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    user = User.objects.get(pk=citizen.pk)
    assert user.closed_at is not None and not user.is_active
    assert citizen.email not in user.email
    assert user.real_name == "" and user.phone == ""
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user, active=True).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None
    # the closure is logged, under a pseudonym that no longer leads to the account
    closed = AuditEvent.objects.get(verb="user.closed")
    assert closed.target_type == "accounts.user" and closed.actor is None
    assert str(user.public_id) not in closed.target_id
    assert "_auth_user_id" not in client.session
    # cannot sign in again, old sessions do not work
    assert (
        client.post(
            "/accounts/login/", {"email": citizen.email, "password": DEMO_PASSWORD}
        ).status_code
        == 200
    )
    assert client.get("/accounts/profile/").status_code == 302
    other.refresh_from_db()
    assert other.is_active


def test_pages_render_in_both_languages(client, citizen):
    client.force_login(citizen)
    for language, word in (("zh-hant", "個人資料"), ("en", "Your profile")):
        client.cookies["django_language"] = language
        html = client.get("/accounts/profile/").content.decode()
        assert word in html


def test_sign_out_everywhere_else(client_for, citizen):
    here, elsewhere = client_for(citizen), client_for(citizen)
    assert elsewhere.get("/accounts/profile/").status_code == 200
    response = here.post("/accounts/profile/sessions/end/")
    assert response.status_code == 302
    assert here.get("/accounts/profile/").status_code == 200  # this browser stays
    assert elsewhere.get("/accounts/profile/").status_code == 302  # the other is signed out
    assert AuditEvent.objects.filter(verb="user.sessions_ended", actor=citizen).exists()


def test_closing_ends_every_session(client_for, citizen):
    from opengov.accounts import services

    elsewhere = client_for(citizen)
    services.user_close(actor=citizen, user=citizen, password=DEMO_PASSWORD)
    assert elsewhere.get("/accounts/profile/").status_code == 302


def test_change_email_address(client, citizen, sent, db):
    old = citizen.email
    client.force_login(citizen)
    with sent():
        response = client.post(
            "/accounts/profile/email/", {"email": "New@Example.tw", "password": DEMO_PASSWORD}
        )
    assert response["Location"] == "/accounts/confirm-email/"
    citizen.refresh_from_db()
    assert citizen.email == old  # not before confirming
    page = client.get("/accounts/confirm-email/").content.decode()
    assert "new@example.tw" in page
    with sent():
        response = client.post(
            "/accounts/confirm-email/", {"confirm": "1", "code": last_code("new@example.tw")}
        )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.email == "new@example.tw"
    assert citizen.verification_level == VerificationLevel.EMAIL_PHONE
    from opengov.accounts.tests.conftest import last_message

    assert "new@example.tw" in last_message(old).body  # the old address is told


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("taken", DEMO_PASSWORD, "email"),
        ("fresh@example.tw", "wrong-password", "password"),
        ("not-an-email", DEMO_PASSWORD, "email"),
        ("same", DEMO_PASSWORD, "email"),
    ],
)
def test_change_email_refusals(client, citizen, moderator, email, password, field):
    email = {"taken": moderator.email, "same": citizen.email}.get(email, email)
    client.force_login(citizen)
    response = client.post("/accounts/profile/email/", {"email": email, "password": password})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not citizen.verification_codes.exists()


def test_email_taken_between_request_and_confirmation(client, citizen, sent):
    client.force_login(citizen)
    with sent():
        client.post(
            "/accounts/profile/email/", {"email": "race@example.tw", "password": DEMO_PASSWORD}
        )
    UserFactory(email="race@example.tw")
    response = client.post(
        "/accounts/confirm-email/", {"confirm": "1", "code": last_code("race@example.tw")}
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    citizen.refresh_from_db()
    assert citizen.email != "race@example.tw"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/accounts/login/", {"email": "a\x00@example.org", "password": "x\x00y"}),
        ("/accounts/login/", {"email": "a@example.org", "password": "x\x00y"}),
        ("/accounts/register/", {**GOOD, "display_name": "\x00", "email": "b\x00@example.org"}),
        ("/accounts/password-reset/", {"email": "c\x00@example.org"}),
        ("/accounts/confirm-email/" + "%00" * 3 + "/", {}),
    ],
)
def test_null_bytes_never_break_a_page(client, db, path, data):
    response = client.post(path, data)
    assert response.status_code in (200, 400)


def test_null_bytes_in_the_api(client, citizen):
    from opengov.accounts import services

    _token, key = services.token_create(actor=citizen, name="t")
    response = client.patch(
        "/api/v1/accounts/me",
        {"display_name": "\x00", "real_name": "a\x00b"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 400
    response = client.post(
        "/api/v1/accounts/tokens",
        {"name": "n\x00"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201
    assert response.json()["name"] == "n"
