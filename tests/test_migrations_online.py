"""Migrations that can run while the previous release still serves (docs/PRODUCTION.md §6).

Every migration after the baseline below must be additive — new tables, nullable columns or
columns with a database default, new indexes and constraints — or say on its `Migration`
class why it is safe (`online_safe_because = "..."`). On PostgreSQL the SQL of each checked
migration is read too: no `DROP`, no `RENAME`, no `SET NOT NULL` unless flagged.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations import operations as ops
from django.db.migrations.loader import MigrationLoader
from django.db.models.fields import NOT_PROVIDED

#: migrations written before the rule (they ran on every site already)
BASELINE = {
    ("accounts", "0001_initial"),
    ("accounts", "0002_user_session_version"),
    ("accounts", "0003_user_residency"),
    ("accounts", "0004_signin_unlock_codes"),
    ("accounts", "0005_user_is_aml_reviewer"),
    ("action_plans", "0001_initial"),
    ("action_plans", "0002_seed_policy_areas"),
    ("action_plans", "0003_evidence_random_names"),
    ("action_plans", "0004_evidence_public_id_unique"),
    ("consultations", "0001_initial"),
    ("consultations", "0002_counts_version"),
    ("consultations", "0003_search"),
    ("consultations", "0004_attachment_random_names"),
    ("core", "0001_initial"),
    ("core", "0002_outbox_owner_and_sensitive"),
    ("core", "0002_transparency_log"),
    ("core", "0003_audit_log_pseudonyms_and_leaves"),
    ("core", "0003_outbox_dead_letters"),
    ("core", "0004_audit_events_into_merkle_log"),
    ("core", "0005_drop_audit_hash_chain"),
    ("core", "0006_merge_outbox_and_transparency_log"),
    ("open_data", "0001_initial"),
    ("open_data", "0002_random_file_names"),
    ("opinions", "0001_initial"),
    ("ownership", "0001_initial"),
    ("proposals", "0001_initial"),
    ("proposals", "0002_search"),
    ("proposals", "0003_follow"),
    ("proposals", "0004_signature_proposal_without_row_lock"),
    ("proposals", "0005_collaboration_meeting"),
    ("proposals", "0006_attachment_random_names"),
    ("proposals", "0007_attachment_public_id_unique"),
    ("proposals", "0008_response_point_answers"),
    ("referendums", "0001_initial"),
    ("registry", "0001_initial"),
    ("registry", "0002_search"),
    ("registry", "0003_organisation_redirect"),
}

ADDITIVE = (ops.CreateModel, ops.AddIndex, ops.AddConstraint)
NOT_ADDITIVE = (
    ops.RemoveField,
    ops.DeleteModel,
    ops.RenameField,
    ops.RenameModel,
    ops.AlterField,
    ops.RemoveIndex,
    ops.RemoveConstraint,
    ops.AlterModelTable,
    ops.RunSQL,
    ops.RunPython,
)


def problems_of(operation) -> list[str]:
    """Why an operation could break the code that still serves, or nothing."""
    if isinstance(operation, ADDITIVE):
        return []
    if isinstance(operation, ops.AddField):
        field = operation.field
        if field.null or field.many_to_many or field.db_default is not NOT_PROVIDED:
            return []
        return [f"adds {operation.model_name}.{operation.name} NOT NULL without db_default"]
    if isinstance(operation, NOT_ADDITIVE):
        return [f"{type(operation).__name__} {operation.describe()}"]
    if isinstance(operation, ops.AlterModelOptions | ops.AlterModelManagers):
        return []
    return [f"{type(operation).__name__} is not known to be additive"]


def checked_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key, migration in sorted(loader.disk_migrations.items()):
        if key[0] in {c.label for c in _project_apps()} and key not in BASELINE:
            yield key, migration


def _project_apps():
    from django.apps import apps

    return [c for c in apps.get_app_configs() if c.name.startswith("opengov.")]


def test_every_new_migration_is_additive_or_says_why():
    unsafe = {}
    for key, migration in checked_migrations():
        if getattr(migration, "online_safe_because", ""):
            continue
        created = {op.name_lower for op in migration.operations if isinstance(op, ops.CreateModel)}
        found = [
            p
            for op in migration.operations
            # a column added to a table the same migration creates: no serving code reads it
            if not (isinstance(op, ops.AddField) and op.model_name_lower in created)
            for p in problems_of(op)
        ]
        if found:
            unsafe[key] = found
    assert not unsafe, unsafe


def test_the_check_finds_what_breaks_old_code():
    from django.db import models

    assert problems_of(ops.RemoveField("proposal", "title"))
    assert problems_of(ops.AddField("proposal", "x", models.IntegerField(default=0)))
    assert not problems_of(ops.AddField("proposal", "x", models.IntegerField(null=True)))
    assert not problems_of(ops.AddField("proposal", "x", models.IntegerField(db_default=0)))


@pytest.mark.postgres
@pytest.mark.django_db
def test_new_migrations_sql_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's SQL")
    loader = MigrationLoader(connection)
    unsafe = {}
    for key, migration in checked_migrations():
        if getattr(migration, "online_safe_because", ""):
            continue
        state = loader.project_state((key[0], key[1]), at_end=False)
        with connection.schema_editor(collect_sql=True, atomic=False) as editor:
            migration.apply(state, editor, collect_sql=True)
        sql = " ".join(editor.collected_sql).upper()
        bad = [w for w in ("DROP ", "RENAME ", "SET NOT NULL") if w in sql]
        if bad:
            unsafe[key] = bad
    assert not unsafe, unsafe
