"""Search of consultations: indexed (FTS5 trigram on SQLite, pg_trgm on PostgreSQL) for terms
of 3+ characters, substring fallback below, terms ANDed, drafts hidden from the public."""

from __future__ import annotations

import pytest
from django.db import connection

from opengov.consultations import selectors, services
from opengov.consultations.models import Consultation, Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def make(start, make_consultation):
    def make_one(title, *, publish=True, **fields):
        fields.setdefault("summary", "說明。")
        fields.setdefault("legal_basis", "")
        return make_consultation(
            kind=Kind.POLICY, text=None, publish=publish, title=title, **fields
        )

    return make_one


def titles(q, user=None, **filters):
    return sorted(c.title for c in selectors.consultation_list(user=user, q=q, **filters))


def fts_consistent() -> None:
    """On SQLite, FTS5's own check that the index matches the content table."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO consultations_fts(consultations_fts, rank) "
                "VALUES ('integrity-check', 1)"
            )


def test_chinese_and_english_in_title_summary_and_legal_basis(make):
    make("青年參與公共事務政策", summary="Youth participation in PUBLIC affairs.")
    make("再生能源發展條例修正", legal_basis="Renewable Energy Development Act Art. 4")
    make("Open data policy", summary="開放資料與個人資料保護並行。")
    assert titles("公共事務") == ["青年參與公共事務政策"]
    assert titles("個人資料保護") == ["Open data policy"]
    assert titles("public") == ["青年參與公共事務政策"]  # any case
    assert titles("ENERGY development") == ["再生能源發展條例修正"]
    assert titles("開放資料 data") == ["Open data policy"]
    assert titles("發展條例") == ["再生能源發展條例修正"]
    assert titles("不存在的詞") == []


def test_two_character_chinese_and_short_terms_fall_back_to_substrings(make):
    make("青年參與公共事務政策")
    make("交通安全政策", summary="行人優先。")
    make("Air quality", summary="PM2.5 標準。")
    assert titles("青年") == ["青年參與公共事務政策"]
    assert titles("政策") == ["交通安全政策", "青年參與公共事務政策"]
    assert titles("行人") == ["交通安全政策"]
    assert titles("ai") == ["Air quality"]
    assert titles("政策 交通") == ["交通安全政策"]  # 2-character terms ANDed


def test_terms_are_anded_and_at_most_five_are_used(make):
    make("交通安全政策 道路")
    make("交通運輸 行人")
    assert titles("交通 安全政策") == ["交通安全政策 道路"]
    assert titles("交通 行人") == ["交通運輸 行人"]
    assert titles("交通 安全政策 行人") == []
    # a sixth term is ignored
    assert titles("交通 安全 政策 道路 交通 不存在") == ["交通安全政策 道路"]


def test_agency_names_and_code_still_match(make, agency):
    make("青年參與公共事務政策")
    assert titles("內政部") == ["青年參與公共事務政策"]
    assert titles("interior") == ["青年參與公共事務政策"]
    assert titles("MOI") == ["青年參與公共事務政策"]
    assert titles("內政部 青年") == ["青年參與公共事務政策"]
    assert titles("法務部") == []


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"""',
        'abc"',
        "ab*",
        "***",
        "(((",
        "a) OR (b",
        "x OR y",
        "NOT abc",
        "NEAR(abc def)",
        "title:abc",
        "^abc",
        "abc + def",
        "\\\\\\",
        "%%%",
        "___",
        "a\x00bc",
        "'; DROP TABLE x; --",
    ],
)
def test_fts_syntax_never_raises(make, q):
    make("青年參與公共事務政策")
    assert titles(q) == []


def test_special_characters_match_literally(make):
    make('關於 "數位身分證" 之說明', summary="Is it (really) safe? OR not*")
    make("電價 100% 調整", summary="snake_case")
    make("電價 1000 元", summary="snakeXcase")
    assert titles('"數位身分證"') == ['關於 "數位身分證" 之說明']
    assert titles("(really)") == ['關於 "數位身分證" 之說明']
    assert titles("not*") == ['關於 "數位身分證" 之說明']
    assert titles("100%") == ["電價 100% 調整"]
    assert titles("snake_case") == ["電價 100% 調整"]
    assert titles("00%") == ["電價 100% 調整"]


def test_index_follows_updates_and_deletes(make, official, agency):
    draft = make("青年參與公共事務政策", publish=False)
    assert titles("公共事務", user=official, state="draft") == ["青年參與公共事務政策"]
    services.consultation_update(
        actor=official, consultation=draft, title="交通安全政策", summary="行人優先原則。"
    )
    fts_consistent()
    assert titles("公共事務", user=official, state="draft") == []
    assert titles("交通安全", user=official, state="draft") == ["交通安全政策"]
    assert titles("行人優先", user=official, state="draft") == ["交通安全政策"]

    published = make("再生能源發展條例修正")
    Consultation.objects.filter(pk=published.pk).update(legal_basis="Electricity Act")
    fts_consistent()
    assert titles("electricity") == ["再生能源發展條例修正"]

    Consultation.objects.filter(pk=draft.pk).delete()
    fts_consistent()
    assert titles("交通安全", user=official, state="draft") == []
    published.delete()
    fts_consistent()
    assert titles("再生能源") == []
    make("再生能源發展條例")  # a new row (possibly reusing an id) is indexed afresh
    assert titles("再生能源") == ["再生能源發展條例"]
    assert titles("electricity") == []


def test_unpublished_drafts_are_not_found_by_the_public(make, official, citizen, other_official):
    make("青年參與公共事務政策草案", publish=False)
    make("青年參與公共事務政策")
    for user in (None, citizen, other_official):
        assert titles("公共事務", user=user) == ["青年參與公共事務政策"]
        assert titles("青年", user=user) == ["青年參與公共事務政策"]
    assert titles("公共事務", user=official, state="draft") == ["青年參與公共事務政策草案"]


def test_search_through_the_api_and_the_page(client, make):
    make("青年參與公共事務政策")
    response = client.get("/api/v1/consultations/", {"q": "公共事務"})
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == ["青年參與公共事務政策"]
    for q in ['"(*', "x OR y", "公共事務 NEAR("]:
        assert client.get("/api/v1/consultations/", {"q": q}).json()["count"] == 0
        assert client.get("/consultations/", {"q": q}).status_code == 200
