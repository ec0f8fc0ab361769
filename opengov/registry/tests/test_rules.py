"""Pure rules: business-number flags, statuses and roles from registry words, main members."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opengov.registry import rules
from opengov.registry.models import BoardSeat, NumberFlag, Status


@given(st.text(max_size=12))
def test_flag_never_loses_a_number(raw):
    number, flag = rules.business_number_flag(raw)
    if number:
        assert len(number) == 8 and number.isdigit()
    if rules.clean_business_number(raw) and not number:
        assert flag in (NumberFlag.MASKED, NumberFlag.NOT_DIGITS, NumberFlag.LENGTH)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("核准設立", Status.ACTIVE),
        ("停業", Status.SUSPENDED),
        ("廢止", Status.REVOKED),
        ("撤銷", Status.REVOKED),
        ("解散", Status.DISSOLVED),
        ("核准設立，但已命令解散", Status.DISSOLVED),
        ("", Status.UNKNOWN),
    ],
)
def test_status_from_registry_words(text, status):
    assert rules.status_from_text(text) == status


def test_suspension_ends_when_read():
    kwargs = {"suspended_from": dt.date(2024, 1, 1), "suspended_until": dt.date(2024, 6, 30)}
    assert rules.status_on(Status.SUSPENDED, on=dt.date(2024, 6, 30), **kwargs) == "suspended"
    assert rules.status_on(Status.SUSPENDED, on=dt.date(2024, 7, 1), **kwargs) == "active"


@pytest.mark.parametrize(
    ("position", "role"),
    [
        ("董事長", BoardSeat.Role.CHAIR),
        ("副董事長", BoardSeat.Role.VICE_CHAIR),
        ("獨立董事", BoardSeat.Role.INDEPENDENT_DIRECTOR),
        ("法人董事代表", BoardSeat.Role.DIRECTOR),
        ("監察人", BoardSeat.Role.SUPERVISOR),
        ("經理人", BoardSeat.Role.MANAGER),
        ("顧問", BoardSeat.Role.OTHER),
    ],
)
def test_roles(position, role):
    assert rules.role_from_position(position) == role


def test_main_members():
    chair, director = BoardSeat.Role.CHAIR, BoardSeat.Role.DIRECTOR
    assert rules.main_member_groups([(chair, "香港"), (director, "TW")]) == {"hong_kong"}
    # more than a third of the seats
    seats = [(chair, "TW"), (director, "US"), (director, "JP"), (director, "TW"), (director, "")]
    assert rules.main_member_groups(seats) == {"foreign"}
    seats = [(chair, "TW"), (director, "CN"), (director, "TW")]
    assert rules.main_member_groups(seats) == set()  # exactly a third is not more
    assert rules.main_member_groups([(BoardSeat.Role.MANAGER, "CN")]) == set()
