"""Jobs of the core app: delivery of e-mail and SMS."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage

from .sms import OutboxSmsSender, sms_sender


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(
    *, to: str, subject: str, body: str, user_id: int | None = None, sensitive: bool = False
) -> None:
    """Send one e-mail through the configured backend."""
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    # attributes, not headers: read by the outbox backend, never sent to a mail server
    message.opengov_user_id = user_id
    message.opengov_sensitive = sensitive
    message.send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_sms(*, phone: str, text: str, user_id: int | None = None, sensitive: bool = False) -> None:
    """Send one SMS through the configured sender."""
    sender = sms_sender()
    if isinstance(sender, OutboxSmsSender):
        sender.send(phone, text, user_id=user_id, sensitive=sensitive)
    else:
        sender.send(phone, text)
