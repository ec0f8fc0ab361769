"""Name normalisation and scores on real Taiwanese forms."""

import pytest

from opengov.registry import matching


def test_tsmc_spellings_share_one_key():
    a = matching.normalise_name("台灣積體電路製造股份有限公司")
    b = matching.normalise_name("臺灣積體電路製造(股)公司")
    assert a == b
    assert matching.score(a, b) == 1.0


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("鴻海精密工業股份有限公司", "鸿海精密工业股份有限公司"),  # simplified
        ("鴻海精密工業股份有限公司", "鴻海精密工業（股）公司"),  # full-width brackets
        ("中華電信股份有限公司", "中華電信 股份有限公司"),
        ("財團法人台灣民主基金會", "台灣民主基金會"),
        ("ＡＢＣ貿易有限公司", "abc貿易有限公司"),
        ("宏碁股份有限公司 Acer Inc.", "宏碁股份有限公司acer"),
        ("大同有限合夥", "大同"),
    ],
)
def test_spellings_of_one_name_share_a_key(left, right):
    assert matching.normalise_name(left) == matching.normalise_name(right)


def test_branch_is_not_its_head_office():
    assert matching.normalise_name("台灣積體電路製造股份有限公司台中分公司") != (
        matching.normalise_name("台灣積體電路製造股份有限公司")
    )


def test_legal_form_alone_is_kept():
    assert matching.normalise_name("股份有限公司") != ""


def test_different_names_score_low():
    a = matching.normalise_name("台灣積體電路製造股份有限公司")
    b = matching.normalise_name("聯華電子股份有限公司")
    assert matching.score(a, b) < 0.5
    c = matching.normalise_name("台灣積體電路製造股分有限公司")  # typo in the legal form
    assert 0.8 < matching.score(a, c) < 1.0


def test_person_names_fold_width_and_dots():
    assert matching.normalise_person_name("Ｍａｒｙ．Ｌｉｎ") == matching.normalise_person_name(
        "mary lin"
    )
    assert matching.normalise_person_name("張 忠謀") == matching.normalise_person_name("張忠謀")


def test_name_index_matches_spellings_and_typos():
    index = matching.NameIndex()
    index.add(1, "台灣積體電路製造股份有限公司")
    index.add(2, "聯華電子股份有限公司")
    index.add(3, "台灣積體電路製造股份有限公司台中分公司")
    assert index.match("臺灣積體電路製造(股)公司") == (1, 1.0)
    ref, value = index.match("台灣積體電路制造股分有限公司", cutoff=0.8)
    assert ref == 1 and 0.8 <= value < 1.0
    assert index.match("聯華電孑股份有限公司", cutoff=0.7) == (2, 0.75)
    assert index.match("聯華電孑股份有限公司", cutoff=0.8) == (None, 0.0)
    assert index.match("完全無關的名字", cutoff=0.8) == (None, 0.0)
    assert index.match("") == (None, 0.0)
    assert len(index) == 3
