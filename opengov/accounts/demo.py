"""Demo data of accounts: the Executive Yuan and its ministries and councils, the Control Yuan,
one official for each agency, operators and five verified citizens. Safe to run twice."""

from __future__ import annotations

from typing import Any

from opengov.core import clock

from . import services
from .models import Agency, Membership, Residency, User

PASSWORD = "opengov-demo-2026"
DOMAIN = "demo.opengov.tw"

# (code, parent code, 中文名稱, English name, 中文簡稱, English abbreviation, website)
AGENCIES: list[tuple[str, str | None, str, str, str, str, str]] = [
    ("ey", None, "行政院", "Executive Yuan", "行政院", "EY", "https://www.ey.gov.tw/"),
    ("ndc", "ey", "國家發展委員會", "National Development Council", "國發會", "NDC",
     "https://www.ndc.gov.tw/"),
    ("moi", "ey", "內政部", "Ministry of the Interior", "內政部", "MOI", "https://www.moi.gov.tw/"),
    ("moj", "ey", "法務部", "Ministry of Justice", "法務部", "MOJ", "https://www.moj.gov.tw/"),
    ("moea", "ey", "經濟部", "Ministry of Economic Affairs", "經濟部", "MOEA",
     "https://www.moea.gov.tw/"),
    ("mof", "ey", "財政部", "Ministry of Finance", "財政部", "MOF", "https://www.mof.gov.tw/"),
    ("moe", "ey", "教育部", "Ministry of Education", "教育部", "MOE", "https://www.edu.tw/"),
    ("mol", "ey", "勞動部", "Ministry of Labor", "勞動部", "MOL", "https://www.mol.gov.tw/"),
    ("mohw", "ey", "衛生福利部", "Ministry of Health and Welfare", "衛福部", "MOHW",
     "https://www.mohw.gov.tw/"),
    ("moc", "ey", "文化部", "Ministry of Culture", "文化部", "MOC", "https://www.moc.gov.tw/"),
    ("moda", "ey", "數位發展部", "Ministry of Digital Affairs", "數位部", "MODA",
     "https://moda.gov.tw/"),
    ("cip", "ey", "原住民族委員會", "Council of Indigenous Peoples", "原民會", "CIP",
     "https://www.cip.gov.tw/"),
    ("hac", "ey", "客家委員會", "Hakka Affairs Council", "客委會", "HAC",
     "https://www.hakka.gov.tw/"),
    ("cec", "ey", "中央選舉委員會", "Central Election Commission", "中選會", "CEC",
     "https://www.cec.gov.tw/"),
    ("pcc", "ey", "行政院公共工程委員會", "Public Construction Commission, Executive Yuan",
     "工程會", "PCC", "https://www.pcc.gov.tw/"),
    ("aac", "moj", "法務部廉政署", "Agency Against Corruption, Ministry of Justice", "廉政署",
     "AAC", "https://www.aac.moj.gov.tw/"),
    ("cy", None, "監察院", "Control Yuan", "監察院", "CY", "https://www.cy.gov.tw/"),
]  # fmt: skip

# display names of the officials, by agency code
OFFICIAL_NAMES = {
    "ey": "行政院秘書處 陳科長",
    "ndc": "國發會 林專員",
    "moi": "內政部 王科員",
    "moj": "法務部 張檢察事務官",
    "moea": "經濟部 李技正",
    "mof": "財政部 黃稽核",
    "moe": "教育部 吳專員",
    "mol": "勞動部 劉科長",
    "mohw": "衛福部 蔡技士",
    "moc": "文化部 楊專員",
    "moda": "數位部 許工程師",
    "cip": "原民會 Lahuy 專員",
    "hac": "客委會 邱科員",
    "cec": "中選會 鄭專員",
    "pcc": "工程會 謝技正",
    "aac": "廉政署 周廉政官",
    "cy": "監察院 洪調查官",
}

CITIZENS = [
    ("citizen1", "陳小華", "陳曉華", "+886910000001"),
    ("citizen2", "阿美族青年", "林慧君", "+886910000002"),
    ("citizen3", "台南老王", "王建國", "+886910000003"),
    ("citizen4", "花蓮小吳", "吳佳玲", "+886910000004"),
    ("citizen5", "新竹工程師", "張志明", "+886910000005"),
]


def _agencies(stdout: Any) -> dict[str, Agency]:
    by_code: dict[str, Agency] = {}
    for code, parent, zh, en, abbr_zh, abbr_en, website in AGENCIES:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            agency = services.agency_create(
                actor=None,
                code=code,
                name_zh_hant=zh,
                name_en=en,
                parent=by_code[parent] if parent else None,
                abbreviation_zh_hant=abbr_zh,
                abbreviation_en=abbr_en,
                website=website,
            )
            stdout.write(f"  agency {code}: {zh} / {en}")
        by_code[code] = agency
    return by_code


def _user(email: str, display_name: str, *, real_name: str = "", phone: str = "", **flags) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = services.user_create(
            actor=None,
            email=email,
            password=PASSWORD,
            display_name=display_name,
            real_name=real_name,
            **flags,
        )
    now = clock.now()
    changed = []
    if not user.email_verified_at:
        user.email_verified_at = now
        changed.append("email_verified_at")
    if not user.residency:
        user.residency = Residency.NATIONAL
        changed.append("residency")
    if phone and not user.phone_verified_at:
        user.phone, user.phone_verified_at = phone, now
        changed += ["phone", "phone_verified_at"]
    if changed:
        user.save(update_fields=changed)
    return user


def load(*, stdout: Any) -> None:
    """Create (or complete) the demo agencies and people."""
    stdout.write("accounts: agencies and people")
    agencies = _agencies(stdout)
    _user(
        f"admin@{DOMAIN}",
        "平台管理員",
        real_name="系統管理者",
        phone="+886900000001",
        is_superuser=True,
        is_staff=True,
    )
    _user(
        f"operator@{DOMAIN}",
        "平台營運小組",
        real_name="營運人員",
        phone="+886900000002",
        is_moderator=True,
    )
    _user(
        f"reviewer@{DOMAIN}",
        "獨立評估員 IRM",
        real_name="評估人員",
        phone="+886900000003",
        is_reviewer=True,
    )
    _user(
        f"aml@{DOMAIN}",
        "洗錢防制審查員",
        real_name="審查人員",
        phone="+886900000004",
        is_aml_reviewer=True,
    )
    for index, (code, agency) in enumerate(agencies.items(), start=1):
        official = _user(
            f"official.{code}@{DOMAIN}",
            OFFICIAL_NAMES[code],
            phone=f"+8869200{index:05d}",
            is_staff=code == "ndc",
        )
        role = Membership.Role.ADMIN if code == "ndc" else Membership.Role.OFFICIAL
        current = Membership.objects.filter(user=official, active=True).first()
        if current is None or current.agency_id != agency.pk or current.role != role:
            services.membership_grant(
                actor=None, user=official, agency=agency, role=role, title="承辦人"
            )
    for local, display, real, phone in CITIZENS:
        _user(f"{local}@{DOMAIN}", display, real_name=real, phone=phone)
    stdout.write(
        f"  people: admin@, operator@, reviewer@, aml@, official.<code>@, citizen1..5@{DOMAIN} "
        f"(password: {PASSWORD}); official.ndc@ is the NDC agency administrator"
    )
