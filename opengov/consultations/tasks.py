"""Jobs of consultations: notices to participants. Each takes ids and is idempotent."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from opengov.core import clock
from opengov.core.mail import send_email_after_commit

from .models import Consultation
from .selectors import participants


@shared_task
def notify_report_published(consultation_id: int) -> int:
    """E-mail everyone who commented that the report is out; once per consultation."""
    with transaction.atomic():
        consultation = (
            Consultation.objects.select_for_update()
            .select_related("agency")
            .filter(pk=consultation_id, report_published_at__isnull=False)
            .first()
        )
        if consultation is None or consultation.report_notified_at is not None:
            return 0
        url = settings.SITE_URL + reverse(
            "consultations:report", kwargs={"public_id": consultation.public_id}
        )
        sent = 0
        for person in participants(consultation).filter(
            is_active=True, closed_at__isnull=True, notify_by_email=True
        ):
            language = person.preferred_language or settings.LANGUAGE_CODE
            with translation.override(language):
                subject = render_to_string(
                    "consultations/email/report_published_subject.txt",
                    {"consultation": consultation},
                ).strip()
                body = render_to_string(
                    "consultations/email/report_published.txt",
                    {"consultation": consultation, "person": person, "url": url},
                )
            send_email_after_commit(to=person.email, subject=subject, body=body)
            sent += 1
        consultation.report_notified_at = clock.now()
        consultation.save(update_fields=["report_notified_at"])
        return sent
