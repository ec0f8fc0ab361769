"""Demo data of participation spaces: one space per inclusion commitment of Taiwan's first
action plan (youth, gender, new immigrants, indigenous peoples, Hakka, regional
revitalisation), a county space on Taipei's i-Voting preset, events with offline input, a few
participation statements, and two regional revitalisation projects with offers and progress.
Idempotent: a space or project that exists is left as it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from opengov.core import clock

DOMAIN = "demo.opengov.tw"

# (slug, host agency code, kind, audience, 中文名稱, English name, description, languages)
SPACES = [
    (
        "youth",
        "moe",
        "commitment",
        "youth",
        "青年政策參與",
        "Youth policy participation",
        "教育部青年發展署的青年政策參與空間：15 至 35 歲的青年提出政策建議、參與青年諮詢。",
        ["zh-hant", "en"],
    ),
    (
        "gender",
        "ey",
        "commitment",
        "women",
        "性別包容對話與參與",
        "Gender-inclusive dialogue and participation",
        "行政院性別平等會推動的性別包容對話：讓不同性別的聲音都進入政策討論。",
        ["zh-hant", "en"],
    ),
    (
        "new-immigrants",
        "moi",
        "commitment",
        "new_immigrant",
        "新住民公共參與",
        "New immigrants' public participation",
        "內政部移民署的新住民參與空間，提供越南文、印尼文與泰文說明，並受理紙本與電話意見。",
        ["zh-hant", "en", "vi", "id", "th"],
    ),
    (
        "indigenous",
        "cip",
        "commitment",
        "indigenous",
        "原住民族國際合作與交流",
        "Indigenous peoples' international cooperation and exchange",
        "原住民族委員會的參與空間：部落會議與工作坊的意見在此公開。",
        ["zh-hant", "en", "ami", "tay", "pwn"],
    ),
    (
        "hakka",
        "hac",
        "commitment",
        "hakka",
        "客家議題公共參與",
        "Public participation on Hakka issues",
        "客家委員會的參與空間：客語友善環境、客庄發展的政策討論。",
        ["zh-hant", "hak", "en"],
    ),
    (
        "regional-revitalisation",
        "ndc",
        "revitalisation",
        "everyone",
        "地方創生互動平台",
        "Regional revitalisation interactive platform",
        "國家發展委員會的地方創生空間：地方團隊提出計畫與需求，中央部會與企業回應。",
        ["zh-hant", "en"],
    ),
]


def _user(email: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email=email).first()


def _agency(code: str) -> Any:
    from opengov.accounts import selectors as account_selectors

    return account_selectors.agency_by_code(code)


def load(*, stdout: Any) -> None:
    """Create the demo spaces and projects (skipped quietly without the accounts demo)."""
    from . import selectors, services
    from .models import Project, Space

    services.places_ensure()
    operator = _user(f"operator@{DOMAIN}")
    if operator is None:
        return
    stdout.write("spaces: participation spaces and regional revitalisation")
    for slug, code, kind, audience, zh, en, description, languages in SPACES:
        agency = _agency(code)
        if agency is None or Space.objects.filter(slug=slug).exists():
            continue
        space = services.space_create(
            actor=operator,
            slug=slug,
            name=zh,
            name_en=en,
            description=description,
            kind=kind,
            host_agency=agency,
            audience=audience,
            languages=languages,
        )
        services.space_publish(actor=operator, space=space)
        stdout.write(f"  space {slug}: {zh}")
    taipei = selectors.place_by_code("63000")
    if not Space.objects.filter(slug="taipei").exists() and _agency("moi"):
        space = services.space_create(
            actor=operator,
            slug="taipei",
            name="臺北市 i-Voting",
            name_en="Taipei City i-Voting",
            description="臺北市的地方參與空間，採臺北市 i-Voting 的附議門檻與期間。",
            kind="local",
            host_agency=_agency("moi"),
            place=taipei,
            audience="residents",
            audience_place=taipei,
        )
        services.space_set_rules(actor=operator, space=space, preset="taipei_ivoting")
        services.space_publish(actor=operator, space=space)
        stdout.write("  space taipei: Taipei i-Voting preset (1,500 co-signatures, 45 days)")
    _events(operator)
    _statements()
    _projects(operator, Project)


def _events(operator: Any) -> None:
    from . import selectors, services
    from .models import Event, Space

    space = Space.objects.filter(slug="new-immigrants").first()
    if space is None or Event.objects.filter(space=space).exists():
        return
    today = clock.today()
    services.event_create(
        actor=operator,
        space=space,
        title="新住民政策座談（桃園）",
        channel="community_meeting",
        held_on=today - dt.timedelta(days=10),
        place=selectors.place_by_code("68000010"),
        description="以越南語、印尼語口譯進行。",
    )
    services.event_create(
        actor=operator,
        space=space,
        title="1990 新住民諮詢專線意見彙整",
        channel="hotline",
        held_on=today - dt.timedelta(days=3),
    )


def _statements() -> None:
    from django.contrib.auth import get_user_model

    from . import services
    from .models import ParticipantStatement

    User = get_user_model()
    stated = [
        ("citizen1", {"age_band": "25_29", "gender": "woman", "place": "63000030"}),
        ("citizen2", {"age_band": "30_35", "new_immigrant": True, "place": "68000020"}),
        ("citizen3", {"age_band": "50_64", "hakka": True, "place": "10005050"}),
    ]
    from . import selectors

    for local, values in stated:
        person = User.objects.filter(email=f"{local}@{DOMAIN}").first()
        if person is None or ParticipantStatement.objects.filter(user=person).exists():
            continue
        place = values.pop("place")
        services.statement_set(actor=person, place=selectors.place_by_code(place), **values)


def _projects(operator: Any, Project: Any) -> None:
    from . import selectors, services
    from .models import Space

    team = _user(f"citizen4@{DOMAIN}") or operator
    space = Space.objects.filter(slug="regional-revitalisation").first()
    today = clock.today()
    if not Project.objects.filter(title="竹東老街青年返鄉共享工作室").exists():
        project = services.project_create(
            actor=team,
            space=space,
            place=selectors.place_by_code("10004020"),
            team="竹東青年返鄉聯盟",
            title="竹東老街青年返鄉共享工作室",
            problem="老街空屋率高，青年外流，客庄產業缺少新的經營者。",
            plan="活化三棟閒置街屋為共享工作室與客家工藝展售空間，每年培育十組返鄉創業團隊。",
            needs=["funding", "land", "partners"],
            needs_detail="街屋修繕經費、公有閒置空間的使用許可、電商與設計夥伴。",
        )
        services.offer_create(
            actor=_user(f"official.ndc@{DOMAIN}") or operator,
            project=project,
            need="funding",
            organisation="",
            description="地方創生計畫補助：街屋修繕與營運的第一年經費。",
        )
        milestone = services.milestone_add(
            actor=team,
            project=project,
            title="第一棟街屋完成修繕",
            starts_on=today - dt.timedelta(days=60),
            ends_on=today + dt.timedelta(days=60),
        )
        services.progress_report(
            actor=team,
            milestone=milestone,
            status="ongoing",
            progress=40,
            note="屋頂與結構補強完成，進行水電工程。",
        )
    if not Project.objects.filter(title="臺東池上稻作體驗與農村旅宿").exists():
        services.project_create(
            actor=team,
            space=space,
            place=selectors.place_by_code("10014060"),
            team="池上好米共創團隊",
            title="臺東池上稻作體驗與農村旅宿",
            problem="農村人口老化，農地休耕，旅客停留時間短。",
            plan="結合稻作體驗、農村旅宿與在地餐桌，延長旅客停留並創造青年就業。",
            needs=["regulation", "partners"],
            needs_detail="農舍作為民宿的法規調適、旅行業與通路夥伴。",
        )
