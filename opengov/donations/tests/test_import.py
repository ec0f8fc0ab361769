"""Import of Control Yuan files as a job: flagged rows kept, a broken file refused whole with
its row report, an unknown layout refused with the columns found and needed, corrections as
new versions with the difference, progress, permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opengov.core.errors import NotFound
from opengov.core.models import AuditEvent
from opengov.donations import controlyuan, runs, services, versioning
from opengov.donations.demo import HEADER, big5
from opengov.donations.models import ImportRun, Transaction, TransactionVersion

ROW = (
    "{line},王小明,2024年第11屆立法委員選舉,1,{date},營利事業捐贈收入,{name},{bn},{amount},,"
    "匯款,,,,是,臺北市,,,,,,,,{note},"
)


def row(line, *, date="1121001", name="示範營造有限公司", bn="90000023", amount="1000", note=""):
    return ROW.format(line=line, date=date, name=name, bn=bn, amount=amount, note=note)


def start(user, data, election=""):
    run = services.import_start(actor=user, filename="cy.csv", data=data, election_name=election)
    run.refresh_from_db()
    return run


def test_versioning_names_the_fields_a_row_sets():
    (read,) = controlyuan.read_rows(big5(HEADER, [row(1)]))
    assert isinstance(read, controlyuan.Row)
    assert sorted(versioning.FIELDS) == sorted(versioning.fields_of(read))


@pytest.mark.django_db
def test_big5_file_imported_with_flags_and_hashes(moderator, django_capture_on_commit_callbacks):
    data = big5(HEADER, [row(1), row(2, bn="3100003"), row(3, bn="91000100", amount='"308,100元"')])
    with django_capture_on_commit_callbacks(execute=True):
        run = start(moderator, data)
    run.refresh_from_db()
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.rejections)
    assert (run.encoding, run.layout, run.created, run.flagged) == ("cp950", "cy25", 3, 2)
    # the verification rules ran over the new rows once the file had committed
    assert AuditEvent.objects.filter(verb="donations.findings_refreshed").count() == 1
    assert "查核規則已重新執行" in run.message  # "the verification rules ran again" (zh-Hant)
    rows = {t.line: t for t in Transaction.objects.all()}
    assert rows["1"].flags == [] and rows["1"].business_number == "90000023"
    assert rows["2"].flags == ["bn_lost_zero"] and rows["2"].business_number == ""
    assert rows["2"].donor_id_raw == "3100003"
    assert rows["3"].flags == ["bn_checksum"] and rows["3"].income == 308_100
    assert rows["1"].raw["交易日期"] == "1121001"
    assert len(rows["1"].row_hash) == 64
    assert AuditEvent.objects.filter(verb="donations.import_applied").count() == 1
    assert runs.progress(run)["percent"] == 100


@pytest.mark.django_db
def test_broken_file_refused_whole_with_every_bad_row(
    moderator, django_capture_on_commit_callbacks
):
    data = big5(HEADER, [row(1), row(2, date="113/02/30"), row(3, amount="-500"), row(4)])
    with django_capture_on_commit_callbacks(execute=True):
        run = start(moderator, data)
    run.refresh_from_db()
    assert run.state == ImportRun.State.REJECTED
    assert [(r["row"], r["field"], r["reason"]) for r in run.rejections] == [
        (3, "date", "impossible or unreadable date"),
        (4, "income", "negative amount"),
    ]
    assert Transaction.objects.count() == 0


@pytest.mark.django_db
def test_unknown_layout_names_found_and_needed(moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = start(moderator, "姓名,金額\r\n王小明,100\r\n".encode("cp950"))
    run.refresh_from_db()
    assert run.state == ImportRun.State.REJECTED
    assert "姓名, 金額" in run.message and "donor_id" in run.message
    assert Transaction.objects.count() == 0


@pytest.mark.django_db
def test_corrections_become_versions_with_the_difference(
    moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start(moderator, big5(HEADER, [row(1), row(2)]))
    with django_capture_on_commit_callbacks(execute=True):
        run = start(moderator, big5(HEADER, [row(1), row(2, amount="1200", note="更正金額")]))
    run.refresh_from_db()
    assert (run.created, run.corrected, run.unchanged) == (0, 1, 1)
    tx = Transaction.objects.get(line="2")
    assert (tx.version, tx.income, tx.correction_note) == (2, 1200, "更正金額")
    first, second = TransactionVersion.objects.filter(transaction=tx).order_by("version")
    assert second.changes == {"income": [1000, 1200]}
    assert first.row_hash != second.row_hash == tx.row_hash


@pytest.mark.django_db
def test_only_analysts_import(citizen):
    with pytest.raises(NotFound):
        services.import_start(actor=citizen, filename="x.csv", data=b"a")
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_a_line_twice_in_a_file_is_kept_once_with_one_version(
    moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start(moderator, big5(HEADER, [row(1), row(1, amount="1500"), row(2)]))
    run.refresh_from_db()
    assert (run.created, run.corrected, run.unchanged) == (2, 1, 0)
    tx = Transaction.objects.get(line="1")
    assert (tx.income, tx.version, tx.versions.count()) == (1500, 1, 1)
    assert tx.versions.get().row_hash == tx.row_hash
    with django_capture_on_commit_callbacks(execute=True):
        run = start(moderator, big5(HEADER, [row(1, amount="1600"), row(1, amount="1700"), row(2)]))
    run.refresh_from_db()
    assert (run.created, run.corrected, run.unchanged) == (0, 2, 1)
    tx.refresh_from_db()
    assert (tx.income, tx.version) == (1700, 2)
    assert list(tx.versions.values_list("version", flat=True)) == [1, 2]
    assert tx.versions.get(version=2).changes == {"income": [1500, 1700]}
    assert Transaction.objects.count() == 2 and TransactionVersion.objects.count() == 3


@pytest.mark.django_db
def test_showing_a_run_never_reads_its_file(client, moderator):
    """The upload's answer, the run's API item and its page (polled while the job runs)
    leave the uploaded file in the database."""
    quote = connection.ops.quote_name
    column = f"{quote(ImportRun._meta.db_table)}.{quote('data')}"
    client.force_login(moderator)
    upload = SimpleUploadedFile("cy.csv", big5(HEADER, [row(1)]), content_type="text/csv")
    with CaptureQueriesContext(connection) as started:
        created = client.post("/api/v1/donations/imports", {"file": upload})
    assert created.status_code == 201
    public_id = created.json()["item"]["id"]
    with CaptureQueriesContext(connection) as shown:
        item = client.get(f"/api/v1/donations/imports/{public_id}")
        page = client.get(f"/donations/imports/{public_id}/")
    assert item.status_code == 200 and page.status_code == 200
    selects = [q["sql"] for q in [*started, *shown] if q["sql"].lstrip().startswith("SELECT")]
    assert any(quote(ImportRun._meta.db_table) in sql for sql in selects)
    assert not [sql for sql in selects if column in sql]
