"""Celery jobs of procurement."""

from __future__ import annotations

from celery import shared_task


@shared_task
def run_import(*, run_id: int) -> None:
    """Run one OCDS import (idempotent: a run that has started is not run again)."""
    from .importer import import_execute

    import_execute(run_id)


@shared_task
def refresh_flags(*, user_id: int) -> int:
    """Run the red flags again for this keeper (the same hits whenever it runs)."""
    from django.contrib.auth import get_user_model

    from .services import flags_refresh

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    return flags_refresh(actor=user)
