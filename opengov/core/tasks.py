"""Jobs of the core app: delivery of e-mail and SMS, checkpoints of the audit log."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from .sms import sms_sender


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, to: str, subject: str, body: str) -> None:
    """Send one e-mail through the configured backend."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_sms(*, phone: str, text: str) -> None:
    """Send one SMS through the configured sender."""
    sms_sender().send(phone, text)


@shared_task
def audit_checkpoint() -> int:
    """Sign a checkpoint of the audit log if it has grown (periodic); return its size."""
    from . import audit

    return audit.checkpoint().size
