"""Backing up and restoring a site: the database, the uploaded files, and the list of keys.

A backup is a folder:

- `database.dump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3` (SQLite, a
  consistent copy through SQLite's backup API);
- `media.tar.gz`, every uploaded file under `MEDIA_ROOT`;
- `manifest.json`: when and from which schema it was made, the number of rows of every table,
  and the keys that must be kept safe *outside* the backup, by setting name with a
  fingerprint (never the key itself): without the same `ID_HASH_KEY` no national ID can be
  matched again, without `ID_ENCRYPTION_KEY` the encrypted ones cannot be read, and the
  audit log's checkpoints are signed with `TLOG_SIGNING_KEY`.

`restore` loads a backup into an empty database and `MEDIA_ROOT`, refuses when the configured
keys do not match the fingerprints, then checks that every table has the row count of the
manifest and that the audit log verifies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

from . import audit

#: settings whose values must be kept safe outside the backup (a restore needs the same)
KEYS_TO_KEEP = (
    ("SECRET_KEY", "signs sessions, password-reset links and one-time codes"),
    ("ID_HASH_KEY", "keyed hashes of national ID numbers: without it no ID matches again"),
    ("ID_ENCRYPTION_KEY", "encrypts the national IDs the law needs readable"),
    ("TLOG_SIGNING_KEY", "signs the audit log's and the tallies' checkpoints"),
    ("REFERENDUM_WITNESS_KEY", "co-signs referendum tally checkpoints, when set"),
)

MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup could not be made or restored; the message says why."""


def key_fingerprint(value: str) -> str:
    """A short fingerprint of a key's value, to recognise it without revealing it."""
    return hashlib.sha256(b"opengov-key-fingerprint\0" + value.encode()).hexdigest()[:16]


def _keys() -> list[dict[str, str]]:
    return [
        {"setting": name, "why": why, "fingerprint": key_fingerprint(str(value))}
        for name, why in KEYS_TO_KEEP
        if (value := getattr(settings, name, ""))
    ]


def table_counts() -> dict[str, int]:
    """The number of rows of every table that a model of the site owns."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if model._meta.managed and not model._meta.proxy and table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def _pg_url() -> str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    return f"postgresql://{user}@{host}:{port}/{db['NAME']}"


def _pg_env() -> dict[str, str]:
    env = dict(os.environ)
    if settings.DATABASES["default"].get("PASSWORD"):
        env["PGPASSWORD"] = settings.DATABASES["default"]["PASSWORD"]
    return env


def _run(command: list[str]) -> None:
    # the commands are PostgreSQL's own tools with this site's database URL and paths
    result = subprocess.run(command, capture_output=True, text=True, env=_pg_env())  # noqa: S603
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def backup(destination: Path) -> dict[str, Any]:
    """Write a backup of this site into the new folder `destination`; returns the manifest."""
    destination.mkdir(parents=True, exist_ok=False)
    if connection.vendor == "postgresql":
        database = "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={destination / database}",
              _pg_url()])  # fmt: skip
    elif connection.vendor == "sqlite":
        database = "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(destination / database)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"no backup for a {connection.vendor} database")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(destination / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    manifest = {
        "made_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": database,
        "vendor": connection.vendor,
        "media": "media.tar.gz",
        "tables": table_counts(),
        "audit_events": audit.verify(None).leaves_checked,
        "keys_to_keep_safe": _keys(),
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


@dataclass
class RestoreReport:
    """What a restore loaded and checked."""

    tables: int
    rows: int
    audit_events: int
    media_files: int


def _is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(source: Path) -> RestoreReport:
    """Load the backup in `source` into this site's (empty) database and `MEDIA_ROOT`, then
    check every table's row count and the audit log."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable {MANIFEST} in {source}: {exc}") from exc
    configured = {k["setting"]: k["fingerprint"] for k in _keys()}
    for key in manifest["keys_to_keep_safe"]:
        if configured.get(key["setting"]) != key["fingerprint"]:
            raise BackupError(
                f"{key['setting']} is not the key the backup was made with "
                f"(fingerprint {key['fingerprint']}): set it before restoring"
            )
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"a {manifest['vendor']} backup cannot go into {connection.vendor}")
    if not _is_empty():
        raise BackupError("the database is not empty: restore into a new database")
    if connection.vendor == "postgresql":
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_pg_url()}",
              str(source / manifest["database"])])  # fmt: skip
    else:
        connection.ensure_connection()
        origin = sqlite3.connect(source / manifest["database"])
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
    media = Path(settings.MEDIA_ROOT)
    files = 0
    with tarfile.open(source / manifest["media"], "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("media")]
        scratch = media.parent / f".restore-{os.getpid()}"
        archive.extractall(scratch, members=members, filter="data")
        restored = scratch / "media"
        if restored.exists():
            media.mkdir(parents=True, exist_ok=True)
            for path in restored.rglob("*"):
                if path.is_file():
                    target = media / path.relative_to(restored)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(path, target)
                    files += 1
        shutil.rmtree(scratch, ignore_errors=True)
    counts = table_counts()
    differing = {
        table: (expected, counts.get(table))
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    }
    if differing:
        raise BackupError(f"row counts differ from the backup's (expected, found): {differing}")
    report = audit.verify(None)
    if report.problem:
        raise BackupError(f"the restored audit log does not verify: {report.problem.detail}")
    if report.leaves_checked != manifest["audit_events"]:
        raise BackupError(
            f"the restored audit log has {report.leaves_checked} events, "
            f"the backup {manifest['audit_events']}"
        )
    return RestoreReport(
        tables=len(counts),
        rows=sum(counts.values()),
        audit_events=report.leaves_checked,
        media_files=files,
    )
