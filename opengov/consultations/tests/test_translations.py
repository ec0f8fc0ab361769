"""Consultations translated per field: officials translate, readers see their language."""

from __future__ import annotations

import pytest
from django.conf import settings

from opengov.core.errors import Forbidden, ServiceError
from opengov.core.exporters import get_exporter
from opengov.core.models import AuditEvent, ContentTranslation
from opengov.core.services import content_translation_set

pytestmark = pytest.mark.django_db

VI_SUMMARY = "Dự thảo sửa đổi cơ quan có thẩm quyền."


def _as(client, code):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


def test_readers_see_the_translation_of_their_language(client, open_consultation, official):
    content_translation_set(
        actor=official, obj=open_consultation, field="summary", language="vi", text=VI_SUMMARY
    )
    url = f"/consultations/{open_consultation.public_id}/"
    page = _as(client, "vi").get(url).content.decode()
    assert f'<div lang="vi"><p>{VI_SUMMARY}</p>' in page
    # the title is not translated: shown in the original, marked as Chinese
    assert '<h1 lang="zh-Hant-TW">' in page
    original = _as(client, "zh-hant").get(url).content.decode()
    assert VI_SUMMARY not in original
    assert "<strong>主管機關</strong>" in original


def test_only_those_who_may_edit_translate(open_consultation, citizen, other_official):
    for person in (citizen, other_official):
        with pytest.raises(Forbidden):
            content_translation_set(
                actor=person, obj=open_consultation, field="summary", language="vi", text="x"
            )
    assert not ContentTranslation.objects.exists()


@pytest.mark.parametrize(
    ("field", "language", "refused"),
    [
        ("summary", "xx", "language"),
        ("summary", "zh-hant", "language"),  # the original's own language
        ("legal_basis", "vi", "field"),  # not a translatable field
        ("summary", "hak", "language"),  # described, not shipped
    ],
)
def test_unknown_language_or_field_is_refused(
    open_consultation, official, field, language, refused
):
    with pytest.raises(ServiceError) as excinfo:
        content_translation_set(
            actor=official, obj=open_consultation, field=field, language=language, text="x"
        )
    assert excinfo.value.field == refused
    assert not ContentTranslation.objects.exists()


def test_an_emptied_translation_is_removed_and_both_are_audited(open_consultation, official):
    content_translation_set(
        actor=official, obj=open_consultation, field="title", language="th", text="ร่างกฎหมาย"
    )
    content_translation_set(
        actor=official, obj=open_consultation, field="title", language="th", text="  "
    )
    assert not ContentTranslation.objects.exists()
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="core.translation_").values_list(
            "verb", "public"
        )
    )
    assert verbs == [("core.translation_saved", True), ("core.translation_removed", True)]


def test_translation_page_saves_and_is_not_found_for_others(
    client_for, open_consultation, official, citizen
):
    url = f"/consultations/{open_consultation.public_id}/translations/"
    assert client_for(citizen).get(url).status_code == 404
    response = client_for(official).post(
        url,
        {"language": "id", "title": "Rancangan", "summary": "Ringkasan", "easy_read_summary": ""},
    )
    assert response.status_code == 302
    stored = dict(ContentTranslation.objects.values_list("field", "text"))
    assert stored == {"title": "Rancangan", "summary": "Ringkasan"}
    page = client_for(official).get(url + "?language=id").content.decode()
    assert 'value="Rancangan"' in page


def test_api_translates_and_lists_and_export_carries_them(
    client_for, client, open_consultation, official, citizen
):
    url = f"/api/v1/consultations/{open_consultation.public_id}/translations/vi"
    response = client_for(official).put(
        url, {"summary": VI_SUMMARY}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"language": "vi", "fields": {"summary": VI_SUMMARY}}
    refused = client_for(citizen).put(url, {"summary": "x"}, content_type="application/json")
    assert refused.status_code == 403
    bad = client_for(official).put(
        url.replace("/vi", "/xx"), {"summary": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "language"
    doc = client.get(f"/api/v1/consultations/{open_consultation.public_id}").json()
    assert doc["translations"] == {"vi": {"summary": VI_SUMMARY}}
    (row,) = list(get_exporter("consultations").rows())
    assert row["translations"] == {"vi": {"summary": VI_SUMMARY}}
