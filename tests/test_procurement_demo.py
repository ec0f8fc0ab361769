"""The procurement demo raises every red flag of the engine, holds a large-procurement
contract of the registry's demo builder, and loads twice without duplicates."""

import datetime as dt
import io

import pytest

from opengov.accounts import demo as accounts_demo
from opengov.procurement import demo, selectors
from opengov.procurement.flags import FLAGS
from opengov.procurement.models import FlagHit, IntegrityProject, Record
from opengov.registry import demo as registry_demo

pytestmark = pytest.mark.django_db


def test_demo_raises_every_flag(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    settings.REGISTRY_IMPORT_INLINE = True
    settings.JOBS_IN_PROCESS = True
    accounts_demo.load(stdout=io.StringIO())
    registry_demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    found = set(FlagHit.objects.values_list("code", flat=True))
    assert found == set(FLAGS), f"missing {sorted(set(FLAGS) - found)}"
    flagged_by_design = {
        "R003": "r003",
        "R018": "r018",
        "R024": "r024",
        "R058": "r058",
        "R028": "r028",
        "R030": "r030",
        "R035": "r035",
        "R036": "r036",
        "i085": "i085",
        "i171": "i171",
        "R044": "r044",
    }
    for code, n in flagged_by_design.items():
        ocids = set(FlagHit.objects.filter(code=code).values_list("ocid", flat=True))
        assert f"{demo.DEMO}-{n}" in ocids, (code, sorted(ocids)[:5])
    large = selectors.large_procurement_in_performance(demo.BUILD, dt.date(2026, 1, 1))
    assert [c.ocid for c in large] == [f"{demo.DEMO}-large"]
    assert IntegrityProject.objects.get(slug="demo-detention-pond").questions.count() == 1
    for code in FLAGS:  # every kind of evidence renders on a risk page
        hit = FlagHit.objects.filter(code=code).first()
        page = {
            "process": f"/procurement/processes/{hit.ocid}/",
            "buyer": f"/procurement/buyers/{hit.subject_id}/",
        }.get(hit.subject, f"/procurement/suppliers/{hit.subject_id}/")
        response = client.get(page)
        assert response.status_code == 200, (code, page)
        assert code in response.content.decode(), (code, page)
    assert client.get("/procurement/flags/").status_code == 200
    counts = (Record.objects.count(), FlagHit.objects.count())
    demo.load(stdout=io.StringIO())
    assert (Record.objects.count(), FlagHit.objects.count()) == counts
