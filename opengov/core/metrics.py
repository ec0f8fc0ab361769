"""Prometheus metrics (prometheus-client): requests by route (rate, latency, status),
co-signatures, jobs run and failed, the job queue's depth, and the database's connections.

Django keeps one persistent connection per server thread (`CONN_MAX_AGE`) rather than a pool
in each process, so the pool that can run dry is PostgreSQL's own: `/metrics` reports the
platform database's connections by state (active, idle, idle in transaction, …) and the
server's `max_connections`, read from `pg_stat_activity` when it is scraped.

Requests are timed by `RequestMetricsMiddleware`: one histogram observation per request,
labelled by the URL pattern (not the path, so the number of series stays bounded), method and
status. django-prometheus's middleware records seven series per request, which cost about
0.5 ms of CPU on every co-signature (bench/cosign/cpu.py, same run with and without):
more than a third of the whole request.

`/metrics` answers only clients (`core.clientip`) in `METRICS_ALLOWED` (loopback by
default), so a request passed on by the proxy counts as its real client's; the shipped nginx
configuration refuses the path anyway. With several processes (granian's workers, Celery's),
set `PROMETHEUS_MULTIPROC_DIR` to one empty folder for all of them: `/metrics` then adds up
every process's counters, the job workers' included.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import REGISTRY, GaugeMetricFamily

from .clientip import client_ip

COSIGNATURES = Counter("opengov_cosignatures", "Co-signatures of proposals recorded")
JOBS = Counter("opengov_jobs", "Background jobs finished, by task and outcome", ["task", "outcome"])
JOB_FAILURES = Counter("opengov_job_failures", "Background jobs that raised, by task", ["task"])
REQUESTS = Histogram(
    "opengov_http_request_duration_seconds",
    "Requests by URL pattern, method and status, with their duration",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
_request_series: dict[tuple[str, str, int], Any] = {}
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class RequestMetricsMiddleware:
    """Times every request into `REQUESTS` (outermost, so the whole stack is measured)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match else "unmatched"
        observe_request(route, request.method, response.status_code, time.perf_counter() - started)
        return response


def observe_request(route: str, method: str | None, status: int, seconds: float) -> None:
    """Count one request to `route` (a URL pattern) that took `seconds`."""
    key = (route, method if method in _METHODS else "other", status)
    series = _request_series.get(key)
    if series is None:
        series = _request_series[key] = REQUESTS.labels(*key)
    series.observe(seconds)


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


class DatabaseConnectionsCollector:
    """The platform database's connections by state, and the server's limit (PostgreSQL;
    nothing on SQLite, which has no server). A connection idle in a transaction for long, or
    a count near the limit, is what an operator alerts on."""

    _SQL = """
        SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend'
        GROUP BY 1
    """

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db import DatabaseError, connection

        if connection.vendor != "postgresql":
            return
        connections = GaugeMetricFamily(
            "opengov_db_connections",
            "Connections to the platform's PostgreSQL database, by state",
            labels=["state"],
        )
        limit = GaugeMetricFamily(
            "opengov_db_max_connections", "The PostgreSQL server's max_connections"
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(self._SQL)
                by_state = dict(cursor.fetchall())
                cursor.execute("SELECT current_setting('max_connections')::int")
                (maximum,) = cursor.fetchone()
        except DatabaseError:
            return
        for state in ("active", "idle", "idle in transaction", "idle in transaction (aborted)"):
            by_state.setdefault(state, 0)
        for state, count in sorted(by_state.items()):
            connections.add_metric([state], count)
        limit.add_metric([], maximum)
        yield connections
        yield limit


_registered = False


def register_collectors() -> None:
    """Register the queue-depth and database collectors once per process."""
    global _registered
    if not _registered:
        REGISTRY.register(JobQueueCollector())
        REGISTRY.register(DatabaseConnectionsCollector())
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
    """The Prometheus exposition, for the allowed addresses only (others: not found); with
    `PROMETHEUS_MULTIPROC_DIR`, the sum over every process that writes there."""
    if not _allowed(client_ip(request)):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(JobQueueCollector())
        registry.register(DatabaseConnectionsCollector())
    else:
        register_collectors()
        registry = REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
