"""Factories for accounts. User-visible text carries <script> and Chinese characters, so
every page test is also an escaping test."""

from __future__ import annotations

import factory

from opengov.accounts import services
from opengov.accounts.models import Agency, Membership, User
from opengov.core import clock

DEMO_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A citizen verified by e-mail and mobile (the level proposals need in Taiwan)."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"<script>alert({n})</script>市民{n}")
    real_name = factory.Sequence(lambda n: f"王小明{n}")
    phone = factory.Sequence(lambda n: f"+8869{n:08d}")
    email_verified = True
    phone_verified = True
    residency = "national"

    @classmethod
    def _create(cls, model_class, *args, email_verified=True, phone_verified=True, **kwargs):
        now = clock.now()
        phone = kwargs.pop("phone")
        user = services.user_create(actor=None, password=DEMO_PASSWORD, **kwargs)
        user.phone = phone
        user.email_verified_at = now if email_verified else None
        user.phone_verified_at = now if (phone_verified and email_verified) else None
        user.save(update_fields=["phone", "email_verified_at", "phone_verified_at"])
        return user


class AgencyFactory(factory.django.DjangoModelFactory):
    """An agency with a Chinese and an English name (and script in the English one)."""

    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"agency-{n}")
    name_zh_hant = factory.Sequence(lambda n: f"測試部{n}")
    name_en = factory.Sequence(lambda n: f"<script>x</script>Ministry of Tests {n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.agency_create(actor=None, **kwargs)


def make_official(agency: Agency, *, role: str = Membership.Role.OFFICIAL, **kwargs) -> User:
    """A verified person who is an official (or agency administrator) of `agency`."""
    user = UserFactory(**kwargs)
    services.membership_grant(actor=None, user=user, agency=agency, role=role, title="科長")
    return user
