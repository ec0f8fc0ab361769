"""Resolving organisations and people, history on change, match decisions, merges."""

import datetime as dt

import pytest

from opengov.core.errors import NotFound, ServiceError
from opengov.core.identifiers import national_id_check_digit
from opengov.core.models import AuditEvent
from opengov.registry import selectors, services
from opengov.registry.models import (
    BoardSeat,
    MatchCandidate,
    MatchDecision,
    NumberFlag,
    Organisation,
    Person,
    Status,
)

TSMC = "22099131"


def test_business_number_rule_of_2023():
    from opengov.core.identifiers import business_number_ok

    assert business_number_ok(TSMC)
    # a number valid only under the divisible-by-5 rule in force since 2023-04-01
    new_style = next(
        f"{n:08d}"
        for n in range(10000000, 10001000)
        if business_number_ok(f"{n:08d}")
        and not business_number_ok(f"{n:08d}", dt.date(2023, 3, 31))
    )
    assert business_number_ok(new_style, dt.date(2023, 4, 1))
    assert not business_number_ok(new_style, dt.date(2023, 3, 31))
    # seventh digit 7: the sum plus one may satisfy the rule
    from opengov.core.identifiers import _business_sum

    seventh = next(
        f"{n:08d}"
        for n in range(10000070, 10100070, 100)
        if _business_sum([int(c) for c in f"{n:08d}"]) % 5 == 4
    )
    assert seventh[6] == "7" and business_number_ok(seventh)
    assert not business_number_ok(seventh[:6] + "5" + seventh[7])


@pytest.mark.django_db
def test_resolve_by_valid_number_finds_the_same_row():
    a = services.organisation_resolve(
        actor=None, business_number=TSMC, name="台灣積體電路製造股份有限公司"
    )
    b = services.organisation_resolve(
        actor=None, business_number=TSMC, name="臺灣積體電路製造(股)公司"
    )
    assert a.pk == b.pk
    assert a.business_number_flag == ""
    assert AuditEvent.objects.filter(verb="registry.organisation_created").count() == 1


@pytest.mark.django_db
def test_resolve_by_name_without_number():
    a = services.organisation_resolve(
        actor=None, business_number=TSMC, name="台灣積體電路製造股份有限公司"
    )
    b = services.organisation_resolve(actor=None, name="臺灣積體電路製造（股）公司")
    assert a.pk == b.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "flag", "stored"),
    [
        ("22099132", NumberFlag.CHECKSUM, "22099132"),
        ("2209913", NumberFlag.LENGTH, ""),
        ("2209****", NumberFlag.MASKED, ""),
        ("2209913A", NumberFlag.NOT_DIGITS, ""),
        ("２２０９９１３２", NumberFlag.CHECKSUM, "22099132"),
    ],
)
def test_failing_numbers_are_kept_with_a_flag(raw, flag, stored):
    org = services.organisation_resolve(actor=None, business_number=raw, name="某某有限公司")
    assert org.business_number_flag == flag
    assert org.business_number == stored
    assert org.business_number_raw
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_uncertain_name_is_created_and_queued(keeper):
    real = services.organisation_resolve(
        actor=None, business_number=TSMC, name="台灣積體電路製造股份有限公司"
    )
    typo = services.organisation_resolve(
        actor=None, name="台灣積體電路製造股分有限公司", context="donation 2024"
    )
    assert typo.pk != real.pk
    candidate = MatchCandidate.objects.get()
    assert candidate.candidate == real and candidate.organisation == typo
    services.match_decide(actor=keeper, candidate=candidate, decision="same")
    assert not Organisation.objects.filter(pk=typo.pk).exists()
    assert real.names.filter(name="台灣積體電路製造股分有限公司").exists()
    # the decision is reused: the same spelling now resolves at once, nothing queued
    again = services.organisation_resolve(actor=None, name="台灣積體電路製造股分有限公司")
    assert again.pk == real.pk
    assert MatchCandidate.objects.filter(decision="").count() == 0


@pytest.mark.django_db
def test_different_decision_is_reused(keeper):
    services.organisation_resolve(
        actor=None, business_number=TSMC, name="台灣積體電路製造股份有限公司"
    )
    services.match_decide(
        actor=keeper,
        left="台灣積體電路製造股分有限公司",
        right="台灣積體電路製造",
        decision="different",
    )
    services.organisation_resolve(actor=None, name="台灣積體電路製造股分有限公司")
    assert MatchCandidate.objects.count() == 0
    assert MatchDecision.objects.get().decision == "different"


@pytest.mark.django_db
def test_match_decide_is_refused_to_citizens(citizen):
    with pytest.raises(NotFound):
        services.match_decide(actor=citizen, left="甲", right="乙", decision="same")
    assert MatchDecision.objects.count() == 0


@pytest.mark.django_db
def test_person_resolve_keeps_only_the_hash():
    national_id = "A12345678" + national_id_check_digit("A12345678")
    p = services.person_resolve(
        actor=None, name="王小明", national_id=national_id, nationality="TW"
    )
    assert national_id not in (p.id_hash, p.masked_id)
    assert p.masked_id == "A12345****"
    again = services.person_resolve(actor=None, name="王 小明", national_id=national_id)
    assert again.pk == p.pk
    with pytest.raises(ServiceError) as exc:
        services.person_resolve(actor=None, name="王小明", national_id="A123456780")
    assert exc.value.field == "national_id"


