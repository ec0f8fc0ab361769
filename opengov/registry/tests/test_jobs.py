"""The import job off the request: on a thread of its own by default, on Celery when a
broker is configured."""

import pytest

from opengov.registry import imports, jobs
from opengov.registry.models import ImportRun, Organisation

DATA = "Business_Accounting_NO,Company_Name\r\n22099131,台灣積體電路製造股份有限公司\r\n".encode()


@pytest.mark.django_db(transaction=True)
def test_import_runs_on_a_thread(settings, keeper, monkeypatch):
    settings.REGISTRY_IMPORT_INLINE = False
    start = jobs.start_import
    monkeypatch.setattr(jobs, "start_import", lambda run_id: None)  # start it here instead
    run = imports.import_start(actor=keeper, filename="b.csv", data=DATA, dataset="basic")
    thread = start(run.pk)
    assert thread is not None
    thread.join(timeout=60)
    run.refresh_from_db()
    assert run.state == ImportRun.State.SUCCEEDED
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_import_goes_to_celery_with_a_broker(settings, keeper, monkeypatch):
    from opengov.registry import tasks

    sent = []
    monkeypatch.setattr(tasks.run_import, "delay", lambda **kw: sent.append(kw))
    settings.JOBS_IN_PROCESS = False
    run = imports.import_start(actor=keeper, filename="b.csv", data=DATA, dataset="basic")
    assert jobs.start_import(run.pk) is None
    assert sent == [{"run_id": run.pk}]
    tasks.run_import(run_id=run.pk)  # what the worker does
    run.refresh_from_db()
    assert run.state == ImportRun.State.SUCCEEDED
