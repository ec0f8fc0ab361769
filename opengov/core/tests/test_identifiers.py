"""National ID, resident certificate and business number checksums; Minguo dates; amounts."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opengov.core.identifiers import (
    LETTER_CODES,
    business_number_ok,
    mask_national_id,
    national_id_check_digit,
    national_id_checksum_ok,
    national_id_hash,
    parse_amount,
    parse_filed_date,
    parse_minguo_date,
)


@pytest.mark.parametrize("value", ["A123456789", "a123456789", " F131104093 ", "A800000014"])
def test_valid_national_ids(value):
    assert national_id_checksum_ok(value)


@pytest.mark.parametrize(
    "value", ["A123456788", "A323456789", "1234567890", "A12345678", "", "AB12345678X"]
)
def test_invalid_national_ids(value):
    assert not national_id_checksum_ok(value)


def test_old_format_resident_certificate_uses_letter_code_units():
    prefix = "AC1234567"  # C = 12 -> units digit 2
    assert national_id_checksum_ok(prefix + national_id_check_digit(prefix))


letters = st.sampled_from(sorted(LETTER_CODES))
sex = st.sampled_from("1289")
seven = st.text("0123456789", min_size=7, max_size=7)


@given(letters, sex, seven)
def test_every_prefix_has_exactly_one_check_digit(letter, s, digits):
    prefix = letter + s + digits
    valid = [d for d in "0123456789" if national_id_checksum_ok(prefix + d)]
    assert len(valid) == 1


@given(letters, sex, seven, st.integers(min_value=0, max_value=9))
def test_changing_one_digit_breaks_the_checksum(letter, s, digits, position):
    prefix = letter + s + digits
    number = prefix + national_id_check_digit(prefix)
    index = 2 + position if position < 8 else 9
    changed = number[:index] + str((int(number[index]) + 1) % 10) + number[index + 1 :]
    assert not national_id_checksum_ok(changed)


def test_id_hash_is_keyed_and_normalised(settings):
    assert national_id_hash("a123456789") == national_id_hash("A123456789")
    first = national_id_hash("A123456789")
    settings.ID_HASH_KEY = "another-key"
    assert national_id_hash("A123456789") != first
    assert "A123456789" not in first


def test_mask():
    assert mask_national_id("A123456789") == "A12345****"


def test_business_number_old_and_new_rules():
    # 04595257: a classic valid number under both rules.
    assert business_number_ok("04595257", on=dt.date(2020, 1, 1))
    assert business_number_ok("04595257")
    # A number whose sum is divisible by 5 but not 10 is valid only from 2023-04-01.
    number = next(
        f"{n:08d}"
        for n in range(10000000, 10001000)
        if business_number_ok(f"{n:08d}")
        and not business_number_ok(f"{n:08d}", dt.date(2023, 3, 31))
    )
    assert business_number_ok(number, on=dt.date(2023, 4, 1))
    assert not business_number_ok(number, on=dt.date(2023, 3, 31))


def test_business_number_seventh_digit_seven():
    # 10458575: seventh digit 7, valid by the "sum + 1" alternative.
    assert business_number_ok("10458575", on=dt.date(2020, 1, 1))


@pytest.mark.parametrize("value", ["1234567", "123456789", "ABCDEFGH", ""])
def test_business_number_malformed(value):
    assert not business_number_ok(value)


@given(st.text("0123456789", min_size=8, max_size=8))
def test_new_rule_accepts_everything_the_old_rule_accepted(number):
    if business_number_ok(number, on=dt.date(2020, 1, 1)):
        assert business_number_ok(number, on=dt.date(2024, 1, 1))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1130507", dt.date(2024, 5, 7)),
        ("0760221", dt.date(1987, 2, 21)),
        ("113/05/07", dt.date(2024, 5, 7)),
        ("113年5月7日", dt.date(2024, 5, 7)),
    ],
)
def test_minguo_dates(text, expected):
    assert parse_minguo_date(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1130507", dt.date(2024, 5, 7)),
        ("１１３／０５／０７", dt.date(2024, 5, 7)),
        ("民國113年5月7日", dt.date(2024, 5, 7)),
        ("2024-05-07", dt.date(2024, 5, 7)),
        ("2024/5/7", dt.date(2024, 5, 7)),
        ("20240507", dt.date(2024, 5, 7)),
    ],
)
def test_filed_dates_minguo_or_ad(text, expected):
    assert parse_filed_date(text) == expected


@pytest.mark.parametrize("text", ["113/02/30", "1131301", "soon", "113/5", ""])
def test_filed_dates_refuse_impossible(text):
    with pytest.raises(ValueError):
        parse_filed_date(text)


def test_minguo_rejects_garbage():
    with pytest.raises(ValueError):
        parse_minguo_date("yesterday")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("308,100元", 308100),
        ("162000.00", 162000),
        (5000, 5000),
        ("NT$5,000", 5000),
        ("１，０００", 1000),
    ],
)
def test_amounts(text, expected):
    assert parse_amount(text) == expected
