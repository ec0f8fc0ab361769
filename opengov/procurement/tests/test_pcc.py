"""PCC notices in their "section:field" form mapped to OCDS: Minguo dates, amounts such as
"308,100元", tenderers with winners and losers, ocds-kj3ygj ids; messy notices as published."""

import datetime as dt
from decimal import Decimal

import pytest

from opengov.core.errors import ServiceError
from opengov.procurement import pcc, selectors, services
from opengov.procurement.models import Bid, Record

pytestmark = pytest.mark.django_db

PREFIX = "ocds-kj3ygj"

TENDER_NOTICE = {
    "機關資料:機關代碼": "3.80.11 ",
    "機關資料:機關名稱": "臺北市政府工務局新建工程處",
    "機關資料:機關地址": "110臺北市信義區市府路1號",
    "採購資料:標案案號": "TP-113001",
    "採購資料:標案名稱": "<script>alert(1)</script>市民大道 人行道改善工程",
    "採購資料:標的分類": "<工程類>513 土木工程及建築物",
    "採購資料:預算金額": "  12,345,678元 ",
    "招標資料:招標方式": "公開招標",
    "招標資料:公告日": "113/05/07",
    "領投開標:截止投標": "113/05/21 17:00",
}

AWARD_NOTICE = {
    "機關資料:機關代碼": "3.80.11",
    "機關資料:機關名稱": "臺北市政府工務局新建工程處",
    "已公告資料:標案案號": "TP-113001",
    "已公告資料:標案名稱": "市民大道人行道改善工程",
    "已公告資料:標的分類": "<工程類>513 土木工程及建築物",
    "已公告資料:招標方式": "公開招標",
    "已公告資料:公告日": "1130507",
    "投標廠商:投標廠商家數": "3",
    "投標廠商:投標廠商1:廠商代碼": "53212539",
    "投標廠商:投標廠商1:廠商名稱": "大同營造股份有限公司",
    "投標廠商:投標廠商1:是否得標": "是",
    "投標廠商:投標廠商1:廠商電話": "(02)2345-6789",
    "投標廠商:投標廠商1:廠商地址": "臺北市中山區中山北路三段22號",
    "投標廠商:投標廠商2:廠商代碼": "22099131",
    "投標廠商:投標廠商2:廠商名稱": "台灣土木有限公司",
    "投標廠商:投標廠商2:是否得標": "否",
    "投標廠商:投標廠商3:廠商代碼": "",
    "投標廠商:投標廠商3:廠商名稱": "個人工作室　陳大明",
    "投標廠商:投標廠商3:是否得標": "否",
    "決標品項:第1品項:得標廠商1:得標廠商": "大同營造股份有限公司",
    "決標品項:第1品項:得標廠商1:決標金額": "308,100元",
    "決標品項:第1品項:未得標廠商1:未得標廠商": "台灣土木有限公司",
    "決標品項:第1品項:未得標廠商1:標價金額": "350,000元",
    "決標品項:第1品項:未得標廠商2:未得標廠商": "個人工作室 陳大明",
    "決標品項:第1品項:未得標廠商2:標價金額": "NT$ 399,999",
    "決標資料:決標日期": "113/06/03",
    "決標資料:決標公告日期": "113/06/05",
    "決標資料:總決標金額": "308,100元",
    "決標資料:履約起迄日期": "113/07/01－114/06/30",
}


def test_tender_notice_maps_to_a_tender_release():
    r = pcc.notice_to_release(TENDER_NOTICE, prefix=PREFIX)
    assert r["ocid"] == "ocds-kj3ygj-3.80.11-TP-113001"
    assert r["tag"] == ["tender"]
    assert r["date"] == "2024-05-07T00:00:00+08:00"
    tender = r["tender"]
    assert tender["mainProcurementCategory"] == "works"
    assert tender["procurementMethod"] == "open"
    assert tender["value"] == {"amount": 12_345_678, "currency": "TWD"}
    assert tender["tenderPeriod"] == {
        "startDate": "2024-05-07T00:00:00+08:00",
        "endDate": "2024-05-21T17:00:00+08:00",
    }
    assert r["buyer"] == {"id": "TW-PCC-UNIT-3.80.11", "name": "臺北市政府工務局新建工程處"}


