"""What operators rely on: request ids in logs and jobs, JSON logs, metrics, backup and
restore into a fresh database."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from opengov.accounts.tests.factories import UserFactory
from opengov.core import requestid
from opengov.core.backup import backup, key_fingerprint, table_counts

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_request_id_is_taken_from_the_proxy_or_made(client):
    given = uuid.uuid4().hex
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n<script>")["X-Request-ID"]
    assert made != "bad id\n<script>" and len(made) == 32


def test_request_id_follows_a_request_into_its_job():
    app = Celery("request_id_test", broker="memory://", set_as_current=False)
    app.conf.task_always_eager = False
    seen = {}

    @app.task(name="request_id_test.job")
    def job():
        seen["inside"] = requestid.current.get()

    requestid.connect_celery()
    published = {}

    def keep(headers=None, **_):
        published.update(headers or {})

    from celery import signals

    signals.before_task_publish.connect(keep, weak=False)
    try:
        token = requestid.current.set("a1b2c3d4e5f6a7b8")
        try:
            job.apply_async()
        finally:
            requestid.current.reset(token)
    finally:
        signals.before_task_publish.disconnect(keep)
    assert published[requestid.TASK_HEADER] == "a1b2c3d4e5f6a7b8"
    job.apply(headers={requestid.TASK_HEADER: published[requestid.TASK_HEADER]})
    assert seen["inside"] == "a1b2c3d4e5f6a7b8"
    assert requestid.current.get() == "-"


def test_json_log_lines_carry_the_request_id():
    spec = dict(settings.LOGGING["formatters"]["json"])
    factory = spec.pop("()")
    module, name = factory.rsplit(".", 1)
    formatter = getattr(__import__(module, fromlist=[name]), name)(**spec)
    record = logging.LogRecord(
        "opengov.test", logging.WARNING, __file__, 1, "出事了 %s", ("x",), None
    )
    token = requestid.current.set("feedfacefeedface")
    try:
        requestid.RequestIdFilter().filter(record)
    finally:
        requestid.current.reset(token)
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "feedfacefeedface"
    assert line["message"] == "出事了 x" and line["level"] == "WARNING"


@pytest.mark.django_db
def test_metrics_for_the_machine_only(client):
    assert client.get("/healthz").status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "opengov_cosignatures_total" in text
    assert "opengov_job_queue_depth" in text
    assert (
        'opengov_http_request_duration_seconds_count{method="GET",route="healthz",status="200"}'
        in text
    )
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db
def test_metrics_count_the_database_connections(client):
    text = client.get("/metrics").content.decode()
    active = re.search(r'^opengov_db_connections\{state="active"\} (\d+)', text, re.M)
    assert active and int(float(active.group(1))) >= 1  # the scrape's own connection
    assert re.search(r'^opengov_db_connections\{state="idle in transaction"\} ', text, re.M)
    maximum = re.search(r"^opengov_db_max_connections (\S+)", text, re.M)
    assert maximum and float(maximum.group(1)) > 1


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "opengov.manage", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def fresh_database_url(tmp_path):
    """The URL of a new, empty database of the same kind as the tests'."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    db = settings.DATABASES["default"]
    name = f"og_restore_{uuid.uuid4().hex[:10]}"
    user, host = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1"
    admin = f"postgresql://{user}@{host}:{db.get('PORT') or 5432}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database(tmp_path, settings, fresh_database_url):
    from opengov.accounts import services as account_services

    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media/proposals").mkdir(parents=True)
    (tmp_path / "media/proposals/附件.txt").write_text("上傳的檔案")
    UserFactory()
    account_services.agency_create(actor=None, code="bkp", name_zh_hant="備份部", name_en="Backup")
    manifest = backup(tmp_path / "backup")
    assert manifest["tables"] == table_counts()
    assert manifest["audit_events"] >= 1
    assert {k["setting"] for k in manifest["keys_to_keep_safe"]} >= {"SECRET_KEY", "ID_HASH_KEY"}
    assert all(k["fingerprint"] != settings.SECRET_KEY for k in manifest["keys_to_keep_safe"])

    env = {
        **os.environ,
        "DATABASE_URL": fresh_database_url,
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "SECRET_KEY": settings.SECRET_KEY,
        "ID_HASH_KEY": settings.ID_HASH_KEY,
        "ID_ENCRYPTION_KEY": settings.ID_ENCRYPTION_KEY,
        "TLOG_SIGNING_KEY": settings.TLOG_SIGNING_KEY,
    }
    wrong = _manage({**env, "ID_HASH_KEY": "another-key"}, "restore", str(tmp_path / "backup"))
    assert wrong.returncode != 0 and "ID_HASH_KEY" in wrong.stderr

    restored = _manage(env, "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    assert "every count matches" in restored.stdout
    assert (tmp_path / "restored-media/proposals/附件.txt").read_text() == "上傳的檔案"
    verified = _manage(env, "verify_audit_log")
    assert verified.returncode == 0, verified.stderr

    again = _manage(env, "restore", str(tmp_path / "backup"))
    assert again.returncode != 0 and "not empty" in again.stderr


def test_key_fingerprints_do_not_reveal_keys():
    assert key_fingerprint("secret") != key_fingerprint("secret2")
    assert "secret" not in key_fingerprint("secret")
