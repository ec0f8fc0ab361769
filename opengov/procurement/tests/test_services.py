"""Services: red flags refreshed through the engine (with the registry's business similarities
between tenderers), registry links, integrity-platform projects with their permissions and
audit."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opengov.core.errors import NotFound, ServiceError
from opengov.core.models import AuditEvent
from opengov.procurement import selectors, services
from opengov.procurement.models import FlagHit, IntegrityProject, Party, PublicQuestion
from opengov.registry import services as registry_services

from .factories import PREFIX, party, release

pytestmark = pytest.mark.django_db


def _with_bids(ocid, bids, *, winner="53212539", method="open", extra_parties=()):
    data = release(ocid, supplier=(winner, "得標公司"))
    data["tender"]["procurementMethod"] = method
    data["parties"] += list(extra_parties)
    data["bids"] = {
        "details": [
            {
                "id": f"{ocid}-b{i}",
                "status": "valid",
                "tenderers": [{"id": f"TW-MOEA-{number}", "name": number}],
                "value": {"amount": amount, "currency": "TWD"},
            }
            for i, (number, amount) in enumerate(bids)
        ]
    }
    return data


def test_flags_refresh_stores_hits_with_evidence_and_replaces_them(keeper):
    services.releases_store(
        actor=keeper, releases=[_with_bids(f"{PREFIX}-single", [("53212539", 100)])]
    )
    assert services.flags_refresh(actor=keeper) >= 1
    hit = FlagHit.objects.get(code="R018")
    assert hit.ocid == f"{PREFIX}-single"
    assert hit.record.ocid == hit.ocid
    assert hit.evidence
    won = selectors.contracts_won_by(["53212539"])
    assert "R018" in won[0].flag_codes
    event = AuditEvent.objects.get(verb="procurement.flags_refreshed")
    assert event.public and event.changes["hits"] == FlagHit.objects.count()
    before = FlagHit.objects.count()
    services.flags_refresh(actor=keeper)
    assert FlagHit.objects.count() == before  # replaced, not added


def test_flags_refresh_is_for_keepers(citizen):
    with pytest.raises(NotFound):
        services.flags_refresh(actor=citizen)


def _company(moderator, number, name, address):
    return registry_services.organisation_resolve(
        actor=moderator, business_number=number, name=name, address=address
    )


def test_bidder_links_from_the_registry_and_shared_phones(keeper, moderator):
    _company(moderator, "53212539", "甲營造股份有限公司", "臺北市中正區重慶南路一段122號")
    _company(moderator, "22099131", "乙營造股份有限公司", "臺北市中正區重慶南路一段122號")
    _company(moderator, "04595257", "丙營造股份有限公司", "高雄市前鎮區成功二路5號")
    phone_a = party("TW-MOEA-04595257", "丙", ["tenderer"], "04595257")
    phone_a["contactPoint"] = {"telephone": "(02) 2311-1234"}
    phone_b = party("TW-MOEA-22099131", "乙", ["tenderer"], "22099131")
    phone_b["contactPoint"] = {"telephone": "02-2311-1234"}
    services.releases_store(
        actor=keeper,
        releases=[
            _with_bids(
                f"{PREFIX}-links",
                [("53212539", 100), ("22099131", 101), ("04595257", 103)],
                extra_parties=[phone_a, phone_b],
            )
        ],
    )
    links = services.bidder_links()
    assert ("22099131", "53212539", "address", "臺北市中正區重慶南路一段122號") in links
    assert ("04595257", "22099131", "phone", "223111234") in links
    services.flags_refresh(actor=keeper, codes=["R044"])
    hit = FlagHit.objects.get(code="R044", subject="process")
    kinds = {link["kind"] for link in hit.evidence["links"]}
    assert kinds == {"address", "phone"}


def test_parties_link_to_registry_organisations(keeper, moderator):
    org = _company(moderator, "53212539", "大同營造股份有限公司", "")
    services.releases_store(actor=keeper, releases=[release(f"{PREFIX}-1")])
    assert services.parties_link(actor=keeper) == 1
    supplier = Party.objects.get(business_number="53212539")
    assert supplier.organisation_public_id == org.public_id
    assert selectors.registry_organisation(supplier) == org


# ---- integrity-platform projects -------------------------------------------------------------


@pytest.fixture
def project(keeper, agency):
    return services.project_create(
        actor=keeper,
        slug="mrt-line",
        title="<b>捷運</b>新建工程",
        agency=agency,
        budget=5_000_000_000,
        ocids=[f"{PREFIX}-1"],
        published=True,
    )


def test_project_create_is_for_keepers_and_audited(keeper, official, agency, project):
    with pytest.raises(NotFound):
        services.project_create(actor=official, slug="x", title="x", agency=agency)
    with pytest.raises(ServiceError) as caught:
        services.project_create(actor=keeper, slug="mrt-line", title="x", agency=agency)
    assert caught.value.field == "slug"
    with pytest.raises(ServiceError):
        services.project_create(actor=keeper, slug="Bad Slug!", title="x", agency=agency)
    assert IntegrityProject.objects.count() == 1
    assert AuditEvent.objects.filter(verb="procurement.project_created").count() == 1


def test_agency_officials_run_the_project(official, other_official, project):
    services.milestone_add(
        actor=official, project=project, title="開工", due_on=dt.date(2026, 1, 1)
    )
    upload = SimpleUploadedFile("會議紀錄.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    doc = services.document_add(actor=official, project=project, title="會議紀錄", upload=upload)
    assert doc.file.name.startswith("procurement/documents/") and doc.filename == "會議紀錄.pdf"
    with pytest.raises(NotFound):
        services.milestone_add(
            actor=other_official, project=project, title="x", due_on=dt.date(2026, 1, 1)
        )
    assert project.milestones.count() == 1


def test_monitors_write_notes_citizens_ask_agency_answers(
    keeper, official, citizen, other_official, project
):
    with pytest.raises(NotFound):
        services.note_add(actor=citizen, project=project, body="x")
    services.monitor_add(
        actor=keeper, project=project, user=citizen, role="civil_society", organisation="公民團體"
    )
    note = services.note_add(actor=citizen, project=project, body="工地訪視紀錄")
    assert note.monitor.role == "civil_society"
    question = services.question_ask(actor=citizen, project=project, body="何時完工？")
    with pytest.raises(NotFound):
        services.question_answer(actor=other_official, question=question, answer="x")
    with pytest.raises(NotFound):
        services.question_answer(actor=citizen, question=question, answer="x")
    services.question_answer(actor=official, question=question, answer="預計明年。")
    question.refresh_from_db()
    assert question.answer == "預計明年。" and question.answered_by == official
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "procurement.monitor_added",
        "procurement.note_added",
        "procurement.question_asked",
        "procurement.question_answered",
    } <= verbs


def test_questions_need_a_published_project_and_a_body(citizen, keeper, agency):
    hidden = services.project_create(actor=keeper, slug="draft", title="草案", agency=agency)
    with pytest.raises(NotFound):
        services.question_ask(actor=citizen, project=hidden, body="?")
    services.project_publish(actor=keeper, project=hidden, published=True)
    with pytest.raises(ServiceError):
        services.question_ask(actor=citizen, project=hidden, body="   ")
    with pytest.raises(ServiceError):
        services.question_ask(actor=citizen, project=hidden, body="字" * 2001)
    assert PublicQuestion.objects.count() == 0


def test_personal_data_lists_questions_and_seats(keeper, citizen, project):
    from opengov.core.personal_data import collect

    services.monitor_add(actor=keeper, project=project, user=citizen, role="civil_society")
    services.question_ask(actor=citizen, project=project, body="何時完工？")
    mine = collect(citizen)["procurement"]
    assert [q["question"] for q in mine["questions"]] == ["何時完工？"]
    assert mine["monitor_seats"][0]["project"] == "mrt-line"


def test_hidden_questions_leave_the_page_and_the_api(client, keeper, official, citizen, project):
    question = services.question_ask(actor=citizen, project=project, body="含個資的提問 0912345678")
    with pytest.raises(NotFound):
        services.question_hide(actor=citizen, question=question, reason="個資")
    services.question_hide(actor=official, question=question, reason="含個人資料")
    assert list(selectors.public_questions(project)) == []
    assert "0912345678" not in client.get("/procurement/projects/mrt-line/").content.decode()
    assert "0912345678" not in client.get("/api/v1/procurement/projects/mrt-line").content.decode()
    assert AuditEvent.objects.filter(verb="procurement.question_hidden").count() == 1


def test_refresh_task_runs_the_flags_for_a_keeper(keeper, citizen):
    from opengov.procurement import tasks

    services.releases_store(
        actor=keeper, releases=[_with_bids(f"{PREFIX}-single", [("53212539", 100)])]
    )
    assert tasks.refresh_flags(user_id=keeper.pk) >= 1
    assert FlagHit.objects.filter(code="R018").exists()
    assert tasks.refresh_flags(user_id=0) == 0
    with pytest.raises(NotFound):
        tasks.refresh_flags(user_id=citizen.pk)
