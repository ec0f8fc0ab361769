"""Demo data: the agencies other apps rely on, the people, idempotence."""

from __future__ import annotations

import io

import pytest

from opengov.accounts import demo
from opengov.accounts.models import Agency, Membership, User

pytestmark = pytest.mark.django_db

CODES = {
    "ey": "行政院",
    "ndc": "國家發展委員會",
    "moi": "內政部",
    "moj": "法務部",
    "moea": "經濟部",
    "mof": "財政部",
    "moe": "教育部",
    "mol": "勞動部",
    "mohw": "衛生福利部",
    "moc": "文化部",
    "moda": "數位發展部",
    "cip": "原住民族委員會",
    "hac": "客家委員會",
    "cec": "中央選舉委員會",
    "pcc": "行政院公共工程委員會",
    "aac": "法務部廉政署",
    "cy": "監察院",
}


class Out(io.StringIO):
    def write(self, text):
        return super().write(text + "\n")


def test_demo_loads_twice_with_the_same_result(settings):
    out = Out()
    demo.load(stdout=out)
    counts = (Agency.objects.count(), User.objects.count(), Membership.objects.count())
    demo.load(stdout=Out())
    assert (Agency.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    assert "opengov-demo-2026" in out.getvalue()

    for code, name in CODES.items():
        agency = Agency.objects.get(code=code)
        assert agency.name_zh_hant == name
        assert agency.name_en
    assert Agency.objects.get(code="aac").parent.code == "moj"
    assert Agency.objects.get(code="ndc").parent.code == "ey"
    assert Agency.objects.get(code="cy").parent is None

    admin = User.objects.get(email="admin@demo.opengov.tw")
    assert admin.is_superuser and admin.check_password("opengov-demo-2026")
    assert User.objects.get(email="operator@demo.opengov.tw").is_moderator
    assert User.objects.get(email="reviewer@demo.opengov.tw").is_reviewer
    for code in CODES:
        official = User.objects.get(email=f"official.{code}@demo.opengov.tw")
        membership = Membership.objects.get(user=official, active=True)
        assert membership.agency.code == code
        assert membership.role == ("admin" if code == "ndc" else "official")
    for n in range(1, 6):
        citizen = User.objects.get(email=f"citizen{n}@demo.opengov.tw")
        assert citizen.has_level("email+phone")
        assert not citizen.display_name.isascii()
