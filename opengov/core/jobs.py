"""Starting a job: on a Celery worker when a broker is configured, otherwise in-process, on a
thread of its own (so the page that started it can show its progress), or inline when the
caller asks (tests, management commands).

Whichever way it runs, a job writes its texts (a run's message, its report) in the platform's
language, as a worker does: never in the language of the page that happened to start it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import translation


def start(
    *, name: str, execute: Callable[[], Any], enqueue: Callable[[], Any], inline: bool = False
) -> threading.Thread | None:
    """Run a job: `enqueue()` (a Celery task's `delay`) when a broker is configured, else
    `execute()` inline when `inline`, else `execute()` on a daemon thread named `name` that
    closes its database connection when done; returns the thread when it runs on one."""
    if not settings.JOBS_IN_PROCESS:
        enqueue()
        return None
    if inline:
        # in the platform's language, not the request's (a new thread starts in it anyway)
        with translation.override(settings.LANGUAGE_CODE):
            execute()
        return None

    def work() -> None:
        try:
            execute()
        finally:
            connection.close()

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    return thread
