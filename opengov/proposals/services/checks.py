"""What the proposal services share: limits, checks of typed-in values, and notices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from opengov.accounts.models import Agency
from opengov.core.errors import ServiceError
from opengov.core.text import clean_plain

from .. import rules
from ..models import (
    Proposal,
    Tag,
)

FIELD_LIMITS = {"title": 80, "content": 5000, "benefits": 3000}
TITLE_MIN = 5


# --- helpers -------------------------------------------------------------------------------


def _text(value: Any, field: str, *, required: bool = True, max_length: int) -> str:
    text = clean_plain(str(value or ""))
    if required and not text:
        raise ServiceError("required", _("This field is required."), field=field)
    if len(text) > max_length:
        raise ServiceError(
            "too_long",
            _("At most %(n)d characters (this has %(m)d).") % {"n": max_length, "m": len(text)},
            field=field,
        )
    return text


def _agencies(codes_or_agencies: Iterable[Any], *, field: str = "agencies") -> list[Agency]:
    items = list(codes_or_agencies or [])
    codes = [a.code if isinstance(a, Agency) else str(a).strip() for a in items]
    codes = list(dict.fromkeys(c for c in codes if c))
    if not codes:
        raise ServiceError("required", _("Name at least one responsible agency."), field=field)
    limit = rules.rules().max_agencies
    if len(codes) > limit:
        raise ServiceError(
            "too_many", _("Name at most %(n)d responsible agencies.") % {"n": limit}, field=field
        )
    found = {a.code: a for a in Agency.objects.filter(code__in=codes, active=True)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ServiceError(
            "unknown_agency",
            _("Unknown agency: %(codes)s") % {"codes": ", ".join(missing)},
            field=field,
        )
    return [found[c] for c in codes]


def _links(values: Iterable[str]) -> list[str]:
    links = [clean_plain(v) for v in (values or []) if clean_plain(v)]
    limit = rules.rules().max_evidence_links
    if len(links) > limit:
        raise ServiceError(
            "too_many",
            _("At most %(n)d evidence links.") % {"n": limit},
            field="evidence_links",
        )
    for link in links:
        parsed = urlparse(link)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(link) > 500:
            raise ServiceError(
                "invalid_link",
                _("Evidence links must be web addresses starting with http:// or https://."),
                field="evidence_links",
            )
    return links


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in list(dict.fromkeys(clean_plain(n) for n in (names or []) if clean_plain(n)))[:5]:
        name = raw[:50]
        slug = slugify(name, allow_unicode=True)[:50]
        if not slug:
            raise ServiceError("invalid_tag", _("A tag needs letters or digits."), field="tags")
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def _notify_proposer(proposal: Proposal, subject: str, body: str) -> None:
    from opengov.core.mail import send_email_after_commit

    user = proposal.proposer
    if user.notify_by_email and user.is_active and not user.closed_at:
        send_email_after_commit(to=user.email, subject=subject, body=body)


def _notify_followers(proposal: Proposal, event: str) -> None:
    from ..notices import notify_followers

    pk = proposal.pk
    transaction.on_commit(lambda: notify_followers.delay(proposal_id=pk, event=event))


def _proposal_url(proposal: Proposal) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}/proposals/{proposal.public_id}/"
