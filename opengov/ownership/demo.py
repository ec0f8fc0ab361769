"""Demo data: a small beneficial-ownership register, imported as a BODS 0.4 file by the demo
AML reviewer, with a chain, a cross-holding (a cycle) and both fall-backs, plus a
representative's declaration. Names are illustrative ("示範"). Safe to run twice.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.contrib.auth import get_user_model

from opengov.core.identifiers import business_number_ok

from . import services
from .models import Party

DOMAIN = "demo.opengov.tw"
PUB = {"publicationDate": "2026-01-15", "bodsVersion": "0.4", "publisher": {"name": "opengov 示範"}}


def _numbers() -> Any:
    n = 24_000_000
    while True:
        n += 7
        text = f"{n:08d}"
        if business_number_ok(text):
            yield text


def _statement(i: int, rid: str, rtype: str, details: dict[str, Any], subject: str) -> dict:
    return {
        "statementId": f"demo-statement-{i:04d}-0000-0000-000000000000",
        "declarationSubject": subject,
        "statementDate": "2026-01-15",
        "recordId": rid,
        "recordType": rtype,
        "recordStatus": "new",
        "recordDetails": details,
        "publicationDetails": PUB,
        "source": {"type": ["officialRegister"]},
    }


ENTITIES = [
    ("demo-e-jia", "甲控股股份有限公司（示範）"),
    ("demo-e-yi", "乙科技股份有限公司（示範）"),
    ("demo-e-bing", "丙投資有限公司（示範）"),
    ("demo-e-ding", "丁實業股份有限公司（示範）"),
    ("demo-e-wu", "戊貿易股份有限公司（示範）"),
    ("demo-e-ji", "己能源股份有限公司（示範）"),
    ("demo-e-geng", "庚文化股份有限公司（示範）"),
]
PEOPLE = [
    ("demo-p-wang", "王大明", "1968-04-02"),
    ("demo-p-chen", "陳美玲", "1975-09-18"),
    ("demo-p-lin", "林志強", "1960-12-01"),
    ("demo-p-huang", "黃淑芬", "1971-03-22"),
    ("demo-p-chang", "張家豪", "1980-07-30"),
    ("demo-p-li", "李文雄", "1966-11-11"),
    ("demo-p-wu", "吳佩珊", "1983-05-05"),
    ("demo-p-tsai", "蔡宗翰", "1979-02-14"),
]
# holder, subject, interest type, share (exact or (min, max)) or None
LINKS = [
    # a chain: 60 % of 45 % = 27 %, more than 25 %
    ("demo-p-wang", "demo-e-jia", "shareholding", 60),
    ("demo-e-jia", "demo-e-yi", "shareholding", 45),
    ("demo-p-chen", "demo-e-yi", "shareholding", 20),
    ("demo-e-jia", "demo-e-bing", "shareholding", 30),
    ("demo-p-wu", "demo-e-bing", "shareholding", (50, 75)),
    # a cross-holding: 丁 owns 40 % of 戊, 戊 owns 30 % of 丁
    ("demo-e-ding", "demo-e-wu", "shareholding", 40),
    ("demo-e-wu", "demo-e-ding", "shareholding", 30),
    ("demo-p-lin", "demo-e-ding", "shareholding", 55),
    ("demo-p-huang", "demo-e-wu", "shareholding", 60),
    # fall-back to control: nobody over 25 %, one person appoints the board
    ("demo-p-chen", "demo-e-ji", "shareholding", 15),
    ("demo-p-tsai", "demo-e-ji", "shareholding", 10),
    ("demo-p-chang", "demo-e-ji", "appointmentOfBoard", None),
    # fall-back to senior management: dispersed shares, no control
    ("demo-p-tsai", "demo-e-geng", "shareholding", 12),
    ("demo-p-li", "demo-e-geng", "seniorManagingOfficial", None),
]


def statements() -> list[dict[str, Any]]:
    numbers = _numbers()
    out = []
    i = 0
    for rid, name in ENTITIES:
        i += 1
        out.append(
            _statement(
                i,
                rid,
                "entity",
                {
                    "isComponent": False,
                    "entityType": {"type": "registeredEntity"},
                    "name": name,
                    "jurisdiction": {"code": "TW", "name": "Taiwan"},
                    "identifiers": [{"scheme": "TW-MOEA", "id": next(numbers)}],
                },
                rid,
            )
        )
    for rid, name, born in PEOPLE:
        i += 1
        out.append(
            _statement(
                i,
                rid,
                "person",
                {
                    "isComponent": False,
                    "personType": "knownPerson",
                    "names": [{"type": "legal", "fullName": name}],
                    "nationalities": [{"code": "TW", "name": "Taiwan"}],
                    "birthDate": born,
                },
                rid,
            )
        )
    for holder, subject, kind, share in LINKS:
        i += 1
        interest: dict[str, Any] = {
            "type": kind,
            "directOrIndirect": "direct",
            "beneficialOwnershipOrControl": holder.startswith("demo-p"),
        }
        if isinstance(share, tuple):
            interest["share"] = {"minimum": share[0], "maximum": share[1]}
        elif share is not None:
            interest["share"] = {"exact": share}
        out.append(
            _statement(
                i,
                f"demo-r-{holder}-{subject}-{kind}",
                "relationship",
                {
                    "isComponent": False,
                    "subject": subject,
                    "interestedParty": holder,
                    "interests": [interest],
                },
                subject,
            )
        )
    return out


def load(*, stdout: Any) -> None:
    """Import the demo register once, and let citizen1 declare for 乙科技."""
    stdout.write("ownership: beneficial-ownership register")
    if Party.objects.filter(record_id="demo-e-yi").exists():
        stdout.write("  already loaded")
        return
    users = get_user_model().objects
    aml = users.filter(email=f"aml@{DOMAIN}").first()
    if aml is None:
        stdout.write("  skipped: the demo AML reviewer (accounts demo) is missing")
        return
    text = json.dumps(statements(), ensure_ascii=False).encode()
    services.bods_import(actor=aml, stream=io.BytesIO(text), filename="demo-bods.json")
    subject = Party.objects.get(record_id="demo-e-yi")
    citizen = users.filter(email=f"citizen1@{DOMAIN}").first()
    if citizen is not None:
        services.representative_grant(actor=aml, user=citizen, party=subject)
        services.declaration_submit(
            actor=citizen,
            subject=subject,
            holder_kind="person",
            holder_name="周雅婷",
            interest_type="shareholding",
            share_exact="8",
            nationality="TW",
        )
    stdout.write(
        f"  {Party.objects.count()} parties: a chain (乙科技), a cycle (丁實業 ⇄ 戊貿易), "
        "fall-backs to control (己能源) and senior management (庚文化); "
        f"aml@{DOMAIN} sees the confidential register, citizen1@{DOMAIN} declares for 乙科技"
    )
