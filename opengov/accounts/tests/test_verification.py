"""E-mail and phone verification codes: hashing, expiry, lockout, reuse, links."""

from __future__ import annotations

import pytest

from opengov.accounts import services
from opengov.accounts.models import User, VerificationCode, VerificationLevel
from opengov.accounts.tests.conftest import last_code, last_link_path, last_message
from opengov.core.errors import ServiceError
from opengov.core.models import AuditEvent, OutboundMessage

pytestmark = pytest.mark.django_db

EMAIL = VerificationCode.Purpose.EMAIL
PHONE = VerificationCode.Purpose.PHONE


@pytest.fixture
def newcomer(sent):
    with sent():
        return services.user_register(
            email="New.Person@Example.org",
            password="a-long-enough-secret",
            display_name="新朋友",
        )


def test_registration_sends_a_code_and_stores_only_its_hash(newcomer):
    assert newcomer.email == "new.person@example.org"
    assert newcomer.verification_level == VerificationLevel.NONE
    code = last_code(newcomer.email)
    record = VerificationCode.objects.get(user=newcomer, purpose=EMAIL)
    assert code not in record.code_hash
    assert len(record.code_hash) == 64
    assert last_message(newcomer.email).channel == OutboundMessage.Channel.EMAIL


def test_right_code_confirms_email(newcomer):
    user = services.verification_confirm(
        user=newcomer, purpose=EMAIL, code=last_code(newcomer.email)
    )
    assert user.verification_level == VerificationLevel.EMAIL
    assert AuditEvent.objects.filter(verb="verification.email_confirmed", actor=newcomer).exists()


def test_code_cannot_be_reused(newcomer):
    code = last_code(newcomer.email)
    services.verification_confirm(user=newcomer, purpose=EMAIL, code=code)
    with pytest.raises(ServiceError) as err:
        services.verification_confirm(user=newcomer, purpose=EMAIL, code=code)
    assert err.value.code == "code_used"


def test_code_expires_after_the_profile_lifetime(newcomer, sent, clock, profile):
    profile(accounts={"sms_code_ttl_minutes": 10})
    with sent():
        services.verification_send(user=newcomer, purpose=PHONE, phone="0912 345 678")
    code = last_code("+886912345678")
    clock.advance(minutes=10)
    with pytest.raises(ServiceError) as err:
        services.verification_confirm(user=newcomer, purpose=PHONE, code=code)
    assert err.value.code == "code_expired"
    assert User.objects.get(pk=newcomer.pk).phone_verified_at is None


def test_code_still_valid_just_before_expiry(newcomer, sent, clock):
    with sent():
        services.verification_send(user=newcomer, purpose=PHONE, phone="0912345678")
    clock.advance(minutes=9, seconds=59)
    user = services.verification_confirm(
        user=newcomer, purpose=PHONE, code=last_code("+886912345678")
    )
    assert user.phone == "+886912345678"
    assert user.phone_verified_at is not None


def test_shorter_lifetime_from_the_profile_is_obeyed(newcomer, sent, clock, profile):
    profile(accounts={"sms_code_ttl_minutes": 2})
    with sent():
        services.verification_send(user=newcomer, purpose=PHONE, phone="0912345678")
    clock.advance(minutes=2)
    with pytest.raises(ServiceError) as err:
        services.verification_confirm(user=newcomer, purpose=PHONE, code=last_code("+886912345678"))
    assert err.value.code == "code_expired"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_locks_after_five_wrong_tries_even_for_the_right_code(newcomer):
    code = last_code(newcomer.email)
    for expected_left in (4, 3, 2, 1):
        with pytest.raises(ServiceError) as err:
            services.verification_confirm(user=newcomer, purpose=EMAIL, code=_wrong(code))
        assert err.value.code == "code_wrong"
        assert str(expected_left) in str(err.value.message)
    with pytest.raises(ServiceError) as err:
        services.verification_confirm(user=newcomer, purpose=EMAIL, code=_wrong(code))
    assert err.value.code == "code_locked"
    with pytest.raises(ServiceError) as err:
        services.verification_confirm(user=newcomer, purpose=EMAIL, code=code)
    assert err.value.code == "code_locked"
    assert User.objects.get(pk=newcomer.pk).email_verified_at is None
    assert VerificationCode.objects.get(user=newcomer, purpose=EMAIL).attempts == 5


