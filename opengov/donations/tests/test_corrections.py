"""The Control Yuan's correction lists (更正資料): a Big5 list by field and a UTF-8 list by
transaction become new versions with the difference and the correction date; every refusal
reason; all or nothing; the versions on the transaction's page; the verification rules run
again; upload page and API for analysts only."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opengov.core import clock
from opengov.core.models import AuditEvent
from opengov.donations import corrections, services
from opengov.donations.demo import HEADER, big5
from opengov.donations.models import ImportRun, Transaction, TransactionVersion

from .test_import import row

pytestmark = pytest.mark.django_db

ELECTION = "2024年第11屆立法委員選舉"
BY_FIELD = (
    "擬參選人／政黨,選舉名稱,申報序號／年度,序號,更正欄位,更正前,更正後,更正註記,資料更正日期"
)


def fix(line, column, before, after, *, on="1130601", note="申報更正", who="王小明"):
    return f"{who},{ELECTION},1,{line},{column},{before},{after},{note},{on}"


@pytest.fixture
def imported(moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.import_start(
            actor=moderator, filename="cy.csv", data=big5(HEADER, [row(1), row(2), row(3)])
        )
    assert Transaction.objects.count() == 3
    return moderator


def apply(user, data, capture, election=""):
    with capture(execute=True):
        run = services.corrections_start(
            actor=user, filename="更正資料.csv", data=data, election_name=election
        )
    run.refresh_from_db()
    return run


def untouched():
    return (
        TransactionVersion.objects.count() == 3
        and not Transaction.objects.exclude(version=1).exists()
        and set(Transaction.objects.values_list("income", flat=True)) == {1000}
    )


def test_big5_list_by_field_becomes_versions_with_the_difference_and_date(
    imported, django_capture_on_commit_callbacks
):
    data = big5(
        BY_FIELD,
        [
            fix(2, "收入金額", '"1,000"', '"1,200"'),
            fix(2, "捐贈者／支出對象", "示範營造有限公司", "示範營造股份有限公司"),
            fix(3, "捐贈方式", "匯款", "支票", on="113/07/15"),
            fix(3, "收入金額", "1000", "900", on="1130801", note="金額更正"),
        ],
    )
    run = apply(imported, data, django_capture_on_commit_callbacks)
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.rejections)
    assert (run.kind, run.encoding, run.layout, run.corrected) == (
        "corrections",
        "cp950",
        "by_field",
        3,
    )
    two = Transaction.objects.get(line="2")
    assert (two.version, two.income, two.donor_name) == (2, 1200, "示範營造股份有限公司")
    version = two.versions.get(version=2)
    assert version.changes == {
        "income": [1000, 1200],
        "donor_name": ["示範營造有限公司", "示範營造股份有限公司"],
    }
    assert version.corrected_on == dt.date(2024, 6, 1)
    assert version.run_id == run.pk and version.correction_note == "申報更正"
    assert two.raw["收入金額"] == "1,200" and two.raw["資料更正日期"] == "1130601"
    assert two.row_hash == version.row_hash != two.versions.get(version=1).row_hash
    three = Transaction.objects.get(line="3")
    assert (three.version, three.method, three.income) == (3, "支票", 900)
    second, third = three.versions.filter(version__gte=2).order_by("version")
    assert (second.changes, second.corrected_on) == (
        {"method": ["匯款", "支票"]},
        dt.date(2024, 7, 15),
    )
    assert (third.changes, third.corrected_on) == ({"income": [1000, 900]}, dt.date(2024, 8, 1))
    assert Transaction.objects.get(line="1").version == 1
    assert AuditEvent.objects.filter(verb="donations.corrections_started").count() == 1
    applied = AuditEvent.objects.get(verb="donations.corrections_applied")
    assert applied.changes["corrected"] == 3
    # the verification rules ran again after the list (as after the import before it)
    assert AuditEvent.objects.filter(verb="donations.findings_refreshed").count() == 2
    assert "查核規則已重新執行" in run.message  # "the verification rules ran again" (zh-Hant)


def test_list_by_transaction_in_utf8_with_bom(imported, django_capture_on_commit_callbacks):
    corrected = row(1, amount="1500", note="更正金額").rstrip(",") + ",1130910"
    data = ("\ufeff" + HEADER + "\r\n" + corrected + "\r\n").encode("utf-8")
    run = apply(imported, data, django_capture_on_commit_callbacks)
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.rejections)
    assert (run.encoding, run.layout) == ("utf-8-sig", "by_row")
    one = Transaction.objects.get(line="1")
    assert (one.version, one.income, one.correction_note) == (2, 1500, "更正金額")
    version = one.versions.get(version=2)
    assert version.changes == {"income": [1000, 1500]}
    assert version.corrected_on == dt.date(2024, 9, 10)


def test_each_refusal_reason_and_nothing_applied(imported, django_capture_on_commit_callbacks):
    data = big5(
        BY_FIELD,
        [
            fix(1, "收入金額", "1000", "2000"),  # fine, but the list is refused
            fix(9, "收入金額", "1000", "2000"),  # no such transaction
            fix(1, "序號", "1", "7"),  # identifies the row, cannot be corrected
            fix(1, "電話號碼", "", "02-1234"),  # not a column of the detail file
            fix(2, "收入金額", "5000", "2000"),  # 更正前 is not the current value
            fix(3, "交易日期", "1121001", "113/02/30"),  # the corrected value cannot be read
            fix(3, "收入金額", "1000", "-5"),  # nor a negative amount
            fix(2, "地址", "臺北市", "新北市", on="1130231"),  # impossible correction date
            fix(2, "地址", "臺北市", "新北市", on=""),  # no correction date
            fix(1, "收入金額", "1000", "2000", who="沒有這個人"),
        ],
    )
    run = apply(imported, data, django_capture_on_commit_callbacks)
    assert run.state == ImportRun.State.REJECTED
    report = [(r["row"], r["field"], r["reason"].split(" (")[0]) for r in run.rejections]
    assert report == [
        (3, "line", "no such transaction"),
        (4, "field", "not a correctable column"),
        (5, "field", "not a correctable column"),
        (6, "before", "更正前 does not match the current version"),
        (7, "after", "impossible or unreadable date"),
        (8, "after", "negative amount"),
        (9, "corrected_on", "impossible or unreadable date"),
        (10, "corrected_on", "no correction date"),
        (11, "line", "no such transaction"),
    ]
    assert "current: 1000" in run.rejections[3]["reason"]
    assert "未套用任何更正" in run.message  # "nothing was applied"
    assert untouched()
    assert not AuditEvent.objects.filter(verb="donations.corrections_applied").exists()
    # only the import's run of the rules
    assert AuditEvent.objects.filter(verb="donations.findings_refreshed").count() == 1


def test_a_list_is_matched_in_a_bounded_number_of_queries(
    imported, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The transactions of a list are found together (filings, stored pairs, transactions),
    not with one query per transaction named."""
    other = "2020年第10屆立法委員選舉"
    with django_capture_on_commit_callbacks(execute=True):
        services.import_start(
            actor=imported,
            filename="2020.csv",
            data=big5(HEADER, [row(1).replace(ELECTION, other)]),
        )
    assert Transaction.objects.count() == 4
    data = big5(
        BY_FIELD,
        [
            fix(1, "收入金額", "1000", "1100"),
            fix(2, "收入金額", "1000", "1200"),
            fix(3, "收入金額", "1000", "1300"),
            fix(8, "收入金額", "1000", "1400"),  # no such transaction
            fix(3, "收入金額", "1000", "1500", who="沒有這個人"),  # nor this one
            "王小明,,1,1,收入金額,1000,1600,申報更正,1130601",  # line 1 of filing 1 in both
        ],
    )
    entries = corrections.scan(data).entries
    with django_assert_max_num_queries(3):
        resolved = corrections.resolve(entries, run=None, now=clock.now())
    assert sorted(tx.income for tx in resolved.transactions) == [1100, 1200, 1300]
    assert [(r.position, r.reason.split(":")[0]) for r in resolved.rejections] == [
        (5, "no such transaction"),
        (6, "no such transaction"),
        (7, "more than one transaction matches"),
    ]


