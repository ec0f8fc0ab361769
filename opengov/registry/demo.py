"""Demo data of the registry, run through the real import and services: a Big5 basic-data
file and a directors file as the company registry publishes them (Minguo dates, a flagged
business number), then a second import a year later in which one company has a new name, one
is dissolved and one board has changed; a politically exposed person; and an uncertain name
match waiting in the review queue. The companies are fictional. Idempotent.

`COMPANIES` names the demo companies by key, for other apps' demo data (ownership,
procurement, donations): `organisation_by_business_number(COMPANIES["holding"])`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test.utils import override_settings

#: the demo companies' unified business numbers, by key
COMPANIES = {
    "holding": "90000001",  # 示範控股
    "chips": "90000017",  # 示範半導體 (renamed in the second import)
    "build": "90000023",  # 示範營造 (board changes)
    "trade": "90000038",  # 示範貿易 (dissolved in the second import)
    "fund": "90000044",  # 示範國家發展基金 (government)
    "flagged": "90000045",  # fails the check digit rule: kept with a flag
}
FIRST_AS_OF = dt.date(2024, 1, 1)
SECOND_AS_OF = dt.date(2025, 1, 1)

_BASIC = ",".join(
    (
        "Business_Accounting_NO",
        "Company_Name",
        "Company_Status_Desc",
        "Capital_Stock_Amount",
        "Paid_In_Capital_Amount",
        "Responsible_Name",
        "Company_Location",
        "Company_Setup_Date",
        "Revoke_App_Date",
        "Sus_Beg_Date",
        "Sus_End_Date",
    )
)
BASIC_2024 = [
    '90000001,示範控股股份有限公司,核准設立,"5,000,000,000",5000000000,林示範,'
    "臺北市信義區市府路1號,0890315,,,",
    "90000017,示範半導體股份有限公司,核准設立,2000000000,1800000000,陳晶片,"
    "新竹市東區力行路9號,0960101,,,",
    "90000023,示範營造有限公司,核准設立,30000000,30000000,王營造,臺北市信義區市府路1號,104/11/4,,,",
    "90000038,示範貿易有限公司,核准設立,1000000,1000000,林示範,高雄市前鎮區成功二路5號,"
    "096/12/26,,,",
    "90000044,示範國家發展基金投資股份有限公司,核准設立,10000000000,10000000000,張公股,"
    "臺北市中正區寶慶路3號,0780701,,,",
    "90000045,示範顧問有限公司,核准設立,500000,500000,李顧問,臺北市大安區仁愛路四段10號,1100505,,,",
]
BASIC_2025 = [
    BASIC_2024[0],
    BASIC_2024[1].replace("示範半導體股份有限公司", "示範先進半導體股份有限公司"),
    BASIC_2024[2],
    BASIC_2024[3].replace("核准設立", "解散"),
    BASIC_2024[4],
    BASIC_2024[5],
]
_DIRECTORS = ",".join(
    (
        "Business_Accounting_NO",
        "Person_Position_Name",
        "Person_Name",
        "Juristic_Person_Name",
        "Person_Shareholding",
    )
)
DIRECTORS_2024 = [
    '90000001,董事長,林示範,,"120,000,000"',
    "90000001,董事,吳董事,,5000000",
    "90000001,監察人,許監察,,0",
    '90000017,董事長,陳晶片,示範控股股份有限公司,"90,000,000"',
    "90000017,董事,周研發,示範國家發展基金投資股份有限公司,36000000",
    "90000023,董事,王營造,,3000000",
    "90000023,董事,林示範,,",
    "90000038,董事,林示範,,1000000",
    "90000044,董事長,張公股,,",
]
DIRECTORS_2025 = [
    *DIRECTORS_2024[:5],
    "90000023,董事,王營造,,3000000",
    "90000023,董事,趙新任,,",
    DIRECTORS_2024[7],
    DIRECTORS_2024[8],
]


def _csv(header: str, rows: list[str]) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("cp950")


def _import(actor: Any, name: str, data: bytes, dataset: str, as_of: dt.date, stdout: Any) -> None:
    from . import importer, imports
    from .models import ImportRun

    if ImportRun.objects.filter(filename=name, state=ImportRun.State.SUCCEEDED).exists():
        return
    with override_settings(REGISTRY_IMPORT_INLINE=True):
        run = imports.import_start(
            actor=actor, filename=name, data=data, dataset=dataset, as_of=as_of
        )
    importer.import_execute(run.pk)  # the transaction of load_demo is still open
    run.refresh_from_db()
    stdout.write(f"  import {name}: {run.state} {run.message}")


def load(*, stdout: Any) -> None:
    """Import the demo registry files and add a PEP and a queued match."""
    from opengov.accounts.models import User

    from . import selectors, services
    from .models import MatchCandidate, Position

    stdout.write("registry: demo companies, boards and history")
    actor = (
        User.objects.filter(is_moderator=True, is_active=True).order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    if actor is None:
        stdout.write("  skipped: no operator (load the accounts demo first)")
        return
    _import(actor, "demo-basic-2024.csv", _csv(_BASIC, BASIC_2024), "basic", FIRST_AS_OF, stdout)
    _import(
        actor,
        "demo-directors-2024.csv",
        _csv(_DIRECTORS, DIRECTORS_2024),
        "directors",
        FIRST_AS_OF,
        stdout,
    )
    _import(actor, "demo-basic-2025.csv", _csv(_BASIC, BASIC_2025), "basic", SECOND_AS_OF, stdout)
    _import(
        actor,
        "demo-directors-2025.csv",
        _csv(_DIRECTORS, DIRECTORS_2025),
        "directors",
        SECOND_AS_OF,
        stdout,
    )
    fund = selectors.organisation_by_business_number(COMPANIES["fund"])
    if fund is not None and fund.government_share is None:
        services.organisation_update(
            actor=actor, organisation=fund, kind="company", government_share="100"
        )
    trade = selectors.organisation_by_business_number(COMPANIES["trade"])
    if trade is not None and not trade.accumulated_loss_years:
        services.organisation_update(
            actor=actor, organisation=trade, accumulated_loss_years=[2023, 2024]
        )
    chair = selectors.search_people("張公股").first()
    if chair is not None and not chair.positions.exists():
        services.position_add(
            actor=actor,
            person=chair,
            title="立法委員",
            category=Position.Category.ELECTED,
            organisation_name="立法院",
            valid_from=dt.date(2024, 2, 1),
            source="demo",
        )
    if not MatchCandidate.objects.exists():
        # a filing that spells a demo company with a typo and without a business number
        services.organisation_resolve(
            actor=actor,
            name="示範國家發展基金投資股分有限公司",
            context="demo: a donation filing",
        )