def test_lockout_follows_the_profile_number(newcomer, profile):
    profile(accounts={"code_max_attempts": 2})
    code = last_code(newcomer.email)
    with pytest.raises(ServiceError):
        services.verification_confirm(user=newcomer, purpose=EMAIL, code=_wrong(code))
    with pytest.raises(ServiceError) as err:
        services.verification_confirm(user=newcomer, purpose=EMAIL, code=_wrong(code))
    assert err.value.code == "code_locked"


def test_new_code_replaces_the_old_one(newcomer, sent):
    old = last_code(newcomer.email)
    with sent():
        services.verification_send(user=newcomer, purpose=EMAIL)
    new = last_code(newcomer.email)
    if old != new:
        with pytest.raises(ServiceError) as err:
            services.verification_confirm(user=newcomer, purpose=EMAIL, code=old)
        assert err.value.code == "code_wrong"
    services.verification_confirm(user=newcomer, purpose=EMAIL, code=new)


@pytest.mark.parametrize("bad", ["", "abc", "12345", "1234567", "<script>", "12 34 5x"])
def test_malformed_codes_are_refused_without_counting(newcomer, bad):
    with pytest.raises(ServiceError) as err:
        services.verification_confirm(user=newcomer, purpose=EMAIL, code=bad)
    assert err.value.field == "code"
    assert VerificationCode.objects.get(user=newcomer, purpose=EMAIL).attempts == 0


def test_full_width_digits_are_read_as_digits(newcomer):
    code = last_code(newcomer.email)
    full_width = "".join(chr(ord(c) - ord("0") + ord("０")) for c in code)
    user = services.verification_confirm(user=newcomer, purpose=EMAIL, code=full_width)
    assert user.email_verified_at is not None


def test_no_pending_code(citizen):
    with pytest.raises(ServiceError) as err:
        services.verification_confirm(user=citizen, purpose=PHONE, code="123456")
    assert err.value.code == "no_code"


def test_sms_goes_through_the_outbox_sender(newcomer, sent):
    with sent():
        services.verification_send(user=newcomer, purpose=PHONE, phone="+886 912-345-678")
    message = last_message("+886912345678")
    assert message.channel == OutboundMessage.Channel.SMS
    assert last_code("+886912345678")


@pytest.mark.parametrize("bad", ["", "abc", "12", "+886 12", "0912345678901234567", "+0912345678"])
def test_bad_phone_numbers_are_refused(newcomer, bad):
    with pytest.raises(ServiceError) as err:
        services.verification_send(user=newcomer, purpose=PHONE, phone=bad)
    assert err.value.field == "phone"


def test_a_phone_confirms_one_account(citizen, newcomer):
    with pytest.raises(ServiceError) as err:
        services.verification_send(user=newcomer, purpose=PHONE, phone=citizen.phone)
    assert err.value.code == "phone_taken"


def test_email_link_confirms_only_through_the_button(newcomer, client):
    path = last_link_path(newcomer.email)
    page = client.get(path)
    assert page.status_code == 200
    assert '<form method="post"' in page.content.decode()
    assert User.objects.get(pk=newcomer.pk).email_verified_at is None  # a GET changes nothing
    response = client.post(path)
    assert response.status_code == 302
    assert User.objects.get(pk=newcomer.pk).email_verified_at is not None
    again = client.post(path)
    assert again.status_code == 400
    assert User.objects.get(pk=newcomer.pk).email_verified_at is not None


def test_expired_email_link(newcomer, client, clock, profile):
    path = last_link_path(newcomer.email)
    clock.advance(hours=48)
    assert client.get(path).status_code == 400
    assert client.post(path).status_code == 400
    assert User.objects.get(pk=newcomer.pk).email_verified_at is None


def test_unknown_link(client, db):
    assert client.get("/accounts/confirm-email/not-a-token/").status_code == 400
    assert client.post("/accounts/confirm-email/" + "x" * 500 + "/").status_code == 400
