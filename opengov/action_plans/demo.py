"""Demo data: Taiwan's first OGP national action plan (2021–2024) with the twelve draft
commitments (bilingual titles from the seed), lead agencies, milestones, progress reports by
the agencies' demo officials, a task force, follow-up decisions and IRM assessments.

Titles, dates, areas and lead agencies follow the public plan; milestones, progress texts and
assessments are illustrative and marked as demo ("示範"). Safe to run twice: an existing
plan is left alone. Demo people are looked up by e-mail and skipped quietly when absent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from opengov.accounts.models import Agency

from . import services
from .models import ActionPlan

DOMAIN = "demo.opengov.tw"
SLUG = "nap-2021-2024"
D = dt.date

AREAS = [
    ("open-data", "開放資料與透明", "Open data and transparency"),
    ("participation", "公共參與", "Public participation"),
    ("inclusion", "性別與族群包容", "Gender and ethnic inclusion"),
    ("integrity", "廉政", "Integrity"),
    ("aml", "防制洗錢", "Anti-money laundering"),
]

# number, zh title, en title, lead agency, area, values, policy areas, (start, end),
# milestones: (zh, en, start, end, weight, reported progress or None)
COMMITMENTS: list[tuple[Any, ...]] = [
    (
        1,
        "政府資料開放與運用法制化",
        "Provide a legal basis for government data opening and use",
        "ndc",
        "open-data",
        ["transparency", "public_accountability"],
        ["right-to-information", "data-stewardship-privacy"],
        (D(2021, 1, 1), D(2024, 5, 31)),
        [
            (
                "草案研擬與公開徵詢",
                "Draft and public consultation",
                D(2021, 1, 1),
                D(2021, 12, 31),
                1,
                100,
            ),
            (
                "草案送行政院審查",
                "Draft sent to the Executive Yuan",
                D(2022, 1, 1),
                D(2022, 12, 31),
                1,
                100,
            ),
            (
                "送立法院審議",
                "Bill sent to the Legislative Yuan",
                D(2023, 1, 1),
                D(2024, 5, 31),
                2,
                40,
            ),
        ],
    ),
    (
        2,
        "建立開放資料集平台，提供加值運用",
        "Establish a data platform for value-added application",
        "moda",
        "open-data",
        ["transparency"],
        ["digital-governance"],
        (D(2021, 1, 1), D(2023, 12, 31)),
        [
            ("平台需求盤點", "Survey of users' needs", D(2021, 1, 1), D(2021, 9, 30), 1, 100),
            ("平台上線", "Platform launched", D(2021, 10, 1), D(2022, 12, 31), 2, 100),
            ("加值應用推廣", "Promotion of value-added use", D(2023, 1, 1), D(2023, 12, 31), 1, 80),
        ],
    ),
    (
        3,
        "全國性公民投票案電子連署",
        "Referendum electronic petition",
        "cec",
        "participation",
        ["civic_participation"],
        ["public-participation", "digital-governance"],
        (D(2021, 1, 1), D(2022, 12, 31)),
        [
            ("系統建置", "System built", D(2021, 1, 1), D(2021, 12, 31), 2, 100),
            ("系統上線與宣導", "Launch and outreach", D(2022, 1, 1), D(2022, 12, 31), 1, 100),
        ],
    ),
    (
        4,
        "青年政策參與",
        "Youth policy participation",
        "moe",
        "participation",
        ["civic_participation", "inclusion"],
        ["youth", "public-participation"],
        (D(2021, 1, 1), D(2024, 5, 31)),
        [
            (
                "青年諮詢機制檢討",
                "Review of youth advisory bodies",
                D(2021, 1, 1),
                D(2022, 6, 30),
                1,
                100,
            ),
            (
                "青年參與工作坊",
                "Youth participation workshops",
                D(2022, 7, 1),
                D(2024, 5, 31),
                1,
                70,
            ),
        ],
    ),
    (
        5,
        "地方創生互動平台機制建置",
        "Establish a regional revitalization interactive platform",
        "ndc",
        "participation",
        ["civic_participation"],
        ["public-participation"],
        (D(2021, 1, 1), D(2023, 12, 31)),
        [
            ("平台規劃", "Platform design", D(2021, 1, 1), D(2021, 12, 31), 1, 100),
            (
                "平台營運與地方說明會",
                "Operation and local meetings",
                D(2022, 1, 1),
                D(2023, 12, 31),
                2,
                60,
            ),
        ],
    ),
    (
        6,
        "促進性別包容對話與參與",
        "Promote gender-inclusive dialogue and participation",
        "mohw",
        "inclusion",
        ["inclusion", "civic_participation"],
        ["gender-inclusion"],
        (D(2021, 1, 1), D(2024, 5, 31)),
        [
            (
                "性別議題對話會議",
                "Dialogues on gender issues",
                D(2021, 1, 1),
                D(2022, 12, 31),
                1,
                100,
            ),
            ("對話成果納入政策", "Results taken into policy", D(2023, 1, 1), D(2024, 5, 31), 1, 50),
        ],
    ),
    (
        7,
        "促進新住民公共參與及發展",
        "Promote new immigrant public participation and development",
        "moi",
        "inclusion",
        ["inclusion", "civic_participation"],
        ["gender-inclusion", "public-participation"],
        (D(2021, 1, 1), D(2024, 5, 31)),
        [
            (
                "新住民多語資訊",
                "Multilingual information for new immigrants",
                D(2021, 1, 1),
                D(2022, 6, 30),
                1,
                100,
            ),
            ("新住民參與培力", "Participation training", D(2022, 7, 1), D(2024, 5, 31), 1, 30),
        ],
    ),
    (
        8,
        "擴大原住民族國際合作與交流",
        "Increase indigenous peoples' international cooperation and exchange",
        "cip",
        "inclusion",
        ["inclusion"],
        ["gender-inclusion"],
        (D(2021, 1, 1), D(2024, 5, 31)),
        [
            (
                "國際交流活動",
                "International exchange events",
                D(2021, 1, 1),
                D(2023, 6, 30),
                1,
                100,
            ),
            (
                "合作備忘錄與成果報告",
                "Cooperation memoranda and report",
                D(2023, 7, 1),
                D(2024, 5, 31),
                1,
                None,
            ),
        ],
    ),
    (
        9,
        "推動客家議題公共參與",
        "Promote public participation on Hakka issues",
        "hac",
        "inclusion",
        ["civic_participation", "inclusion"],
        ["public-participation"],
        (D(2021, 1, 1), D(2023, 12, 31)),
        [
            ("客家政策座談", "Hakka policy forums", D(2021, 1, 1), D(2022, 12, 31), 1, 100),
            ("線上參與管道", "Online participation channel", D(2022, 1, 1), D(2023, 12, 31), 1, 90),
        ],
    ),
    (
        10,
        "強化政治獻金透明化",
        "Enhance political donation transparency",
        "cy",
        "integrity",
        ["transparency", "public_accountability"],
        ["political-finance"],
        (D(2021, 1, 1), D(2024, 5, 31)),
        [
            (
                "政治獻金資料開放格式",
                "Open format for donation data",
                D(2021, 1, 1),
                D(2021, 12, 31),
                1,
                100,
            ),
            ("線上申報系統", "Online filing system", D(2022, 1, 1), D(2023, 12, 31), 2, 100),
            (
                "查核結果公開",
                "Publication of verification results",
                D(2024, 1, 1),
                D(2024, 5, 31),
                1,
                60,
            ),
        ],
    ),
    (
        11,
        "建置與精進機關採購廉政平台",
        "Establish and improve the government procurement integrity platform",
        "pcc",
        "integrity",
        ["transparency", "public_accountability"],
        ["open-contracting", "anti-corruption"],
        (D(2021, 1, 1), D(2024, 5, 31)),
        [
            ("平台試辦", "Pilot of the platform", D(2021, 1, 1), D(2022, 6, 30), 1, 100),
            ("擴大適用機關", "Extended to more agencies", D(2022, 7, 1), D(2024, 5, 31), 2, 75),
        ],
    ),
    (
        12,
        "實質受益人資訊透明",
        "Promote transparency of beneficial owner's information",
        "moj",
        "aml",
        ["transparency", "public_accountability"],
        ["beneficial-ownership", "anti-corruption"],
        (D(2021, 1, 1), D(2024, 5, 31)),
        [
            ("法規研修", "Amendment of regulations", D(2021, 1, 1), D(2022, 12, 31), 1, 100),
            (
                "實質受益人申報平台",
                "Beneficial ownership filing platform",
                D(2023, 1, 1),
                D(2024, 5, 31),
                2,
                50,
            ),
        ],
    ),
]

VALUE_WHY = {
    "transparency": (
        "公開更多政府資訊供公眾檢視（示範說明）",
        "Opens more government information (demo)",
    ),
    "civic_participation": (
        "擴大民眾參與政策的管道（示範說明）",
        "Widens channels for public participation (demo)",
    ),
    "public_accountability": (
        "讓公眾能追究機關責任（示範說明）",
        "Lets the public hold agencies to account (demo)",
    ),
    "inclusion": ("納入較少被聽見的群體（示範說明）", "Brings in groups less often heard (demo)"),
}


def _user(email: str) -> Any:
    return get_user_model().objects.filter(email=email).first()


def load(*, stdout: Any) -> None:
    """Create the first national action plan with its commitments, once."""
    stdout.write("action_plans: Taiwan's first national action plan (2021–2024)")
    if ActionPlan.objects.filter(slug=SLUG).exists():
        stdout.write("  already loaded")
        return
    agencies = {a.code: a for a in Agency.objects.filter(code__in={c[3] for c in COMMITMENTS})}
    missing = {c[3] for c in COMMITMENTS} - set(agencies)
    if missing:
        stdout.write(f"  skipped: agencies {', '.join(sorted(missing))} are not loaded")
        return
    plan = services.plan_create(
        actor=None,
        slug=SLUG,
        number=1,
        title_zh_hant="臺灣第一期開放政府國家行動方案（2021–2024）",
        title_en="Taiwan's first Open Government National Action Plan (2021–2024)",
        summary_zh_hant="由政府與公民社會共同擬定的承諾事項，涵蓋開放資料與透明、公共參與、"
        "性別與族群包容、廉政及防制洗錢五大面向。",
        summary_en="Commitments co-created by government and civil society in five areas: "
        "open data and transparency, public participation, gender and ethnic inclusion, "
        "integrity, and anti-money laundering.",
        start_date=D(2021, 1, 1),
        end_date=D(2024, 5, 31),
        status="completed",
    )
    areas = {
        key: services.thematic_area_add(actor=None, plan=plan, name_zh_hant=zh, name_en=en, order=i)
        for i, (key, zh, en) in enumerate(AREAS, start=1)
    }
    ndc_official = _user(f"official.ndc@{DOMAIN}")
    civil = [u for u in (_user(f"citizen1@{DOMAIN}"), _user(f"citizen2@{DOMAIN}")) if u]
    if ndc_official:
        services.task_force_member_add(
            actor=None,
            plan=plan,
            user=ndc_official,
            sector="government",
            organisation="國家發展委員會",
            is_co_convener=True,
        )
    for i, user in enumerate(civil):
        services.task_force_member_add(
            actor=None,
            plan=plan,
            user=user,
            sector="civil_society",
            organisation="公民團體代表（示範）",
            is_co_convener=i == 0,
        )

    first_update = None
    for number, zh, en, code, area, values, tags, (start, end), milestones in COMMITMENTS:
        commitment = services.commitment_create(
            actor=None,
            plan=plan,
            number=number,
            lead_agency=agencies[code],
            title_zh_hant=zh,
            title_en=en,
            start_date=start,
            end_date=end,
            area=areas[area],
            values=[
                {
                    "value": v,
                    "justification_zh_hant": VALUE_WHY[v][0],
                    "justification_en": VALUE_WHY[v][1],
                }
                for v in values
            ],
            policy_areas=tags,
            is_draft=False,
            problem_zh_hant=f"（示範）{zh}所要回應的公共問題。",
            problem_en=f"(demo) The public problem that “{en}” answers.",
        )
        official = _user(f"official.{code}@{DOMAIN}")
        for m_zh, m_en, m_start, m_end, weight, progress in milestones:
            milestone = services.milestone_create(
                actor=None,
                commitment=commitment,
                title_zh_hant=m_zh,
                title_en=m_en,
                start_date=m_start,
                end_date=m_end,
                weight=weight,
            )
            if official is None or progress is None:
                continue
            if progress == 100:
                mid = m_start + (m_end - m_start) / 2
                services.progress_update_post(
                    actor=official,
                    milestone=milestone,
                    progress=50,
                    reported_on=mid,
                    text=f"（示範）{m_zh}辦理中，已完成一半。",
                )
            update = services.progress_update_post(
                actor=official,
                milestone=milestone,
                progress=progress,
                reported_on=min(m_end, D(2024, 5, 31)),
                text=f"（示範）{m_zh}：進度 {progress}%。",
                links=["https://www.ndc.gov.tw/"] if code == "ndc" else [],
            )
            first_update = first_update or update
    if first_update and civil:
        services.update_comment_post(
            actor=civil[0], update=first_update, body="（示範）請補充公開徵詢的意見處理情形。"
        )
    commitments = {c.number: c for c in plan.commitments.all()}
    if ndc_official:
        services.commitment_follow_up(
            actor=None,
            commitment=commitments[3],
            on_list=False,
            meeting="工作小組第 6 次會議（示範）",
            reason="（示範）系統已上線，解除列管。",
            decided_on=D(2023, 3, 1),
        )
        services.commitment_follow_up(
            actor=None,
            commitment=commitments[1],
            on_list=True,
            meeting="工作小組第 6 次會議（示範）",
            reason="（示範）法案尚待立法院審議，繼續列管。",
            decided_on=D(2023, 3, 1),
        )
    reviewer = _user(f"reviewer@{DOMAIN}")
    if reviewer:
        services.assessment_save(
            actor=reviewer,
            commitment=commitments[3],
            verifiable=True,
            verifiable_justification="（示範）里程碑明確，可查核。",
            relevance=["civic_participation"],
            relevance_justification="（示範）提供民眾新的參與管道。",
            potential="substantial",
            potential_justification="（示範）全國適用。",
            completion="complete",
            completion_justification="（示範）系統已上線。",
            opened_government="major",
            opened_government_justification="（示範）降低連署門檻，參與人數增加。",
        )
        services.assessment_save(
            actor=reviewer,
            commitment=commitments[12],
            verifiable=True,
            verifiable_justification="（示範）有具體產出。",
            relevance=["transparency"],
            relevance_justification="（示範）公開實質受益人資訊。",
            potential="modest",
            potential_justification="（示範）資訊僅限特定機關查詢。",
        )
    stdout.write(f"  plan {SLUG}: {len(commitments)} commitments")
