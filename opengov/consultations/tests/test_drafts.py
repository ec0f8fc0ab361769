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
    assert labels == ["第一條", "第 2 條", "第3條", "第十條之一"]
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
    # the title and the general explanation are recognised, not left unplaced
    assert result.title == "個人資料保護委員會組織法草案"
    assert result.general_explanation == "為設置獨立監督機關……"
    assert result.unplaced == []


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


def test_amendment_table_copied_from_word_with_its_general_explanation():
    """Tab-separated, as a Word table pastes: title, 總說明, table title, a new article with
    an empty current column, a 說明 running on over bare lines and over a quoted cell."""
    result = parse_draft((DATA / "amendment_law_tabs.txt").read_text())
    assert result.unplaced == []
    assert result.is_amendment
    assert result.title == "個人資料保護法部分條文修正草案"
    assert result.general_explanation.startswith("個人資料保護法（以下簡稱本法）")
    assert "三、提高違反安全維護義務之罰鍰。（修正條文第四十八條）" in result.general_explanation
    assert [a.label for a in result.articles] == [
        "第一條之一",
        "第 5 條",
        "第四十八條",
        "第五十一條之一",
    ]
    new, fifth, fines, deleted = result.articles
    assert (new.number, new.sub_number) == (1, 1)
    assert new.text == "本法之主管機關為個人資料保護委員會。" and new.current_text == ""
    assert new.explanation == "一、本條新增。\n二、明定本法之主管機關。"
    assert fifth.number == 5
    assert (
        fifth.current_text
        == "個人資料之蒐集、處理或利用，應尊重當事人之權益，依誠實及信用方法為之。"
    )
    assert fifth.explanation == "一、增訂不得逾越特定目的之必要範圍。\n二、酌作文字修正。"
    assert fines.text.endswith("二百萬元以下罰鍰。")
    assert fines.current_text.endswith("二十萬元以下罰鍰。")
    assert fines.explanation.split("\n") == [
        "一、配合主管機關之設立，修正裁罰機關。",
        "二、提高罰鍰額度，以收嚇阻之效。",
        "三、參考歐盟一般資料保護規則第八十三條。",
    ]
    assert deleted.text == "（刪除）" and deleted.current_text == "本法修正施行前……"


ADMINISTRATIVE_RULE = """數位發展部受理人民陳情案件作業要點修正規定對照表
｜修正規定｜現行規定｜說明｜
｜---｜---｜---｜
｜一、數位發展部（以下簡稱本部）為處理人民陳情案件，特訂定本要點。｜一、數位發展部為處理人民陳情案件，特訂定本要點。｜增訂簡稱。｜
｜三、陳情案件應於收受之日起十日內答復。<br>（一）案情複雜者，得延長一次。｜三、陳情案件應於收受之日起三十日內答復。｜一、縮短答復期間。｜
｜｜｜二、參考行政程序法第一百七十一條。｜
｜｜｜三、第一款未修正。｜
｜四、以電子郵件陳情者，得以電子郵件答復。｜｜一、本點新增。<br>二、明定電子郵件答復。｜
｜第十二點　本要點自中華民國一百十六年一月一日生效。｜第十一點　本要點自發布日生效。｜點次變更。｜
"""


def test_administrative_rule_table_numbers_points_and_uses_full_width_bars():
    result = parse_draft(ADMINISTRATIVE_RULE)
    assert result.unplaced == []
    assert result.title == "數位發展部受理人民陳情案件作業要點修正規定"
    assert result.is_amendment
    assert [(a.label, a.number) for a in result.articles] == [
        ("第一點", 1),
        ("第三點", 3),
        ("第四點", 4),
        ("第十二點", 12),
    ]
    first, third, fourth, last = result.articles
    assert first.text.startswith("數位發展部（以下簡稱本部）")
    assert first.current_text == "數位發展部為處理人民陳情案件，特訂定本要點。"
    # an item 「（一）」 inside a point stays in the point
    assert third.text == "陳情案件應於收受之日起十日內答復。\n（一）案情複雜者，得延長一次。"
    assert third.explanation == (
        "一、縮短答復期間。\n二、參考行政程序法第一百七十一條。\n三、第一款未修正。"
    )
    assert (
        fourth.current_text == "" and fourth.explanation == "一、本點新增。\n二、明定電子郵件答復。"
    )
    assert last.current_text == "本要點自發布日生效。"


def test_pipe_table_with_explanation_rows_and_an_unnumbered_row():
    text = """某某條例第五條修正草案
| 修正條文 | 現行條文 | 說明 |
| --- | --- | --- |
| 第五條　主管機關應每年公告。 | 第五條　主管機關應每二年公告。 | 一、縮短公告週期。 |
| | | 二、酌作文字修正。 |
| 附記：本表僅供參考 | | |
"""
    result = parse_draft(text)
    (fifth,) = result.articles
    assert fifth.explanation == "一、縮短公告週期。\n二、酌作文字修正。"
    assert result.title == "某某條例第五條修正草案"
    assert [(u.line, u.reason) for u in result.unplaced] == [(6, "row_without_number")]


def test_a_bare_line_continues_the_row_above_and_items_stay_in_articles():
    """Outside a table of rules 「一、」 is an item (款) or a line of 說明, never a point."""
    text = "修正條文\t現行條文\t說明\n第二條　本部掌理下列事項：\t\t本條新增。\n一、數位政策。\n"
    (article,) = parse_draft(text).articles
    assert article.explanation == "本條新增。\n一、數位政策。"
    text = "第二條　本部掌理下列事項：\n一、數位政策。\n二、資通安全。\n"
    (article,) = parse_draft(text).articles
    assert article.text == "本部掌理下列事項：\n一、數位政策。\n二、資通安全。"


def test_text_before_the_draft_that_is_no_title_is_still_reported():
    result = parse_draft("請各界於期限內提供意見。\n第一條　甲。\n")
    assert [(u.line, u.reason) for u in result.unplaced] == [(1, "before_first_article")]
    assert result.title == "" and result.general_explanation == ""


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
