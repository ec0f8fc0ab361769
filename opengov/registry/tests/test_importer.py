"""Import of the company registry's open data: Big5 and UTF-8 (BOM) files, CSV and JSON,
Minguo dates, full-width characters; all or nothing with a report of every rejected row;
re-import keeps history."""

import datetime as dt
import io
import json

import pytest

from opengov.core.models import AuditEvent
from opengov.registry import importer, imports, selectors
from opengov.registry.models import BoardSeat, ImportRun, NumberFlag, Organisation, Status

HEADER = ",".join(importer.BASIC_COLUMNS)


def basic_csv(rows, header=HEADER):
    return "\r\n".join([header, *rows]) + "\r\n"


GOOD_ROWS = [
    # number, name, status, capital, paid-in, representative, address, set-up, revoke, sus beg, end
    '22099131,台灣積體電路製造股份有限公司,核准設立,"280,500,000,000",259325245210,魏哲家,'
    "新竹科學園區新竹市力行六路8號,0760221,,,",
    "２２０９９１３２,臺灣測試(股)公司,停業,１０００００,100000.00,王小明,"
    "臺北市中正區重慶南路一段122號,096/12/26,,113/05/07,1140506",
    "04595257,範例貿易有限公司,廢止,500000,500000,陳大文,台北市信義區,104/11/4,1130507,,",
]


def start(
    user, text, *, dataset="basic", encoding="utf-8", as_of=dt.date(2024, 6, 1), name="x.csv"
):
    data = text.encode(encoding) if isinstance(text, str) else text
    return imports.import_start(actor=user, filename=name, data=data, dataset=dataset, as_of=as_of)


def reload(run):
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_big5_csv_with_minguo_dates_and_full_width(keeper, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = start(keeper, basic_csv(GOOD_ROWS), encoding="cp950")
    run = reload(run)
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.rejections)
    assert (run.encoding, run.file_format, run.created) == ("big5", "csv", 3)
    tsmc = Organisation.objects.get(business_number="22099131")
    assert tsmc.business_number_flag == ""
    assert tsmc.capital == 280_500_000_000
    assert tsmc.set_up_on == dt.date(1987, 2, 21)
    assert tsmc.status == Status.ACTIVE
    flagged = Organisation.objects.get(business_number="22099132")
    assert flagged.business_number_flag == NumberFlag.CHECKSUM
    assert flagged.capital == 100000 and flagged.paid_in_capital == 100000
    assert flagged.set_up_on == dt.date(2007, 12, 26)
    assert flagged.suspended_from == dt.date(2024, 5, 7)
    assert flagged.suspended_until == dt.date(2025, 5, 6)
    assert flagged.status == Status.SUSPENDED
    revoked = Organisation.objects.get(business_number="04595257")
    assert revoked.set_up_on == dt.date(2015, 11, 4)
    assert revoked.revoked_on == dt.date(2024, 5, 7)
    assert revoked.status == Status.REVOKED
    event = AuditEvent.objects.get(verb="registry.import_applied")
    assert event.changes["created"] == 3


