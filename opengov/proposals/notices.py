"""The follower notices the proposal services queue (a module of its own, so the services,
which queue them, and the periodic sweep in `tasks`, which calls the services, form no import
cycle). The task keeps the name it was registered under."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Proposal
from .selectors import follower_ids

EVENTS = (
    "published",
    "passed",
    "failed",
    "extended",
    "answered",
    "meeting",
    "meeting_changed",
)


def _subject(event: str, title: str) -> str:
    messages = {
        "published": _("Proposal published: %(title)s"),
        "passed": _("The proposal passed the threshold: %(title)s"),
        "failed": _("The proposal did not reach the threshold: %(title)s"),
        "extended": _("The agency extended its response date: %(title)s"),
        "answered": _("The agency answered: %(title)s"),
        "meeting": _("A collaboration meeting is called, co-signers may take a seat: %(title)s"),
        "meeting_changed": _("The collaboration meeting has changed: %(title)s"),
    }
    return messages[event] % {"title": title}


@shared_task(name="opengov.proposals.tasks.notify_followers")
def notify_followers(*, proposal_id: int, event: str) -> int:
    """E-mail the proposer, the co-signers and the followers (but those who stopped this
    proposal's notices or all notices); returns how many."""
    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is None or event not in EVENTS:
        return 0
    from django.contrib.auth import get_user_model

    recipients = (
        get_user_model()
        .objects.filter(notify_by_email=True, is_active=True, closed_at__isnull=True)
        .filter(pk__in=follower_ids(proposal))
        .order_by("pk")
        .iterator(chunk_size=2000)
    )
    url = f"{settings.SITE_URL}/proposals/{proposal.public_id}/"
    sent = 0
    for user in recipients:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = _subject(event, proposal.title)
            body = _(
                "%(subject)s\n\n%(url)s\n\nYou can turn these notices off on your profile."
            ) % {
                "subject": subject,
                "url": url,
            }
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        sent += 1
    return sent
