"""Periodic jobs of accounts."""

from __future__ import annotations

from celery import shared_task


@shared_task
def api_token_use_flush() -> int:
    """Write API tokens' last uses kept in the cache to their rows (idempotent)."""
    from .auth import token_use_flush

    return token_use_flush()
