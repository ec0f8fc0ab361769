"""JSON API of accounts: the caller's profile, their data, their tokens."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from opengov.core.errors import NotFound
from opengov.core.pagination import PageParams, paginate

from . import selectors, services
from .auth import REQUIRED
from .models import ApiToken, User

router = Router(tags=["accounts"])


class MeOut(Schema):
    """The caller's own account."""

    public_id: uuid.UUID
    email: str
    display_name: str
    real_name: str
    phone: str
    verification_level: str
    email_verified: bool
    phone_verified: bool
    notify_by_email: bool
    preferred_language: str
    residency: str
    is_moderator: bool
    is_reviewer: bool
    is_aml_reviewer: bool
    is_platform_admin: bool
    agency_code: str | None
    agency_role: str | None
    date_joined: dt.datetime


class MePatch(Schema):
    """Fields a person may change about themselves (send only those to change)."""

    display_name: str | None = Field(None, max_length=200)
    real_name: str | None = Field(None, max_length=200)
    notify_by_email: bool | None = None
    preferred_language: str | None = Field(None, max_length=10)
    residency: str | None = Field(None, max_length=20)


class TokenOut(Schema):
    """An API token's metadata (never its key)."""

    public_id: uuid.UUID
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenList(Schema):
    items: list[TokenOut]
    count: int


class TokenCreateIn(Schema):
    name: str = Field(..., max_length=200)


class TokenCreatedOut(TokenOut):
    """A new token: `key` is shown this once."""

    key: str


def _me(user: User) -> dict[str, Any]:
    from .permissions import active_membership

    membership = active_membership(user)
    return {
        "public_id": user.public_id,
        "email": user.email,
        "display_name": user.display_name,
        "real_name": user.real_name,
        "phone": user.phone,
        "verification_level": str(user.verification_level),
        "email_verified": bool(user.email_verified_at),
        "phone_verified": bool(user.phone_verified_at),
        "notify_by_email": user.notify_by_email,
        "preferred_language": user.preferred_language,
        "residency": user.residency,
        "is_moderator": user.is_moderator,
        "is_reviewer": user.is_reviewer,
        "is_aml_reviewer": user.is_aml_reviewer,
        "is_platform_admin": user.is_superuser,
        "agency_code": membership.agency.code if membership else None,
        "agency_role": membership.role if membership else None,
        "date_joined": user.date_joined,
    }


@router.get("/me", response=MeOut, auth=REQUIRED, summary="Your account")
def me(request: HttpRequest):
    """The signed-in caller's profile and verification level."""
    return _me(request.auth)


@router.patch("/me", response=MeOut, auth=REQUIRED, summary="Change your profile")
def me_update(request: HttpRequest, payload: MePatch):
    """Change the display name, real name, notification or language preference."""
    fields = payload.dict(exclude_unset=True)
    fields = {k: v for k, v in fields.items() if v is not None}
    user = services.user_update(actor=request.auth, user=request.auth, **fields)
    return _me(user)


class AccountDataOut(Schema):
    """Everything the platform holds about the caller: the account, memberships, token
    metadata and audit events, then one section per app (`core.personal_data`)."""

    # the apps' sections are named by the apps that register them
    model_config = ConfigDict(extra="allow")

    format: str
    generated_at: str
    account: dict[str, Any]
    memberships: list[dict[str, Any]]
    api_tokens: list[dict[str, Any]]
    audit_events: list[dict[str, Any]]


@router.get("/me/data", auth=REQUIRED, response=AccountDataOut, summary="Download your data")
def me_data(request: HttpRequest):
    """Everything the platform holds about you (the same document as the profile page's)."""
    return services.personal_data_export(actor=request.auth, user=request.auth)


@router.get("/tokens", response=TokenList, auth=REQUIRED, summary="Your API tokens")
def token_list(request: HttpRequest, params: Query[PageParams]):
    """Your tokens, newest first (metadata only)."""
    return paginate(selectors.user_tokens(request.auth), params)


@router.post(
    "/tokens", response={201: TokenCreatedOut}, auth=REQUIRED, summary="Create an API token"
)
def token_create(request: HttpRequest, payload: TokenCreateIn):
    """Create a token; its key is in this answer only."""
    token, key = services.token_create(actor=request.auth, name=payload.name)
    data = TokenOut.from_orm(token).dict()
    data["key"] = key
    return Status(201, data)


def _own_token(user: User, public_id: str) -> ApiToken:
    try:
        wanted = uuid.UUID(public_id)
    except ValueError:
        raise NotFound() from None
    token = selectors.user_tokens(user).filter(public_id=wanted).first()
    if token is None:
        raise NotFound()
    return token


@router.delete(
    "/tokens/{public_id}", response=TokenOut, auth=REQUIRED, summary="Revoke an API token"
)
def token_revoke(request: HttpRequest, public_id: str):
    """Revoke one of your tokens; it stops working at once."""
    return services.token_revoke(actor=request.auth, token=_own_token(request.auth, public_id))
