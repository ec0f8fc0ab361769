"""Reading the Control Yuan's files: layouts found by header names, Big5 and UTF-8 with a
BOM, Minguo dates, amounts as written, every kind of broken business number kept with a
flag, rows that cannot be read named with their line."""

import datetime as dt

import pytest

from opengov.donations import controlyuan
from opengov.donations.demo import HEADER, OLDER_HEADER, big5

ROW = (
    "1,王小明,2024年第11屆立法委員選舉,1,{date},營利事業捐贈收入,示範營造有限公司,"
    "{bn},{amount},,匯款,,,,是,臺北市,,,,,,,,,"
)


def detail(*rows):
    return big5(HEADER, list(rows))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("1130507", dt.date(2024, 5, 7)),
        ("113/05/07", dt.date(2024, 5, 7)),
        ("096/12/26", dt.date(2007, 12, 26)),
        ("104/11/4", dt.date(2015, 11, 4)),
        ("0760221", dt.date(1987, 2, 21)),
        ("113年5月7日", dt.date(2024, 5, 7)),
        ("2024-05-07", dt.date(2024, 5, 7)),
        ("１１３／０５／０７", dt.date(2024, 5, 7)),
    ],
)
def test_minguo_dates(text, day):
    assert controlyuan.parse_date(text) == day


@pytest.mark.parametrize("text", ["113/02/30", "1131301", "soon", "113/5"])
def test_impossible_dates_refused(text):
    with pytest.raises(ValueError):
        controlyuan.parse_date(text)


@pytest.mark.parametrize(
    ("text", "amount"),
    [("308,100元", 308100), ("162000.00", 162000), ("NT$5,000", 5000), ("", 0), ("１０００", 1000)],
)
def test_amounts_as_written(text, amount):
    assert controlyuan.parse_amount(text) == amount


@pytest.mark.parametrize(
    ("raw", "number", "flags"),
    [
        ("90000023", "90000023", ()),
        ("3100003", "", ("bn_lost_zero",)),  # 03100003 after a spreadsheet
        ("910000090", "", ("bn_length",)),
        ("031*******", "", ("bn_masked",)),
        ("91000100", "91000100", ("bn_checksum",)),
        ("9100A009", "", ("bn_not_digits",)),
        ("A12345****", "", ("id_masked",)),
        ("", "", ("id_missing",)),
    ],
)
def test_each_kind_of_broken_business_number_is_flagged_not_repaired(raw, number, flags):
    found = controlyuan.read_donor_id(raw, on=dt.date(2024, 5, 7), anonymous=False)
    assert found.business_number == number
    assert found.flags == flags


def test_a_full_personal_id_is_kept_masked():
    found = controlyuan.read_donor_id("A123456789", on=None, anonymous=False)
    assert found.masked_id == "A12345****"
    assert found.flags == ("id_unmasked",)


def test_real_format_big5_file_with_minguo_dates_and_broken_numbers():
    data = detail(
        ROW.format(date="1121001", bn="90000023", amount='"1,000,001元"'),
        ROW.format(date="112/10/08", bn="3100003", amount="10000"),
        ROW.format(date="096/12/26", bn="031*******", amount="10000"),
        ROW.format(date="104/11/4", bn="910000090", amount="10000"),
        ROW.format(date="1121009", bn="91000100", amount="10000"),
    )
    assert data.decode("cp950")  # really Big5
    parsed = controlyuan.parse(data)
    assert (parsed.encoding, parsed.layout) == ("cp950", "cy25")
    assert parsed.rejections == []
    assert [r.date for r in parsed.rows] == [
        dt.date(2023, 10, 1),
        dt.date(2023, 10, 8),
        dt.date(2007, 12, 26),
        dt.date(2015, 11, 4),
        dt.date(2023, 10, 9),
    ]
    assert parsed.rows[0].income == 1_000_001
    assert [r.flags for r in parsed.rows] == [
        [],
        ["bn_lost_zero"],
        ["bn_masked"],
        ["bn_length"],
        ["bn_checksum"],
    ]
    assert all(r.donor_kind == "company" for r in parsed.rows)
    assert parsed.rows[1].donor_id_raw == "3100003"  # kept as published
    assert parsed.rows[0].row_hash == controlyuan.row_hash(parsed.rows[0].cells)


def test_utf8_with_bom_and_older_layouts_found_by_header_names():
    text = "\ufeff屆數,姓名,捐贈者/支出對象,身份證/統一編,收入金額,交易日期,地址\r\n"
    text += "第11屆立法委員,王小明,善心人士,,5000,1130105,\r\n"
    text += "第11屆立法委員,王小明,林一,A12345****,20000,113/1/6,臺北市\r\n"
    parsed = controlyuan.parse(text.encode("utf-8"))
    assert (parsed.encoding, parsed.layout) == ("utf-8-sig", "older")
    anonymous, person = parsed.rows
    assert anonymous.donor_kind == "anonymous" and anonymous.flags == ["anonymous"]
    assert person.donor_kind == "individual" and person.masked_id == "A12345****"
    assert person.election == "第11屆立法委員" and person.recipient == "王小明"
    older = big5(OLDER_HEADER, ["張小芬,5,112/10/25,個人捐贈收入,K12345****,何六,20000,,是,高雄市"])
    row = controlyuan.parse(older, election="2024年第11屆立法委員選舉").rows[0]
    assert (row.line, row.election, row.income) == ("5", "2024年第11屆立法委員選舉", 20000)


def test_unknown_layout_names_columns_found_and_needed():
    with pytest.raises(controlyuan.LayoutError) as caught:
        controlyuan.parse("姓名,金額,備註\r\n王小明,100,\r\n".encode())
    assert caught.value.found == ["姓名", "金額", "備註"]
    assert set(caught.value.missing) == {"date", "donor", "donor_id"}


def test_unreadable_rows_are_named_with_line_and_reason():
    parsed = controlyuan.parse(
        detail(
            ROW.format(date="113/02/30", bn="90000023", amount="1000"),
            ROW.format(date="1130105", bn="90000023", amount="-500"),
            ROW.format(date="1130105", bn="90000023", amount="很多"),
            ROW.format(date="1130105", bn="90000023", amount="1000"),
        )
    )
    assert [r.as_dict() for r in parsed.rejections] == [
        {
            "row": 2,
            "field": "date",
            "reason": "impossible or unreadable date",
            "value": "113/02/30",
        },
        {"row": 3, "field": "income", "reason": "negative amount", "value": "-500"},
        {"row": 4, "field": "income", "reason": "unreadable amount", "value": "很多"},
    ]
    assert len(parsed.rows) == 1
