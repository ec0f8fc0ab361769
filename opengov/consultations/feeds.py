"""Atom feed of open consultations (optionally of one agency or kind).

Feed readers render `<summary type="html">` as HTML: the summary (Markdown) goes in through
the sanitiser (`core.text.render_markdown`), never raw.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from opengov.core.text import plain_to_html, render_markdown

from . import selectors
from .models import Consultation, Kind, State


class OpenConsultationsFeed(Feed):
    """Consultations open for comment, soonest closing first; `?agency=` and `?kind=`."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, str]:
        kind = request.GET.get("kind") or ""
        return {
            "agency": (request.GET.get("agency") or "").strip()[:32],
            "kind": kind if kind in Kind.values else "",
        }

    def title(self, obj: dict[str, str]) -> str:
        return _("Open consultations")

    def subtitle(self, obj: dict[str, str]) -> str:
        return _("Policies and draft regulations open for public comment")

    def link(self, obj: dict[str, str]) -> str:
        return reverse("consultations:list")

    def items(self, obj: dict[str, str]) -> Any:
        return selectors.consultation_list(
            state=State.OPEN, agency_code=obj["agency"] or None, kind=obj["kind"] or None
        )[:50]

    def item_title(self, item: Consultation) -> str:
        return f"[{item.agency.name}] {item.title}"

    def item_description(self, item: Consultation) -> str:
        notice = _("%(kind)s. Comments until %(day)s.") % {
            "kind": item.get_kind_display(),
            "day": item.closes_on.isoformat(),
        }
        return plain_to_html(notice) + render_markdown(item.summary, limit=2000)

    def item_link(self, item: Consultation) -> str:
        return reverse("consultations:detail", kwargs={"public_id": item.public_id})

    def item_guid(self, item: Consultation) -> str:
        return f"urn:uuid:{item.public_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Consultation) -> Any:
        return item.published_at

    def item_updateddate(self, item: Consultation) -> Any:
        return item.updated_at

    def item_author_name(self, item: Consultation) -> str:
        return item.agency.name

    def item_categories(self, item: Consultation) -> list[str]:
        return [f"space:{item.space}"] if item.space else []

    def feed_url(self, obj: dict[str, str]) -> str:
        return settings.SITE_URL + reverse("consultations:feed")
