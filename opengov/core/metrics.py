"""Prometheus metrics: django-prometheus for requests by route (rates, latencies, status),
plus the platform's own: co-signatures, jobs run and failed, and the job queue's depth.

`/metrics` answers only clients (`core.clientip`) in `METRICS_ALLOWED` (loopback by
default), so a request passed on by the proxy counts as its real client's; the shipped nginx
configuration refuses the path anyway. With several processes (granian's workers, Celery's),
set `PROMETHEUS_MULTIPROC_DIR` to one empty folder for all of them: `/metrics` then adds up
every process's counters, the job workers' included.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import Counter
from prometheus_client.core import REGISTRY, GaugeMetricFamily

from .clientip import client_ip

COSIGNATURES = Counter("opengov_cosignatures", "Co-signatures of proposals recorded")
JOBS = Counter("opengov_jobs", "Background jobs finished, by task and outcome", ["task", "outcome"])
JOB_FAILURES = Counter("opengov_job_failures", "Background jobs that raised, by task", ["task"])


def cosignature_recorded() -> None:
    """Count one recorded co-signature."""
    COSIGNATURES.inc()


class JobQueueCollector:
    """The number of jobs waiting in each Celery queue, read from the Redis broker when
    `/metrics` is scraped (nothing when jobs run in-process)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "opengov_job_queue_depth", "Jobs waiting in the queue", labels=["queue"]
        )
        url = getattr(settings, "CELERY_BROKER_URL", "")
        if not getattr(settings, "JOBS_IN_PROCESS", True) and url.startswith("redis"):
            import redis

            try:
                client = redis.Redis.from_url(url, socket_timeout=1)
                for queue in settings.METRICS_JOB_QUEUES:
                    gauge.add_metric([queue], client.llen(queue))
            except redis.RedisError:
                pass
        yield gauge


_registered = False


def register_collectors() -> None:
    """Register the queue-depth collector once per process."""
    global _registered
    if not _registered:
        REGISTRY.register(JobQueueCollector())
        _registered = True


def _job_finished(task: Any = None, state: str | None = None, **_kwargs: Any) -> None:
    JOBS.labels(getattr(task, "name", "?"), (state or "unknown").lower()).inc()


def _job_failed(sender: Any = None, **_kwargs: Any) -> None:
    JOB_FAILURES.labels(getattr(sender, "name", "?")).inc()


def connect_celery() -> None:
    """Count jobs and their failures in the worker."""
    from celery import signals

    signals.task_postrun.connect(_job_finished, weak=False)
    signals.task_failure.connect(_job_failed, weak=False)


def _allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in settings.METRICS_ALLOWED)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The Prometheus exposition, for the allowed addresses only (others: not found)."""
    if not _allowed(client_ip(request)):
        raise Http404
    from django_prometheus.exports import ExportToDjangoView

    register_collectors()
    return ExportToDjangoView(request)