@pytest.mark.django_db
def test_person_by_name_and_masked_id():
    a = services.person_resolve(actor=None, name="陳建宏", masked_id="A12345****")
    b = services.person_resolve(actor=None, name="陳建宏", masked_id="A12345****")
    c = services.person_resolve(actor=None, name="陳建宏", masked_id="B22345****")
    assert a.pk == b.pk != c.pk
    # a bare name never merges people
    assert services.person_resolve(actor=None, name="陳建宏").pk not in (a.pk, c.pk)


@pytest.mark.django_db
def test_update_keeps_name_and_status_history(keeper):
    org = services.organisation_resolve(
        actor=None, business_number=TSMC, name="舊名股份有限公司", status_text="核准設立"
    )
    assert org.status == Status.ACTIVE
    services.organisation_update(
        actor=keeper,
        organisation=org,
        as_of=dt.date(2024, 1, 1),
        name="新名股份有限公司",
        status_text="廢止",
        revoked_on=dt.date(2024, 1, 1),
    )
    org.refresh_from_db()
    assert org.status == Status.REVOKED
    before = selectors.organisation_as_of(org, dt.date(2023, 6, 1))
    after = selectors.organisation_as_of(org, dt.date(2024, 6, 1))
    assert (before.name, before.status) == ("舊名股份有限公司", Status.ACTIVE)
    assert (after.name, after.status) == ("新名股份有限公司", Status.REVOKED)
    # the former name still finds it
    assert services.organisation_resolve(actor=None, name="舊名(股)公司").pk == org.pk


@pytest.mark.django_db
def test_board_history(keeper):
    org = services.organisation_resolve(actor=None, business_number=TSMC, name="台積電")
    S = services.SeatIn
    services.organisation_board_set(
        actor=keeper,
        organisation=org,
        as_of=dt.date(2023, 1, 1),
        seats=[S("董事長", "劉德音", shareholding=100), S("董事", "曾繁城", "國家發展基金")],
    )
    services.organisation_board_set(
        actor=keeper,
        organisation=org,
        as_of=dt.date(2024, 6, 4),
        seats=[S("董事長", "魏哲家", shareholding=100), S("董事", "曾繁城", "國家發展基金")],
    )
    then = [s.person.name for s in selectors.organisation_as_of(org, dt.date(2023, 5, 1)).board]
    now = [s.person.name for s in selectors.organisation_as_of(org, dt.date(2024, 7, 1)).board]
    assert then == ["劉德音", "曾繁城"]
    assert now == ["魏哲家", "曾繁城"]
    assert BoardSeat.objects.filter(organisation=org).count() == 3
    assert Person.objects.filter(name="曾繁城").count() == 1


@pytest.mark.django_db
def test_board_set_refused_to_other_officials(other_official):
    org = services.organisation_resolve(actor=None, business_number=TSMC, name="台積電")
    with pytest.raises(NotFound):
        services.organisation_board_set(
            actor=other_official,
            organisation=org,
            as_of=dt.date(2024, 1, 1),
            seats=[services.SeatIn("董事", "某人")],
        )
    assert BoardSeat.objects.count() == 0


@pytest.mark.django_db
def test_organisations_sharing_address_and_director(keeper):
    a = services.organisation_resolve(
        actor=None,
        business_number=TSMC,
        name="甲公司",
        address="臺北市中正區重慶南路一段122號",
        representative="王大明",
    )
    b = services.organisation_resolve(
        actor=None,
        name="乙有限公司",
        address="台北市中正區重慶南路1段122號".replace("1段", "一段"),
    )
    c = services.organisation_resolve(actor=None, name="丙有限公司", representative="王 大明")
    d = services.organisation_resolve(actor=None, name="丁有限公司")
    S = services.SeatIn
    services.organisation_board_set(
        actor=keeper, organisation=a, as_of=dt.date(2024, 1, 1), seats=[S("董事", "李四")]
    )
    services.organisation_board_set(
        actor=keeper, organisation=d, as_of=dt.date(2024, 1, 1), seats=[S("董事", "李四")]
    )
    sharing = {s.organisation.pk: s.reasons for s in selectors.organisations_sharing(a)}
    assert set(sharing) == {b.pk, c.pk, d.pk}
    assert "address" in sharing[b.pk]
    assert "representative" in sharing[c.pk]
    assert sharing[d.pk] == {"director_name": ["李四"]}


@pytest.mark.django_db
def test_a_valid_number_completes_a_record_known_by_name():
    by_name = services.organisation_resolve(actor=None, name="示範貿易有限公司")
    with_number = services.organisation_resolve(
        actor=None, business_number=TSMC, name="示範貿易(有)公司"
    )
    assert with_number.pk == by_name.pk and with_number.business_number == TSMC
    assert AuditEvent.objects.filter(verb="registry.organisation_number_recorded").count() == 1


@pytest.mark.django_db
def test_merged_spelling_is_an_alias_not_history(keeper):
    real = services.organisation_resolve(
        actor=None, business_number=TSMC, name="台灣積體電路製造股份有限公司"
    )
    typo = services.organisation_resolve(actor=None, name="台灣積體電路製造股分有限公司")
    old_id = typo.public_id
    services.organisation_merge(actor=keeper, duplicate=typo, into=real)
    assert selectors.organisation_by_public_id(old_id) == real  # old references still lead
    assert selectors.organisations_by_public_ids([old_id])[str(old_id)] == real
    state = selectors.organisation_as_of(real, dt.date(2030, 1, 1))
    assert state.name == "台灣積體電路製造股份有限公司"
    assert real.status_records.count() == 1
    assert selectors.former_names(real)[0].source == "merge"
    with pytest.raises(ServiceError):
        services.organisation_merge(actor=keeper, duplicate=real, into=real)
