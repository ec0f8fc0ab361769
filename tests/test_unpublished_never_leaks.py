"""Unpublished data never leaves through any output of any app.

Plants what must stay unpublished (a draft and a submitted proposal, a hidden proposal
comment, a draft consultation, a hidden consultation comment, an agency's decision and final
text before its report is published, an unpublished assessment, a showcase awaiting
moderation), each carrying its own marker string, then walks every output as the public and
as people who have no business seeing them:

- every GET route of the JSON API, from the OpenAPI document, with each planted identifier;
- every page URL of the URL map (feeds, CSV and JSON downloads, CKAN and DCAT included),
  with each planted identifier and the usual filters;
- every dataset registered with `core.exporters`;

and asserts that no marker appears anywhere.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from opengov.accounts.tests.factories import UserFactory
from opengov.core import exporters

pytestmark = pytest.mark.django_db

SECRETS = {
    "draft proposal": "zqxDRAFTPROPOSAL",
    "submitted proposal": "zqxSUBMITTEDPROPOSAL",
    "hidden proposal comment": "zqxHIDDENPROPOSALCOMMENT",
    "draft consultation": "zqxDRAFTCONSULTATION",
    "draft consultation article": "zqxDRAFTARTICLE",
    "draft proposal attachment": "zqxDRAFTPROPOSALFILE",
    "draft consultation attachment": "zqxDRAFTCONSULTATIONFILE",
    "hidden consultation comment": "zqxHIDDENCONSULTATIONCOMMENT",
    "unpublished decision": "zqxUNPUBLISHEDDECISION",
    "unpublished final text": "zqxUNPUBLISHEDFINALTEXT",
    "unpublished assessment": "zqxUNPUBLISHEDASSESSMENT",
    "showcase awaiting moderation": "zqxPENDINGSHOWCASE",
    "unpublished integrity project": "zqxUNPUBLISHEDPROJECT",
}

#: Routes that are not outputs: signing out and the language switch.
SKIPPED_NAMES = {"logout", "set_language"}
#: Every route is walked (the public activity page included: the audit log holds no user text).
SKIPPED_ROUTES: set[str] = set()
#: Filters tried on every route without parameters (lists that might widen to drafts).
QUERY_VARIANTS = ("", "?state=all", "?state=draft", "?status=draft")


@pytest.fixture
def planted(clock, profile, agency, official, moderator, settings, tmp_path):
    """Everything that must stay unpublished, through the services."""
    from opengov.action_plans import services as plans
    from opengov.consultations import services as consultations
    from opengov.consultations.models import Kind
    from opengov.open_data import services as open_data
    from opengov.proposals import rules as proposal_rules
    from opengov.proposals import services as proposals

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    clock.set(2026, 3, 2, 9)
    author = UserFactory()
    ids: dict[str, list[str]] = {
        "public_id": [],
        "comment_id": [],
        "response_id": [],
        "slug": [],
        "name": [],
        "code": [agency.code],
        "position": ["1", "2"],
        "attachment_id": [],
        "number": ["1"],
        "ocid": [],
        "release_id": [],
        "key": [],
    }
    by_app: dict[str, dict[str, list[str]]] = {}

    def own(app: str, name: str, value: str) -> None:
        """An identifier of `app` (routes of that app are walked with it)."""
        by_app.setdefault(app, {}).setdefault(name, []).append(value)
        ids[name].append(value)

    # Proposals: a draft, one submitted for review, a published one with a hidden comment.
    def proposal(title: str, submit: bool) -> Any:
        return proposals.proposal_create(
            actor=author,
            title=f"{title} 自行車道建議",
            content=f"內容 {title}",
            benefits=f"效益 {title}",
            agencies=[agency.code],
            submit=submit,
        )

    draft = proposal(SECRETS["draft proposal"], submit=False)
    draft_file = proposals.attachment_add(
        actor=author,
        proposal=draft,
        upload=SimpleUploadedFile(
            "plan.pdf", b"%PDF-1.4 " + SECRETS["draft proposal attachment"].encode()
        ),
    )
    own("proposals", "attachment_id", str(draft_file.public_id))
    submitted = proposal(SECRETS["submitted proposal"], submit=True)
    published = proposals.proposal_publish(
        actor=moderator, proposal=proposal("公開的提案標題", submit=True)
    )
    hidden = proposals.comment_create(
        actor=UserFactory(), proposal=published, body=SECRETS["hidden proposal comment"]
    )
    proposals.comment_hide(
        actor=moderator, comment=hidden, ground=proposal_rules.rules().rejection_grounds[0]
    )
    for p in (draft, submitted, published):
        own("proposals", "public_id", str(p.public_id))
    own("proposals", "comment_id", str(hidden.public_id))

    # Consultations: a draft, and a closed one whose decisions are not yet published.
    secret_draft = consultations.consultation_create(
        actor=official,
        agency=agency,
        kind=Kind.POLICY,
        title=f"{SECRETS['draft consultation']} 草案",
        summary=SECRETS["draft consultation"],
    )
    consultations.article_add(
        actor=official,
        consultation=secret_draft,
        label="第一條",
        text=SECRETS["draft consultation article"],
    )
    consultation_file = consultations.attachment_add(
        actor=official,
        consultation=secret_draft,
        title="評估",
        file=SimpleUploadedFile(
            "assessment.txt", SECRETS["draft consultation attachment"].encode()
        ),
    )
    own("consultations", "attachment_id", str(consultation_file.public_id))
    handled = consultations.consultation_create(
        actor=official, agency=agency, kind=Kind.POLICY, title="公開的諮詢", summary="說明"
    )
    consultations.article_add(
        actor=official, consultation=handled, label="第一條", text="公開的條文"
    )
    handled = consultations.consultation_publish(actor=official, consultation=handled)
    answered = consultations.comment_create(
        actor=author, consultation=handled, article=None, body="公開的意見", stance="support"
    )
    hidden_comment = consultations.comment_create(
        actor=UserFactory(),
        consultation=handled,
        article=None,
        body=SECRETS["hidden consultation comment"],
        stance="oppose",
    )
    from opengov.consultations import rules as consultation_rules

    consultations.comment_hide(
        actor=moderator,
        comment=hidden_comment,
        ground=consultation_rules.moderation_grounds()[0],
        note="",
    )
    clock.set_to(clock.now() + dt.timedelta(days=120))
    response = consultations.comments_respond(
        actor=official,
        consultation=handled,
        comments=[answered],
        decision="adopted",
        reason=SECRETS["unpublished decision"],
    )
    article = handled.articles.get(position=1)
    consultations.article_set_final(
        actor=official, article=article, status="amended", text=SECRETS["unpublished final text"]
    )
    own("consultations", "public_id", str(secret_draft.public_id))
    own("consultations", "public_id", str(handled.public_id))
    own("consultations", "comment_id", str(answered.public_id))
    own("consultations", "comment_id", str(hidden_comment.public_id))
    own("consultations", "response_id", str(response.public_id))

    # Action plans: an assessment saved but not published.
    plan = plans.plan_create(
        actor=None,
        slug="nap9",
        number=9,
        title_zh_hant="第九期國家行動方案",
        title_en="Ninth plan",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2028, 12, 31),
        status="implementing",
    )
    commitment = plans.commitment_create(
        actor=None,
        plan=plan,
        number=1,
        lead_agency=agency,
        title_zh_hant="公開的承諾",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2027, 12, 31),
        is_draft=False,
    )
    plans.assessment_save(
        actor=UserFactory(is_reviewer=True),
        commitment=commitment,
        verifiable=True,
        verifiable_justification=SECRETS["unpublished assessment"],
        publish=False,
    )
    own("action-plans", "slug", plan.slug)
    own("action-plans", "public_id", str(commitment.public_id))

    # Open data: a showcase awaiting moderation.
    showcase = open_data.showcase_submit(
        actor=author,
        title=SECRETS["showcase awaiting moderation"],
        description=SECRETS["showcase awaiting moderation"],
        url="https://example.org/app",
        datasets=["consultations"],
    )
    own("data", "public_id", str(showcase.public_id))
    # Procurement: a process (its ocid, release and supplier), an unpublished integrity project.
    from opengov.procurement import services as procurement

    procurement.releases_store(
        actor=moderator,
        releases=[
            {
                "ocid": "ocds-kj3ygj-leak-1",
                "id": "r1",
                "date": "2026-01-05T00:00:00+08:00",
                "tag": ["award"],
                "initiationType": "tender",
                "parties": [
                    {"id": "B", "name": "機關", "roles": ["buyer"]},
                    {
                        "id": "S",
                        "name": "廠商",
                        "roles": ["supplier"],
                        "identifier": {"scheme": "TW-MOEA", "id": "53212539"},
                    },
                ],
                "buyer": {"id": "B", "name": "機關"},
                "awards": [{"id": "a1", "status": "active", "suppliers": [{"id": "S"}]}],
            }
        ],
    )
    project = procurement.project_create(
        actor=moderator,
        slug="zqx-unpublished-project",
        title=SECRETS["unpublished integrity project"],
        summary=SECRETS["unpublished integrity project"],
        agency=agency,
    )
    own("procurement", "ocid", "ocds-kj3ygj-leak-1")
    own("procurement", "release_id", "r1")
    own("procurement", "key", "53212539")
    own("procurement", "key", "B")
    own("procurement", "slug", project.slug)
    for exporter in exporters.all_exporters():
        own("data", "name", exporter.slug)
        own("open-data", "name", exporter.slug)
    return {"ids": ids, "by_app": by_app, "handled": handled, "answered": answered}


def _pool(
    ids: dict[str, list[str]], by_app: dict[str, dict[str, list[str]]], route: str, name: str
):
    """The values walked for parameter `name` of `route`: the identifiers of the route's own
    app when it has some of that kind, else every planted identifier of that kind."""
    app = route.strip("/").removeprefix("api/v1/").split("/")[0]
    return by_app.get(app, {}).get(name) or ids.get(name, [])


def _leaks(text: str) -> list[str]:
    return [what for what, marker in SECRETS.items() if marker in text]


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _patterns(resolver: Any = None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def _page_urls(ids: dict[str, list[str]], by_app: dict[str, Any]) -> Iterator[str]:
    """Every page URL of the URL map, with each planted identifier in each parameter."""
    formats = ["csv", "json", "jsonl", "ttl", "jsonld", "rdf"]
    for route, entry in _patterns():
        if (
            route.startswith(("admin/", "api/v1/", "^media", "^static"))
            or entry.name in SKIPPED_NAMES
            or route in SKIPPED_ROUTES
        ):
            continue
        converters = getattr(entry.pattern, "converters", {})
        if not converters:
            yield from ("/" + route + q for q in QUERY_VARIANTS)
            continue
        choices = []
        for name in converters:
            if name == "fmt":
                choices.append(formats)
            elif name == "name" and route.startswith("api/"):
                choices.append(
                    ["package_list", "package_search", "current_package_list_with_resources"]
                )
            else:
                choices.append(_pool(ids, by_app, route, name))
        for values in itertools.product(*choices):
            path = "/" + route
            for name, value in zip(converters, values, strict=True):
                start = path.index("<")
                path = path[:start] + value + path[path.index(">", start) + 1 :]
            try:
                resolve(path)
            except Resolver404:
                continue
            yield path


def _api_urls(client: Client, ids: dict[str, list[str]], by_app: dict[str, Any]) -> Iterator[str]:
    """Every GET route of the API, from its OpenAPI document."""
    schema = client.get("/api/v1/openapi.json").json()
    for route, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        params = [p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "path"]
        choices = [_pool(ids, by_app, route, p) for p in params]
        for values in itertools.product(*choices):
            url = route
            for name, value in zip(params, values, strict=True):
                url = url.replace("{" + name + "}", value)
            yield from (url + q for q in QUERY_VARIANTS) if not params else (url,)


def test_nothing_unpublished_in_any_output(planted, citizen, other_official, client_for):
    ids = planted["ids"]
    extra = [f"/api/3/action/package_show?id={name}" for name in ids["name"]] + [
        "/api/3/action/package_search?q=zqx",
        "/data/catalog.ttl?page=1",
    ]
    leaks: dict[str, list[str]] = {}
    visited = 0
    for viewer in (None, citizen, other_official):
        client = client_for(viewer)
        urls = [*_page_urls(ids, planted["by_app"]), *_api_urls(client, ids, planted["by_app"])]
        urls += extra
        for url in dict.fromkeys(urls):
            response = client.get(url)
            assert response.status_code < 500, url
            visited += 1
            if found := _leaks(_body(response)):
                leaks[f"{viewer or 'anonymous'} {url}"] = found
    print("visited", visited)
    assert visited > 500
    for exporter in exporters.all_exporters():
        for row in exporter.public_rows():
            if found := _leaks(json.dumps(row, default=str)):
                leaks[f"exporter {exporter.slug}"] = found
    assert leaks == {}, "\n".join(f"{k}: {v}" for k, v in leaks.items())


def test_outputs_see_the_handled_consultation(planted, client):
    """The walk reaches the planted objects: their public parts are there, the decision is
    not (so the walk above cannot pass by looking at empty pages)."""
    handled, answered = planted["handled"], planted["answered"]
    rows = client.get(f"/api/v1/consultations/{handled.public_id}/comments").json()["items"]
    row = next(r for r in rows if r["comment_id"] == str(answered.public_id))
    assert row["body"] == "公開的意見" and row["decision"] == "" and row["reason"] == ""
    full = client.get(f"/api/v1/consultations/{handled.public_id}/full").json()
    assert {c["decision"] for c in full["comments"]} == {""}
    page = client.get(f"/consultations/{handled.public_id}/").content.decode()
    assert "公開的意見" in page
    exported = [
        r
        for r in exporters.get_exporter("consultation-comments").public_rows()
        if r["comment_id"] == str(answered.public_id)
    ]
    assert exported and exported[0]["decision"] == ""


def test_officials_preparing_the_report_see_decisions(planted, client_for, official):
    handled = planted["handled"]
    client = client_for(official)
    rows = client.get(f"/api/v1/consultations/{handled.public_id}/comments").json()["items"]
    assert SECRETS["unpublished decision"] in {r["reason"] for r in rows}
    page = client.get(f"/consultations/{handled.public_id}/").content.decode()
    assert SECRETS["unpublished decision"] in page


def test_decisions_are_public_once_the_report_is(planted, client, official):
    from opengov.consultations import services

    handled = planted["handled"]
    services.report_publish(actor=official, consultation=handled, summary="報告")
    rows = client.get(f"/api/v1/consultations/{handled.public_id}/comments").json()["items"]
    assert SECRETS["unpublished decision"] in {r["reason"] for r in rows}
    csv_text = _body(client.get(f"/consultations/{handled.public_id}/comments.csv"))
    assert SECRETS["unpublished decision"] in csv_text
    exported = exporters.get_exporter("consultation-comments").public_rows()
    assert SECRETS["unpublished decision"] in {r["reason"] for r in exported}


def test_walk_covers_every_route():
    """Every page route with parameters gets values from the planted identifiers (a new
    parameter name must be added to the fixture, or the walk would silently skip it)."""
    known = {"public_id", "comment_id", "response_id", "slug", "name", "code", "position"}
    known |= {"attachment_id"}
    known |= {"number", "fmt", "token", "user_id", "pk"}
    known |= {"consultation_id", "pseudonym", "statement_id"}  # opinions
    known |= {"case_id"}  # referendums
    known |= {"ocid", "release_id", "key"}  # procurement
    known |= {"business_number"}  # donations
    for route, entry in _patterns():
        if route.startswith(("admin/", "api/v1/", "^media", "^static")):
            continue
        for name in getattr(entry.pattern, "converters", {}):
            assert name in known, route
