"""Atom feeds: new, passed and answered proposals.

Feed readers render `<summary type="html">` as HTML, so user text goes in as sanitised HTML
(`core.text.plain_to_html`), never raw.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from opengov.core.text import plain_to_html

from .models import Proposal, Status


class _ProposalFeed(Feed):
    feed_type = Atom1Feed
    limit = 50

    def item_title(self, item: Proposal) -> str:
        return item.title

    def item_description(self, item: Proposal) -> str:
        return plain_to_html(item.content, limit=500)

    def item_link(self, item: Proposal) -> str:
        return reverse("proposals:detail", args=[item.public_id])

    def item_author_name(self, item: Proposal) -> str:
        return item.proposer.display_name

    def item_categories(self, item: Proposal):
        categories = [a.code for a in item.agencies.all()]
        return [*categories, f"space:{item.space}"] if item.space else categories


class NewProposals(_ProposalFeed):
    """Proposals newly published for co-signing."""

    title = _("New proposals")
    subtitle = _("Proposals newly open for co-signing")

    def link(self) -> str:
        return reverse("proposals:list")

    def items(self):
        return (
            Proposal.objects.filter(status__in=(Status.PUBLISHED, Status.RESPONDED))
            .select_related("proposer")
            .prefetch_related("agencies")
            .order_by("-published_at", "-id")[: self.limit]
        )

    def item_pubdate(self, item: Proposal):
        return item.published_at


class PassedProposals(_ProposalFeed):
    """Proposals that reached the threshold."""

    title = _("Passed proposals")
    subtitle = _("Proposals that reached the co-signature threshold")

    def link(self) -> str:
        return reverse("proposals:list") + "?state=awaiting_response"

    def items(self):
        return (
            Proposal.objects.filter(passed_at__isnull=False)
            .select_related("proposer")
            .prefetch_related("agencies")
            .order_by("-passed_at", "-id")[: self.limit]
        )

    def item_pubdate(self, item: Proposal):
        return item.passed_at


class AnsweredProposals(_ProposalFeed):
    """Proposals the agency has answered."""

    title = _("Answered proposals")
    subtitle = _("Proposals with a published agency response")

    def link(self) -> str:
        return reverse("proposals:list") + "?state=responded"

    def items(self):
        return (
            Proposal.objects.filter(status=Status.RESPONDED)
            .select_related("proposer", "response")
            .prefetch_related("agencies")
            .order_by("-responded_at", "-id")[: self.limit]
        )

    def item_description(self, item: Proposal) -> str:
        return plain_to_html(item.response.summary, limit=500)

    def item_pubdate(self, item: Proposal):
        return item.responded_at
