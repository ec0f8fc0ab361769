"""The spaces' pages in Chromium on a 360-px-wide phone: no sideways scrolling, and no
serious or critical axe-core violation (WCAG 2.1 A/AA), for a visitor and for an official."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from opengov.spaces import selectors, services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _check(page, path: str) -> list[str]:
    response = page.goto(page.url_for(path))
    assert response is not None and response.status == 200, path
    problems = []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        problems.append(f"{path}: {overflow} px wider than the screen")
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: tags})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))",
        RULES,
    )
    problems += [f"{path}: {v}" for v in violations]
    return problems


def test_spaces_pages_at_360_px_pass_axe(phone_page, login_as, clock, moderator, agency, official):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (run `make install`)")
    clock.set(2026, 3, 2, 9)
    space = services.space_create(
        actor=moderator,
        slug="hakka",
        name="客家議題公共參與（一個名稱很長的空間用來測試小螢幕的換行）",
        kind="commitment",
        host_agency=agency,
        audience="hakka",
        languages=["zh-hant", "hak"],
    )
    services.space_publish(actor=moderator, space=space)
    services.space_set_rules(actor=moderator, space=space, preset="taipei_ivoting")
    services.event_create(
        actor=official,
        space=space,
        title="客庄座談",
        channel="community_meeting",
        held_on=dt.date(2026, 3, 1),
        place=selectors.place_by_code("10005050"),
    )
    project = services.project_create(
        actor=official,
        space=space,
        place=selectors.place_by_code("10004020"),
        team="竹東團隊",
        title="老街共享工作室",
        problem="空屋多。",
        plan="活化街屋。",
        needs=["funding", "land"],
    )
    services.milestone_add(
        actor=official,
        project=project,
        title="修繕",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 6, 1),
    )
    public = [
        "/spaces/",
        "/spaces/hakka/",
        "/spaces/places/",
        "/spaces/places/10004/",
        "/spaces/revitalisation/",
        f"/spaces/revitalisation/{project.public_id}/",
        "/rules/",
    ]
    problems = []
    for path in public:
        problems += _check(phone_page, path)
    login_as(phone_page, official)
    for path in (
        "/spaces/hakka/manage/",
        "/spaces/statement/",
        "/spaces/hakka/propose/",
        "/spaces/revitalisation/new/",
        f"/spaces/revitalisation/{project.public_id}/",
    ):
        problems += _check(phone_page, path)
    assert not problems, "\n".join(problems)
