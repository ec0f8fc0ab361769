"""The demo data: imported through the real import, every verification rule fires at least
once, and loading twice changes nothing."""

import io

import pytest

from opengov.donations import checks, demo
from opengov.donations.models import Finding, ImportRun, Transaction
from opengov.registry import demo as registry_demo


@pytest.mark.django_db
def test_demo_fires_every_rule(moderator):
    out = io.StringIO()
    registry_demo.load(stdout=out)
    demo.load(stdout=out)
    assert ImportRun.objects.filter(state="succeeded").count() == 4, out.getvalue()
    fired = set(Finding.objects.filter(current=True).values_list("rule", flat=True))
    wanted = {c.code for c in checks.CHECKS}
    assert wanted - fired == set()
    corrected = Transaction.objects.get(filing__recipient__name="王小明", line="2")
    assert corrected.version == 2 and corrected.income == 55000
    assert corrected.versions.get(version=2).changes["income"] == [50000, 55000]
    listed = Transaction.objects.get(filing__recipient__name="張小芬", line="5")
    assert listed.version == 2 and listed.address == "高雄市苓雅區＊＊＊"
    assert listed.versions.get(version=2).corrected_on.isoformat() == "2024-07-15"
    count = Finding.objects.count()
    demo.load(stdout=out)
    assert Finding.objects.count() == count
    assert ImportRun.objects.count() == 4