@pytest.mark.django_db
def test_broken_rows_reject_the_whole_file(keeper, django_capture_on_commit_callbacks):
    rows = [
        *GOOD_ROWS,
        "12345675,,核准設立,1000,1000,甲,台北,1130507,,,",  # no name
        "12345676,壞日期有限公司,核准設立,1000,1000,乙,台北,113/13/45,,,",  # no such date
        "12345677,負資本有限公司,核准設立,-5,1000,丙,台北,1130507,,,",  # negative capital
        "22099131,重複股份有限公司,核准設立,1000,1000,丁,台北,1130507,,,",  # number twice
        ",無統編有限公司,核准設立,1000,1000,戊,台北,1130507,,,",  # no number
        "12345678,欄位不足",  # short line
        "12345679,停業顛倒有限公司,停業,1,1,己,台北,1130507,,1130601,1130501",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run = start(keeper, basic_csv(rows), encoding="cp950")
    run = reload(run)
    assert run.state == ImportRun.State.REJECTED
    assert Organisation.objects.count() == 0
    found = {(r["row"], r["line"], r["field"]) for r in run.rejections}
    assert found == {
        (4, 5, "Company_Name"),
        (5, 6, "Company_Setup_Date"),
        (6, 7, "Capital_Stock_Amount"),
        (7, 8, "Business_Accounting_NO"),
        (8, 9, "Business_Accounting_NO"),
        (9, 10, ""),
        (10, 11, "Sus_End_Date"),
    }
    assert all(r["message"] for r in run.rejections)
    assert "7" in run.message


@pytest.mark.django_db
def test_utf8_bom_json_and_chinese_headers(keeper, django_capture_on_commit_callbacks):
    records = [
        {
            "統一編號": "22099131",
            "公司名稱": "台灣積體電路製造股份有限公司",
            "公司狀況": "核准設立",
            "核准設立日期": "1130507",
            "資本總額(元)": 1000,
        },
    ]
    data = b"\xef\xbb\xbf" + json.dumps(records, ensure_ascii=False).encode()
    with django_capture_on_commit_callbacks(execute=True):
        run = start(keeper, data, name="basic.json")
    run = reload(run)
    assert (run.state, run.encoding, run.file_format) == ("succeeded", "utf-8-sig", "json")
    assert Organisation.objects.get().set_up_on == dt.date(2024, 5, 7)


@pytest.mark.django_db
def test_unreadable_files_are_refused_with_a_reason(keeper, django_capture_on_commit_callbacks):
    cases = [
        (b"\xa4\xa4\x81\x20", "Big5"),
        (b"\xff\xfe\x00", "Big5"),
        (b'[{"Company_Name": ', "JSON"),
        (basic_csv([], header="Foo,Bar").encode() + b"1,2\r\n", "Business_Accounting_NO"),
    ]
    for data, expected in cases:
        with django_capture_on_commit_callbacks(execute=True):
            run = start(keeper, data)
        run = reload(run)
        assert run.state == ImportRun.State.REJECTED
        assert expected in run.message
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_reimport_keeps_name_status_and_board_history(keeper, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start(keeper, basic_csv(GOOD_ROWS[:1]), as_of=dt.date(2024, 1, 1))
    directors = [
        {
            "Business_Accounting_NO": "22099131",
            "Person_Position_Name": "董事長",
            "Person_Name": "劉德音",
            "Juristic_Person_Name": "",
            "Person_Shareholding": "1,000",
        },
        {
            "Business_Accounting_NO": "22099131",
            "Person_Position_Name": "董事",
            "Person_Name": "曾繁城",
            "Juristic_Person_Name": "行政院國家發展基金管理會",
            "Person_Shareholding": "1,653,709,980",
        },
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run = start(keeper, json.dumps(directors), dataset="directors", as_of=dt.date(2024, 1, 1))
    assert reload(run).state == ImportRun.State.SUCCEEDED, reload(run).rejections
    renamed = (
        GOOD_ROWS[0]
        .replace("台灣積體電路製造股份有限公司", "台積新名股份有限公司")
        .replace("核准設立", "解散")
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = start(keeper, basic_csv([renamed]), as_of=dt.date(2024, 6, 4))
    assert (reload(run).updated, reload(run).created) == (1, 0)
    directors[0]["Person_Name"] = "魏哲家"
    with django_capture_on_commit_callbacks(execute=True):
        run = start(keeper, json.dumps(directors), dataset="directors", as_of=dt.date(2024, 6, 4))
    run = reload(run)
    assert run.state == ImportRun.State.SUCCEEDED
    org = Organisation.objects.get()
    before = selectors.organisation_as_of(org, dt.date(2024, 3, 1))
    after = selectors.organisation_as_of(org, dt.date(2024, 7, 1))
    assert before.name == "台灣積體電路製造股份有限公司" and before.status == Status.ACTIVE
    assert after.name == "台積新名股份有限公司" and after.status == Status.DISSOLVED
    assert [s.person.name for s in before.board] == ["劉德音", "曾繁城"]
    assert [s.person.name for s in after.board] == ["魏哲家", "曾繁城"]
    seat = after.board[1]
    assert seat.represents_name == "行政院國家發展基金管理會" and seat.shareholding == 1653709980
    assert BoardSeat.objects.count() == 3
    # the same file again changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        run = start(keeper, json.dumps(directors), dataset="directors", as_of=dt.date(2024, 7, 1))
    assert reload(run).unchanged == 1 and BoardSeat.objects.count() == 3


@pytest.mark.django_db
def test_directors_of_unknown_companies_are_rejected(keeper, django_capture_on_commit_callbacks):
    rows = ",".join(importer.DIRECTOR_COLUMNS) + "\r\n"
    rows += "99999999,董事,某人,,100\r\n,董事,某人,,abc\r\n12345678,,,,\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        run = start(keeper, rows.encode("cp950"), dataset="directors")
    run = reload(run)
    assert run.state == ImportRun.State.REJECTED
    found = {(r["row"], r["field"]) for r in run.rejections}
    assert found == {
        (1, "Business_Accounting_NO"),
        (2, "Business_Accounting_NO"),
        (2, "Person_Shareholding"),
        (3, "Business_Accounting_NO"),
        (3, "Person_Position_Name"),
        (3, "Person_Name"),
    }


@pytest.mark.django_db
def test_wrong_dataset_is_refused(keeper, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = start(keeper, basic_csv(GOOD_ROWS), dataset="directors")
    assert reload(run).state == ImportRun.State.REJECTED
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1130507", dt.date(2024, 5, 7)),
        ("113/05/07", dt.date(2024, 5, 7)),
        ("096/12/26", dt.date(2007, 12, 26)),
        ("104/11/4", dt.date(2015, 11, 4)),
        ("０７６０２２１", dt.date(1987, 2, 21)),
        ("民國113年5月7日", dt.date(2024, 5, 7)),
        ("2024-05-07", dt.date(2024, 5, 7)),
        ("", None),
        ("0000000", None),
    ],
)
def test_dates(text, expected):
    assert importer.parse_date(text) == expected


@pytest.mark.parametrize("text", ["1131345", "113/02/30", "abc", "11305"])
def test_bad_dates(text):
    with pytest.raises(ValueError):
        importer.parse_date(text)


@pytest.mark.django_db
def test_import_refused_to_citizens_and_other_officials(people):
    from opengov.core.errors import NotFound

    for role in ("anonymous", "citizen", "other_official", "official"):
        with pytest.raises(NotFound):
            start(people[role], basic_csv(GOOD_ROWS))
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_progress(keeper, django_capture_on_commit_callbacks):
    run = start(keeper, basic_csv(GOOD_ROWS))  # not started: callbacks not run
    assert importer.progress(run)["phase"] == "waiting"
    importer.import_execute(run.pk)
    run = reload(run)
    assert importer.progress(run) == {
        "state": "succeeded",
        "phase": "done",
        "total": 3,
        "checked": 3,
        "applied": 3,
        "percent": 100,
    }
    assert importer.import_execute(run.pk) is None  # a run is executed once


@pytest.mark.django_db
def test_command_line_import(keeper, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "basic.csv"
    good.write_bytes(basic_csv(GOOD_ROWS).encode("cp950"))
    out = io.StringIO()
    call_command("registry_import", str(good), dataset="basic", user=keeper.email, stdout=out)
    assert out.getvalue().startswith("succeeded") and Organisation.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(basic_csv([",沒有統編有限公司,,,,,,,,,"]).encode("cp950"))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("registry_import", str(bad), dataset="basic", user=keeper.email, stdout=out)
    assert "row 1 line 2 Business_Accounting_NO" in out.getvalue()
