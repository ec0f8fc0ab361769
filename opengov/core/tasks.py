"""Jobs of the core app: delivery of e-mail and SMS, with bounded retries and dead letters.

A message the mail server or SMS gateway refuses (any `OSError`: connection refused, timeout,
TLS failure, an SMTP error) is tried again after a backoff that doubles each time
(`settings.OPENGOV_DELIVERY`). After the last retry it is kept in the outbox table with status
`failed`, the number of tries and the last error: operators see it at `/operator/outbox/` and
can send it again (`services.outbox_retry`). Jobs that run in-process (no broker) try once.
The periodic `audit_checkpoint` signs a checkpoint of the audit log when it has grown.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage

from . import clock
from .models import OutboundMessage
from .sms import OutboxSmsSender, sms_sender

logger = logging.getLogger(__name__)


def backoff_seconds(retries: int) -> float:
    """The wait before retry number `retries + 1`: doubling, capped, with a little jitter."""
    rule = settings.OPENGOV_DELIVERY
    base = float(rule["backoff_seconds"]) * 2**retries
    wait = min(base, float(rule["backoff_max_seconds"]))
    return wait * (0.9 + 0.2 * random.random())


def _error_text(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:500]


def _delivered(message_id: int | None, attempts: int) -> None:
    if message_id is None:
        return
    OutboundMessage.objects.filter(pk=message_id).update(
        status=OutboundMessage.Status.SENT, last_error="", updated_at=clock.now()
    )
    logger.info("outbound message %s sent after %d tries", message_id, attempts)


def _dead_letter(*, message_id: int | None, attempts: int, error: str, **fields: Any) -> None:
    """Keep a message that could not be delivered, with its last error."""
    now = clock.now()
    if message_id is not None:
        from django.db.models import F

        OutboundMessage.objects.filter(pk=message_id).update(
            status=OutboundMessage.Status.FAILED,
            attempts=F("attempts") + attempts,
            last_error=error,
            updated_at=now,
        )
    else:
        OutboundMessage.objects.create(
            status=OutboundMessage.Status.FAILED,
            attempts=attempts,
            last_error=error,
            created_at=now,
            updated_at=now,
            **fields,
        )
    logger.error(
        "message to %s not delivered after %d tries: %s",
        fields.get("recipient", message_id),
        attempts,
        error,
    )


def _failed(task: Any, exc: OSError, *, message_id: int | None, **fields: Any) -> None:
    """Retry with backoff while tries are left; then keep the message as a dead letter."""
    retries = task.request.retries or 0
    limit = int(settings.OPENGOV_DELIVERY["max_retries"])
    if not task.request.is_eager and retries < limit:
        raise task.retry(exc=exc, countdown=backoff_seconds(retries), max_retries=limit)
    _dead_letter(message_id=message_id, attempts=retries + 1, error=_error_text(exc), **fields)


@shared_task(bind=True, max_retries=None)
def send_email(
    self,
    *,
    to: str,
    subject: str,
    body: str,
    user_id: int | None = None,
    sensitive: bool = False,
    message_id: int | None = None,
) -> None:
    """Send one e-mail through the configured backend (retried, then a dead letter)."""
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    # attributes, not headers: read by the outbox backend, never sent to a mail server
    message.opengov_user_id = user_id
    message.opengov_sensitive = sensitive
    try:
        message.send()
    except OSError as exc:  # smtplib.SMTPException and ssl.SSLError are OSErrors
        _failed(
            self,
            exc,
            message_id=message_id,
            channel=OutboundMessage.Channel.EMAIL,
            recipient=to,
            subject=str(subject)[:300],
            body=str(body),
            user_id=user_id,
            sensitive=sensitive,
        )
        return
    _delivered(message_id, (self.request.retries or 0) + 1)


@shared_task(bind=True, max_retries=None)
def send_sms(
    self,
    *,
    phone: str,
    text: str,
    user_id: int | None = None,
    sensitive: bool = False,
    message_id: int | None = None,
) -> None:
    """Send one SMS through the configured sender (retried, then a dead letter)."""
    sender = sms_sender()
    try:
        if isinstance(sender, OutboxSmsSender):
            sender.send(phone, text, user_id=user_id, sensitive=sensitive)
        else:
            sender.send(phone, text)
    except OSError as exc:
        _failed(
            self,
            exc,
            message_id=message_id,
            channel=OutboundMessage.Channel.SMS,
            recipient=phone,
            body=text,
            user_id=user_id,
            sensitive=sensitive,
        )
        return
    _delivered(message_id, (self.request.retries or 0) + 1)


@shared_task
def audit_checkpoint() -> int:
    """Sign a checkpoint of the audit log if it has grown (periodic); return its size."""
    from . import audit

    return audit.checkpoint().size
