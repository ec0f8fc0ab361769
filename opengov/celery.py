"""Celery application.

With `CELERY_BROKER_URL` set, tasks go to the broker (Redis) and run in workers
(`.venv/bin/celery -A opengov worker`). Without it, every task runs in-process, eagerly,
so the platform needs no server by default.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")

app = Celery("opengov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
