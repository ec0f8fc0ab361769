"""Reading drafts in the formats Taiwanese agencies publish, and the text comparison."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opengov.consultations.drafts import chinese_number, diff_html, diff_segments, parse_draft

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("一百零二", 102),
        ("兩百", 200),
        ("12", 12),
        ("１２", 12),
        ("二〇", 20),
    ],
)
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


def test_chinese_number_refuses_other_text():
    with pytest.raises(ValueError):
        chinese_number("條")


NEW_LAW = """個人資料保護委員會組織法草案
總說明：為設置獨立監督機關……

# 第一章 總則

## 第一條　為設置個人資料保護委員會，特制定本法。
說明：明定立法目的。

**第 2 條**　本會掌理下列事項：
一、個人資料保護政策之規劃。
二、其他有關事項。
說明
一、明定職掌。
二、參考外國立法例。

第二章　附則
第3條 本法施行日期，由行政院定之。
第十條之一　過渡條款。
第三條所定事項，另以法律定之。
"""


def test_new_law_with_chapters_digits_and_explanations():
    result = parse_draft(NEW_LAW)
    labels = [a.label for a in result.articles]
    assert labels == ["第一條", "第2條", "第3條", "第十條之一"]
    first, second, third, fourth = result.articles
    assert first.chapter == "第一章 總則"
    assert first.text == "為設置個人資料保護委員會，特制定本法。"
    assert first.explanation == "明定立法目的。"
    assert second.text == "本會掌理下列事項：\n一、個人資料保護政策之規劃。\n二、其他有關事項。"
    assert second.explanation == "一、明定職掌。\n二、參考外國立法例。"
    assert third.chapter == "第二章 附則"
    assert (fourth.number, fourth.sub_number) == (10, 1)
    # a body line that merely starts with an article reference stays in the body
    assert fourth.text == "過渡條款。\n第三條所定事項，另以法律定之。"
    assert result.is_amendment is False
    assert [(u.line, u.reason) for u in result.unplaced] == [
        (1, "before_first_article"),
        (2, "before_first_article"),
    ]


def test_amendment_table_with_new_and_deleted_articles():
    text = """| 修正條文 | 現行條文 | 說明 |
|:---|:---|:---|
| 第一章　總則 | 第一章　總則 | 章名未修正。 |
| 第三條　本法所稱主管機關：<br>在中央為數位發展部。 | 第三條　本法所稱主管機關：在中央為國發會。 \
| 配合組織改造。 |
| 第五條之一　電子簽章之效力。 | （新增） | 一、本條新增。 |
| 第七條　（刪除） | 第七條　舊規定。 | 本條刪除。 |
| 附記：本表僅供參考 | | |
"""
    result = parse_draft(text)
    assert result.is_amendment
    third, fifth, seventh = result.articles
    assert third.chapter == "第一章 總則"
    assert third.text == "本法所稱主管機關：\n在中央為數位發展部。"
    assert third.current_text == "本法所稱主管機關：在中央為國發會。"
    assert third.explanation == "配合組織改造。"
    assert fifth.label == "第五條之一" and fifth.current_text == ""
    assert seventh.text == "（刪除）" and seventh.current_text == "舊規定。"
    assert [u.line for u in result.unplaced] == [7]


def test_amendment_as_labelled_blocks_and_tab_separated_rows():
    blocks = """第三條
修正條文：第三條　本法所稱主管機關為數位發展部。
現行條文：第三條　本法所稱主管機關為國家發展委員會。
說明：配合組織改造。
"""
    result = parse_draft(blocks)
    (article,) = result.articles
    assert article.text == "本法所稱主管機關為數位發展部。"
    assert article.current_text == "本法所稱主管機關為國家發展委員會。"
    assert result.is_amendment
    tabs = "修正條文\t現行條文\t說明\n第四條　新文字。\t第四條　舊文字。\t修正。\n"
    (row,) = parse_draft(tabs).articles
    assert (row.text, row.current_text, row.explanation) == ("新文字。", "舊文字。", "修正。")


def test_repeated_article_numbers_are_reported():
    result = parse_draft("第一條 甲。\n第一條 乙。\n丙。\n")
    assert [a.text for a in result.articles] == ["甲。"]
    assert [(u.line, u.reason) for u in result.unplaced] == [
        (2, "repeated_number"),
        (3, "after_repeated_number"),
    ]
    assert "第一條" in result.unplaced[0].message


def test_big5_file_decodes_and_parses():
    from opengov.consultations.services import draft_parse

    result = draft_parse((DATA / "draft_big5.txt").read_bytes())
    assert [a.label for a in result.articles] == ["第一條", "第二條"]
    assert result.articles[0].chapter == "第一章 總則"
    assert result.articles[1].explanation == "一、明定主管機關。"


def test_no_articles_and_undecodable_files_are_refused():
    from opengov.consultations.services import draft_parse
    from opengov.core.errors import ServiceError

    with pytest.raises(ServiceError) as excinfo:
        draft_parse("這是一段沒有條文的說明。".encode())
    assert excinfo.value.code == "no_articles"
    assert "第一條" in str(excinfo.value.message)
    with pytest.raises(ServiceError) as excinfo:
        draft_parse(bytes([0xFF, 0xFE, 0xFA, 0x80, 0x81, 0xFF]) * 20)
    assert excinfo.value.code == "encoding"


def test_diff_marks_changes_and_escapes():
    html = diff_html("主管機關為<國發會>。", "主管機關為<數位部>。")
    assert "&lt;" in html and "<script" not in html
    assert "<del>" in html and "<ins>" in html


@given(st.text(max_size=40), st.text(max_size=40))
def test_diff_segments_rebuild_both_texts(old, new):
    segments = diff_segments(old, new)
    assert "".join(t for op, t in segments if op != "+") == old
    assert "".join(t for op, t in segments if op != "-") == new