def test_award_notice_has_winners_losers_bids_and_contract():
    r = pcc.notice_to_release(AWARD_NOTICE, prefix=PREFIX)
    assert r["ocid"] == "ocds-kj3ygj-3.80.11-TP-113001"
    assert r["tag"] == ["award", "contract"]
    assert r["date"] == "2024-06-05T00:00:00+08:00"
    parties = {p["id"]: p for p in r["parties"]}
    winner = parties["TW-MOEA-53212539"]
    assert winner["identifier"] == {
        "scheme": "TW-MOEA",
        "id": "53212539",
        "legalName": "大同營造股份有限公司",
    }
    assert set(winner["roles"]) == {"tenderer", "supplier"}
    assert winner["contactPoint"] == {"telephone": "(02)2345-6789"}
    assert parties["TW-MOEA-22099131"]["roles"] == ["tenderer"]
    assert "TW-NAME-個人工作室 陳大明" in parties  # no business number: named by name
    assert r["tender"]["numberOfTenderers"] == 3
    [award] = r["awards"]
    assert award["suppliers"] == [{"id": "TW-MOEA-53212539", "name": "大同營造股份有限公司"}]
    assert award["value"] == {"amount": 308_100, "currency": "TWD"}
    assert award["date"] == "2024-06-03T00:00:00+08:00"
    bids = {b["tenderers"][0]["id"]: b["value"]["amount"] for b in r["bids"]["details"]}
    assert bids == {
        "TW-MOEA-53212539": 308_100,
        "TW-MOEA-22099131": 350_000,
        "TW-NAME-個人工作室 陳大明": 399_999,
    }
    [contract] = r["contracts"]
    assert contract["awardID"] == award["id"]
    assert contract["period"] == {
        "startDate": "2024-07-01T00:00:00+08:00",
        "endDate": "2025-06-30T00:00:00+08:00",
    }


def test_award_without_item_lines_uses_the_total_and_the_winners():
    notice = {k: v for k, v in AWARD_NOTICE.items() if not k.startswith("決標品項:")}
    r = pcc.notice_to_release(notice, prefix=PREFIX)
    [award] = r["awards"]
    assert award["value"]["amount"] == 308_100
    assert [s["id"] for s in award["suppliers"]] == ["TW-MOEA-53212539"]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("決標資料:總決標金額", "三十萬元", "amount"),
        ("決標資料:決標公告日期", "2024-06-05X", "minguo_date"),
        ("決標資料:決標公告日期", "113/13/45", "minguo_date"),
        ("決標資料:履約起迄日期", "113/07/01", "period"),
        ("投標廠商:投標廠商家數", "三", "number"),
        ("機關資料:機關代碼", "", "required"),
    ],
)
def test_unreadable_fields_are_named(field, value, reason):
    notice = {k: v for k, v in AWARD_NOTICE.items() if not k.startswith("決標品項:")}
    notice[field] = value
    with pytest.raises(pcc.NoticeError) as caught:
        pcc.notice_to_release(notice, prefix=PREFIX)
    assert caught.value.field == field
    assert caught.value.reason == reason


def test_notices_import_stores_and_the_lookup_finds_the_contract(keeper):
    big = dict(AWARD_NOTICE)
    big["決標品項:第1品項:得標廠商1:決標金額"] = "250,000,000元"
    report = services.notices_import(actor=keeper, notices=[TENDER_NOTICE, big])
    assert (report.stored, report.rejections) == (2, [])
    record = Record.objects.get()
    assert record.release_count == 2
    assert record.compiled["tender"]["tenderPeriod"]["endDate"] == "2024-05-21T17:00:00+08:00"
    assert Bid.objects.filter(record=record).count() == 3
    found = selectors.large_procurement_in_performance("53212539", dt.date(2025, 1, 1))
    assert [(c.amount, c.category) for c in found] == [(Decimal("250000000"), "works")]
    assert selectors.large_procurement_in_performance("53212539", dt.date(2025, 7, 1)) == []


def test_notices_import_is_all_or_nothing(keeper):
    bad = dict(AWARD_NOTICE, **{"決標資料:決標公告日期": "昨天"})
    with pytest.raises(ServiceError) as caught:
        services.notices_import(actor=keeper, notices=[TENDER_NOTICE, bad, "text"])
    assert [(d["position"], d["reason"]) for d in caught.value.details] == [
        (2, "minguo_date"),
        (3, "not_object"),
    ]
    assert Record.objects.count() == 0
    report = services.notices_import(actor=keeper, notices=[TENDER_NOTICE, bad], keep_valid=True)
    assert report.stored == 1 and len(report.rejections) == 1
