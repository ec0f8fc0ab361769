"""Open data of the registry: public fields only (no ID hash), history included."""

import pytest

from opengov.core.exporters import get_exporter
from opengov.core.identifiers import national_id_check_digit
from opengov.registry import services


@pytest.mark.django_db
def test_datasets_publish_public_fields_only(keeper):
    national_id = "A12345678" + national_id_check_digit("A12345678")
    person = services.person_resolve(actor=None, name="王小明", national_id=national_id)
    org = services.organisation_resolve(
        actor=None, business_number="22099132", name="測試股份有限公司", government_share="12.5"
    )
    services.organisation_board_set(
        actor=keeper,
        organisation=org,
        seats=[services.SeatIn("董事", "王小明", "國發基金", 10)],
        as_of=org.created_at.date(),
    )
    services.position_add(actor=keeper, person=person, title="立法委員", category="elected")

    people = get_exporter("registry-people")
    rows = list(people.public_rows())
    assert rows[0]["masked_id"] == "A12345****"
    assert all("id_hash" not in row for row in rows)
    assert person.id_hash not in repr(rows) and national_id not in repr(rows)

    orgs = list(get_exporter("registry-organisations").public_rows())
    assert orgs[0]["business_number_flag"] == "checksum"
    assert orgs[0]["government_share"] == "12.500"
    seats = list(get_exporter("registry-board-seats").public_rows())
    assert len(seats) == 1 and {s["person_name"] for s in seats} == {"王小明"}
    names = list(get_exporter("registry-organisation-names").public_rows())
    assert names[0]["name"] == "測試股份有限公司"
    positions = list(get_exporter("registry-public-positions").public_rows())
    assert positions[0]["title"] == "立法委員"


@pytest.mark.django_db
def test_datasets_are_in_the_catalogue(client):
    html = client.get("/data/").content.decode()
    assert "registry-organisations" in html or "組織名錄" in html


@pytest.mark.django_db
def test_business_number_rule_date_follows_the_profile(profile):
    import datetime as dt

    from opengov.core.identifiers import business_number_ok

    new_style = next(
        f"{n:08d}"
        for n in range(10000000, 10001000)
        if business_number_ok(f"{n:08d}")
        and not business_number_ok(f"{n:08d}", dt.date(2023, 3, 31))
    )
    assert business_number_ok(new_style, dt.date(2023, 6, 1))
    profile(registry={"business_number_rule_change": dt.date(2024, 1, 1)})
    assert not business_number_ok(new_style, dt.date(2023, 6, 1))
