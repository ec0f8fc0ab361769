"""Uploaded files: no direct /media/ route, random storage names, served only through views
that apply the owning object's permissions, and handed to the web server in production."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from opengov.accounts.tests.factories import UserFactory
from opengov.core import files

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 draft evidence"
RANDOM = re.compile(r"^[a-z_/]+/[A-Za-z0-9_-]{32}\.[a-z]+$")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FILE_SERVE_HEADER = ""


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def draft_attachment(agency):
    from opengov.proposals import services

    proposer = UserFactory()
    draft = services.proposal_create(
        actor=proposer,
        title="增設自行車道的提案",
        content="內容",
        benefits="效益",
        agencies=[agency.code],
    )
    upload = SimpleUploadedFile("路線圖 草案.pdf", PDF, content_type="application/pdf")
    attachment = services.attachment_add(actor=proposer, proposal=draft, upload=upload)
    return proposer, draft, attachment


def test_draft_proposal_attachment_only_to_those_who_see_the_draft(
    draft_attachment, client_for, people, moderator
):
    from opengov.proposals import services

    proposer, draft, attachment = draft_attachment
    assert RANDOM.match(attachment.file.name), attachment.file.name
    assert "路線圖" not in attachment.file.name
    url = f"/proposals/{draft.public_id}/attachments/{attachment.public_id}/"
    for role in ("anonymous", "citizen", "official", "other_official", "moderator", "admin"):
        assert client_for(people[role]).get(url).status_code == 404, role
    # The storage name is not a route, in development as in production.
    assert client_for(proposer).get(f"/media/{attachment.file.name}").status_code == 404
    own = client_for(proposer).get(url)
    assert own.status_code == 200 and _body(own) == PDF
    assert own["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in own["Content-Disposition"]
    assert "%E8%B7%AF%E7%B7%9A%E5%9C%96" in own["Content-Disposition"]  # 路線圖
    assert own["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in own["Content-Security-Policy"]
    assert own["Cache-Control"].startswith("private")
    # The proposal's page links the view, never the storage name.
    page = client_for(proposer).get(f"/proposals/{draft.public_id}/").content.decode()
    assert url in page and attachment.file.name not in page
    # Once published, everyone may read it; the link under another proposal is not found.
    services.proposal_update(
        actor=proposer,
        proposal=draft,
        title=draft.title,
        content=draft.content,
        benefits=draft.benefits,
        agencies=[a.code for a in draft.agencies.all()],
        submit=True,
    )
    services.proposal_publish(actor=moderator, proposal=draft)
    public = client_for(None).get(url)
    assert public.status_code == 200 and _body(public) == PDF
    assert public["Cache-Control"].startswith("public")
    other = services.proposal_create(
        actor=proposer, title="另一個提案的標題", content="x", benefits="y", agencies=[]
    )
    assert (
        client_for(proposer)
        .get(f"/proposals/{other.public_id}/attachments/{attachment.public_id}/")
        .status_code
        == 404
    )


def test_web_server_sends_the_bytes_in_production(draft_attachment, client_for, settings):
    proposer, draft, attachment = draft_attachment
    url = f"/proposals/{draft.public_id}/attachments/{attachment.public_id}/"
    settings.FILE_SERVE_HEADER = "x-accel-redirect"
    settings.FILE_ACCEL_PREFIX = "/_protected_uploads/"
    accel = client_for(proposer).get(url)
    assert accel.status_code == 200 and accel.content == b""
    assert accel["X-Accel-Redirect"] == "/_protected_uploads/" + attachment.file.name
    assert "filename*=utf-8''" in accel["Content-Disposition"]
    settings.FILE_SERVE_HEADER = "x-sendfile"
    sendfile = client_for(proposer).get(url)
    assert sendfile["X-Sendfile"] == attachment.file.path and sendfile.content == b""
    # The permission check comes first whatever sends the bytes.
    assert client_for(None).get(url).status_code == 404


def test_consultation_draft_attachment(client_for, official, other_official, agency, clock):
    from opengov.consultations import services
    from opengov.consultations.models import Kind

    clock.set(2026, 3, 2, 9)
    consultation = services.consultation_create(
        actor=official, agency=agency, kind=Kind.POLICY, title="草案", summary="說明"
    )
    attachment = services.attachment_add(
        actor=official,
        consultation=consultation,
        title="影響評估",
        file=SimpleUploadedFile("影響評估.pdf", PDF, content_type="application/pdf"),
    )
    assert RANDOM.match(attachment.file.name) and attachment.original_name == "影響評估.pdf"
    url = f"/consultations/{consultation.public_id}/attachments/{attachment.public_id}/"
    for user in (None, UserFactory(), other_official):
        assert client_for(user).get(url).status_code == 404
    assert _body(client_for(official).get(url)) == PDF
    services.article_add(actor=official, consultation=consultation, label="第一條", text="x")
    services.consultation_publish(actor=official, consultation=consultation)
    assert _body(client_for(None).get(url)) == PDF
    doc = client_for(None).get(f"/consultations/{consultation.public_id}/consultation.json").json()
    assert doc["attachments"][0]["url"].endswith(url)


def test_evidence_files_are_served_by_their_view(client_for, agency, clock):
    from opengov.accounts.tests.factories import make_official
    from opengov.action_plans import services

    clock.set(2022, 3, 1, 9)
    plan = services.plan_create(
        actor=None,
        slug="nap1",
        number=1,
        title_zh_hant="第一期",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2024, 5, 31),
        status="implementing",
    )
    commitment = services.commitment_create(
        actor=None,
        plan=plan,
        number=1,
        lead_agency=agency,
        title_zh_hant="承諾",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2023, 12, 31),
        is_draft=False,
    )
    milestone = services.milestone_create(
        actor=None,
        commitment=commitment,
        title_zh_hant="里程碑",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2022, 6, 30),
        weight=1,
    )
    services.progress_update_post(
        actor=make_official(agency),
        milestone=milestone,
        progress=50,
        text="進度",
        files=[SimpleUploadedFile("會議紀錄.pdf", PDF, content_type="application/pdf")],
    )
    evidence = milestone.evidence.get()
    assert RANDOM.match(evidence.file.name)
    url = f"/action-plans/evidence/{evidence.public_id}/"
    response = client_for(None).get(url)
    assert _body(response) == PDF and "filename*=utf-8''" in response["Content-Disposition"]
    page = client_for(None).get(f"/action-plans/commitments/{commitment.public_id}/")
    assert url in page.content.decode()


def test_dataset_files_have_random_names():
    from opengov.open_data.models import data_upload_to, original_upload_to

    names = {original_upload_to(None, "人口.csv"), data_upload_to(None, "人口.csv")}
    assert all(RANDOM.match(n) for n in names) and len(names) == 2


def test_earlier_uploads_move_to_random_names():
    old = default_storage.save("proposals/2026/03/證據.pdf", ContentFile(PDF))
    new = files.move_to_random_name(default_storage, old, "proposals")
    assert RANDOM.match(new) and not default_storage.exists(old)
    with default_storage.open(new, "rb") as fh:
        assert fh.read() == PDF
    assert files.move_to_random_name(default_storage, new, "proposals") == new
    assert files.move_to_random_name(default_storage, "gone.pdf", "proposals") == "gone.pdf"


def test_unknown_serve_header_is_refused(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import opengov.settings as settings_module

    monkeypatch.setenv("FILE_SERVE_HEADER", "x-bogus")
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(settings_module)
    monkeypatch.delenv("FILE_SERVE_HEADER")
    importlib.reload(settings_module)