def test_a_list_in_neither_layout_names_the_columns(imported, django_capture_on_commit_callbacks):
    run = apply(
        imported, "序號,備註\r\n1,x\r\n".encode("cp950"), django_capture_on_commit_callbacks
    )
    assert run.state == ImportRun.State.REJECTED
    assert "序號, 備註" in run.message and "corrected_on" in run.message
    assert "line," not in run.message  # 序號 is there
    assert "field, after" in run.message
    assert untouched()


def test_versions_and_differences_on_the_transaction_page(
    client, imported, django_capture_on_commit_callbacks
):
    data = big5(BY_FIELD, [fix(2, "收入金額", "1000", "1200")])
    run = apply(imported, data, django_capture_on_commit_callbacks)
    assert run.state == ImportRun.State.SUCCEEDED, run.rejections
    tx = Transaction.objects.get(line="2")
    page = client.get(f"/donations/transactions/{tx.public_id}/").content.decode()
    assert "<code>income</code>: 1000 → 1200" in page
    assert "2024-06-01" in page and "申報更正" in page
    item = client.get(f"/api/v1/donations/{tx.public_id}").json()["item"]
    assert item["versions"][1]["corrected_on"] == "2024-06-01"
    assert item["versions"][1]["changes"] == {"income": [1000, 1200]}


def test_upload_page_and_api_for_analysts_only(
    client, imported, citizen, django_capture_on_commit_callbacks
):
    data = big5(BY_FIELD, [fix(2, "收入金額", "1000", "1200")])
    client.force_login(citizen)
    assert client.get("/donations/corrections/").status_code == 404
    upload = SimpleUploadedFile("更正.csv", data, content_type="text/csv")
    assert client.post("/api/v1/donations/corrections", {"file": upload}).status_code == 404
    assert not ImportRun.objects.filter(kind="corrections").exists()
    client.force_login(imported)
    page = client.get("/donations/corrections/")
    assert page.status_code == 200 and "<caption>" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/donations/corrections/",
            {"file": SimpleUploadedFile("更正.csv", data, content_type="text/csv")},
        )
    run = ImportRun.objects.get(kind="corrections")
    assert response.status_code == 302 and str(run.public_id) in response["Location"]
    shown = client.get(response["Location"]).content.decode()
    assert "新增 1 個附資料更正日期的版本" in shown  # "1 new version(s) with the correction date"
    empty = client.post("/donations/corrections/", {})
    assert empty.status_code in (400, 422) and "file" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        api = client.post(
            "/api/v1/donations/corrections",
            {"file": SimpleUploadedFile("更正2.csv", data, content_type="text/csv")},
        )
    assert api.status_code == 201 and api.json()["item"]["kind"] == "corrections"
    again = client.get(f"/api/v1/donations/imports/{api.json()['item']['id']}").json()["item"]
    # the same correction twice: 更正前 is no longer the current value
    assert again["state"] == "rejected" and again["rejections"][0]["field"] == "before"
