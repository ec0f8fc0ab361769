"""Celery jobs of the donations app."""

from __future__ import annotations

from celery import shared_task


@shared_task
def run_import(*, run_id: int) -> None:
    """Run one import of a Control Yuan file (a run that has started is not run again)."""
    from .importer import import_execute

    import_execute(run_id)
