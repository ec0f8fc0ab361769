"""Demo data of political donations, run through the real import and services: a Big5 file
in the Control Yuan's 25-column format with Minguo dates and every kind of broken business
number, an older-layout file, a correction file (rows carrying 更正註記) and a correction list
(更正資料, one row per corrected field); elections with their vote dates; then
the verification rules, each of which fires at least once. Names are fictional. Idempotent.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.test.utils import override_settings

HEADER = (
    "序號,擬參選人／政黨,選舉名稱,申報序號／年度,交易日期,收支科目,捐贈者／支出對象,"
    "身分證／統一編號,收入金額,支出金額,捐贈方式,存入專戶日期,返還/繳庫,支出用途,金錢類,地址,"
    "聯絡電話,應揭露之支出對象,支出對象之內部人員姓名,支出對象之內部人員職稱,政黨之內部人員姓名,"
    "政黨之內部人員職稱,關係,更正註記,資料更正日期"
)
LEGISLATIVE = "2024年第11屆立法委員選舉"
PRESIDENTIAL = "2024年第16任總統副總統選舉"
ELECTIONS = {
    LEGISLATIVE: ("legislator", dt.date(2024, 1, 13)),
    PRESIDENTIAL: ("president", dt.date(2024, 1, 13)),
}
#: companies the donations demo adds to the registry: (number, name, registry fields)
COMPANIES = (
    ("91000009", "示範黨營投資股份有限公司", {"party_invested": True}),
    ("91000015", "示範外資科技股份有限公司", {"foreign_main_member": True}),
)
PERSONAL = "個人捐贈收入"
COMPANY = "營利事業捐贈收入"
PARTY = "政黨捐贈收入"
ANONYMOUS = "匿名捐贈收入"


def _row(
    line,
    recipient,
    election,
    filing,
    date,
    account,
    donor,
    donor_id,
    income,
    expense="",
    method="匯款",
    address="",
    correction="",
    corrected="",
):
    cells = [
        str(line),
        recipient,
        election,
        filing,
        date,
        account,
        donor,
        donor_id,
        str(income),
        str(expense),
        method,
        date,
        "",
        "",
        "是",
        address,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        correction,
        corrected,
    ]
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


def detail_rows() -> list[str]:
    """The 25-column file's rows."""
    wang, lee, chen, chang = "王小明", "李大華", "陳總統", "張小芬"
    L, P = LEGISLATIVE, PRESIDENTIAL
    rows = [
        _row(1, wang, L, "1", "1121001", COMPANY, "示範營造有限公司", "90000023", "1,000,001元"),
        _row(
            2,
            wang,
            L,
            "1",
            "112/10/02",
            COMPANY,
            "示範國家發展基金投資股份有限公司",
            "90000044",
            "50000",
        ),
        _row(3, wang, L, "1", "112/10/05", COMPANY, "示範黨營投資股份有限公司", "91000009", 20000),
        _row(4, wang, L, "1", "112/10/06", COMPANY, "示範外資科技股份有限公司", "91000015", 20000),
        _row(5, wang, L, "1", "112/10/07", COMPANY, "示範晶圓股份有限公司", "90000017", 30000),
        _row(6, wang, L, "1", "112/10/08", COMPANY, "示範零頭有限公司", "3100003", 10000),
        _row(7, wang, L, "1", "112/10/08", COMPANY, "示範遮蔽有限公司", "031*******", 10000),
        _row(8, wang, L, "1", "112/10/09", COMPANY, "示範九碼有限公司", "910000090", 10000),
        _row(9, wang, L, "1", "112/10/09", COMPANY, "示範錯碼有限公司", "91000100", 10000),
        _row(10, wang, L, "1", "112/10/10", ANONYMOUS, "匿名", "", 10001, method="現金"),
        _row(
            11,
            wang,
            L,
            "1",
            "1120101",
            PERSONAL,
            "林一",
            "A12345****",
            5000,
            address="臺北市中正區＊＊＊",
        ),
        _row(
            12,
            wang,
            L,
            "1",
            "112/11/01",
            PERSONAL,
            "陳二",
            "B22345****",
            100001,
            method="現金",
            address="臺北市大安區＊＊＊",
        ),
        _row(13, wang, L, "1", "112/11/05", PERSONAL, "許三", "C12345****", 99999),
        _row(14, wang, L, "1", "112/11/05", PERSONAL, "蔡四", "D12345****", 99999),
        _row(15, wang, L, "1", "112/11/06", PERSONAL, "鄭五", "H12345****", 99999),
        _row(
            16,
            wang,
            L,
            "1",
            "112/11/10",
            PERSONAL,
            "黃三",
            "E12345****",
            60000,
            address="新北市板橋區文化路一段＊＊＊",
        ),
        _row(
            17,
            wang,
            L,
            "1",
            "112/12/10",
            PERSONAL,
            "黃三",
            "E12345****",
            60000,
            address="新北市板橋區文化路1段＊＊＊",
        ),
        _row(18, wang, L, "1", "112/10/11", COMPANY, "示範控股股份有限公司", "90000001", 1000000),
        _row(
            19,
            wang,
            L,
            "1",
            "112/12/15",
            "宣傳支出",
            "示範印刷有限公司",
            "91000021",
            "",
            expense=100000,
        ),
        _row(1, lee, L, "2", "112/11/01", COMPANY, "示範營造有限公司", "90000023", 600000),
        _row(2, lee, L, "2", "112/11/02", COMPANY, "示範控股股份有限公司", "90000001", 600000),
        _row(3, lee, L, "2", "112/12/01", PARTY, "示範民主黨", "", 2000001),
        _row(4, lee, L, "2", "112/12/02", COMPANY, "示範貿易有限公司", "90000038", 300000),
        _row(
            1,
            chen,
            P,
            "3",
            "112/12/20",
            PERSONAL,
            "周四",
            "F12345****",
            100000,
            address="臺中市西屯區＊＊＊",
        ),
        _row(
            2,
            chen,
            P,
            "3",
            "113/01/05",
            PERSONAL,
            "周四",
            "F12345****",
            100000,
            address="臺中市西屯區＊＊＊",
        ),
        _row(3, chen, P, "3", "112/10/12", COMPANY, "示範控股股份有限公司", "90000001", 1000000),
        _row(1, "示範進步黨", "", "2024", "113/03/01", PERSONAL, "吳五", "G12345****", 300001),
        _row(1, "示範民主黨", "", "2024", "113/03/02", PERSONAL, "吳五", "G12345****", 300000),
        _row(
            2, "示範民主黨", "", "2024", "113/06/01", COMPANY, "示範貿易有限公司", "90000038", 60000
        ),
        _row(
            1, "示範民主黨", "", "2025", "114/03/01", COMPANY, "示範貿易有限公司", "90000038", 50000
        ),
        _row(1, chang, L, "4", "112/10/20", ANONYMOUS, "善心人士", "", 10000),
        _row(2, chang, L, "4", "112/10/21", ANONYMOUS, "善心人士", "", 10000),
        _row(3, chang, L, "4", "112/10/22", ANONYMOUS, "善心人士", "", 10000),
    ]
    for i in range(120):  # many small donations of one amount: the Benford screens notice
        rows.append(
            _row(
                4 + i,
                chen,
                P,
                "3",
                "112/06/01",
                PERSONAL,
                f"支持者{i:03d}",
                f"{'JKLMNPQRSTUVWXYZ'[i % 16]}{120000 + i}****",
                5000,
            )
        )
    return rows


OLDER_HEADER = (
    "候選人,序號,交易日期,收支科目,統一編號,捐贈者／支出對象,收入金額,支出金額,金錢類,地址"
)
OLDER_ROWS = ["張小芬,5,112/10/25,個人捐贈收入,K12345****,何六,20000,,是,高雄市＊＊＊"]
CORRECTION_ROWS = [
    _row(
        2,
        "王小明",
        LEGISLATIVE,
        "1",
        "112/10/02",
        COMPANY,
        "示範國家發展基金投資股份有限公司",
        "90000044",
        "55,000",
        correction="更正金額",
        corrected="1130601",
    ),
]


#: a correction list (更正資料) by field: the transaction, the column, 更正前, 更正後, the date
CORRECTION_LIST_HEADER = (
    "擬參選人／政黨,選舉名稱,申報序號／年度,序號,更正欄位,更正前,更正後,更正註記,資料更正日期"
)
CORRECTION_LIST_ROWS = [
    f"王小明,{LEGISLATIVE},1,1,地址,,臺北市信義區示範路1號,補正地址,1130715",
    f"張小芬,{LEGISLATIVE},,5,地址,高雄市＊＊＊,高雄市苓雅區＊＊＊,補正地址,1130715",
]


def big5(header: str, rows: list[str]) -> bytes:
    """A file as the Control Yuan publishes it: Big5, CRLF."""
    return ("\r\n".join([header, *rows]) + "\r\n").encode("cp950")


def _import(
    actor: Any, name: str, data: bytes, election: str, stdout: Any, *, corrections: bool = False
) -> None:
    from . import importer, services
    from .models import ImportRun

    if ImportRun.objects.filter(filename=name, state=ImportRun.State.SUCCEEDED).exists():
        return
    start = services.corrections_start if corrections else services.import_start
    with override_settings(DONATIONS_IMPORT_INLINE=True):
        run = start(actor=actor, filename=name, data=data, election_name=election)
    importer.import_execute(run.pk)
    run.refresh_from_db()
    stdout.write(f"  import {name}: {run.state} {run.message}")


#: a large public-works contract of a donor company, in performance while it donated
CONTRACT_OCID = "ocds-kj3ygj-demo-donations-1"


def contract_release() -> dict[str, Any]:
    """An OCDS award-and-contract release: 示範營造 builds a NT$300M road from 2023-06-01."""
    supplier = {"id": "TW-MOEA-90000023", "name": "示範營造有限公司"}
    value = {"amount": 300_000_000, "currency": "TWD"}
    return {
        "ocid": CONTRACT_OCID,
        "id": "award-1",
        "date": "2023-05-20T00:00:00+08:00",
        "tag": ["award", "contract"],
        "initiationType": "tender",
        "parties": [
            {"id": "A.1", "name": "示範市政府工務局", "roles": ["buyer", "procuringEntity"]},
            {
                **supplier,
                "roles": ["supplier", "tenderer"],
                "identifier": {
                    "scheme": "TW-MOEA",
                    "id": "90000023",
                    "legalName": supplier["name"],
                },
            },
        ],
        "buyer": {"id": "A.1", "name": "示範市政府工務局"},
        "tender": {
            "id": "demo-donations-t1",
            "title": "示範快速道路拓寬工程",
            "mainProcurementCategory": "works",
            "procurementMethod": "open",
        },
        "awards": [
            {
                "id": "demo-donations-a1",
                "status": "active",
                "date": "2023-05-20T00:00:00+08:00",
                "suppliers": [supplier],
                "value": value,
            }
        ],
        "contracts": [
            {
                "id": "demo-donations-c1",
                "awardID": "demo-donations-a1",
                "title": "示範快速道路拓寬工程",
                "status": "active",
                "value": value,
                "period": {
                    "startDate": "2023-06-01T00:00:00+08:00",
                    "endDate": "2025-06-30T23:59:59+08:00",
                },
            }
        ],
    }


def owner_release() -> dict[str, Any]:
    """A second contract, won by the donor company's parent (示範控股)."""
    release = contract_release()
    text = json.dumps(release, ensure_ascii=False)
    text = text.replace("TW-MOEA-90000023", "TW-MOEA-90000001").replace('"90000023"', '"90000001"')
    text = text.replace("示範營造有限公司", "示範控股股份有限公司").replace(
        "demo-donations", "demo-donations-2"
    )
    text = text.replace("示範快速道路拓寬工程", "示範智慧路燈維護服務").replace(
        '"works"', '"services"'
    )
    release = json.loads(text)
    release["ocid"] = OWNER_CONTRACT_OCID
    return release


OWNER_CONTRACT_OCID = "ocds-kj3ygj-demo-donations-2"
_PUB = {
    "publicationDate": "2024-01-01",
    "bodsVersion": "0.4",
    "publisher": {"name": "opengov 示範"},
}


def _statement(i: int, rid: str, rtype: str, details: dict[str, Any], subject: str) -> dict:
    return {
        "statementId": f"demo-donations-{i:04d}-0000-0000-000000000000",
        "declarationSubject": subject,
        "statementDate": "2024-01-01",
        "recordId": rid,
        "recordType": rtype,
        "recordStatus": "new",
        "recordDetails": details,
        "publicationDetails": _PUB,
        "source": {"type": ["officialRegister"]},
    }


def ownership_statements() -> list[dict[str, Any]]:
    """BODS 0.4: 林示範 holds 60 % of 示範控股, which holds 70 % of 示範營造."""
    entities = [
        ("demo-don-e-build", "示範營造有限公司", "90000023"),
        ("demo-don-e-holding", "示範控股股份有限公司", "90000001"),
    ]
    out = []
    for i, (rid, name, number) in enumerate(entities, 1):
        details = {
            "isComponent": False,
            "entityType": {"type": "registeredEntity"},
            "name": name,
            "jurisdiction": {"code": "TW", "name": "Taiwan"},
            "identifiers": [{"scheme": "TW-MOEA", "id": number}],
        }
        out.append(_statement(i, rid, "entity", details, rid))
    person = {
        "isComponent": False,
        "personType": "knownPerson",
        "names": [{"type": "legal", "fullName": "林示範"}],
        "nationalities": [{"code": "TW", "name": "Taiwan"}],
    }
    out.append(_statement(3, "demo-don-p-lin", "person", person, "demo-don-e-holding"))
    for i, (holder, subject, share) in enumerate(
        (
            ("demo-don-p-lin", "demo-don-e-holding", 60),
            ("demo-don-e-holding", "demo-don-e-build", 70),
        ),
        4,
    ):
        interest = {
            "type": "shareholding",
            "directOrIndirect": "direct",
            "beneficialOwnershipOrControl": holder.startswith("demo-don-p"),
            "share": {"exact": share},
        }
        details = {
            "isComponent": False,
            "subject": subject,
            "interestedParty": holder,
            "interests": [interest],
        }
        out.append(
            _statement(i, f"demo-don-r-{holder}-{subject}", "relationship", details, subject)
        )
    return out


def _ownership(actor: Any) -> None:
    from opengov.ownership import selectors as ownership_selectors
    from opengov.ownership import services as ownership_services

    if ownership_selectors.entities("90000023").exists():
        return
    text = json.dumps(ownership_statements(), ensure_ascii=False).encode()
    ownership_services.bods_import(
        actor=actor, stream=io.BytesIO(text), filename="demo-donations-bods.json"
    )


def _procurement(actor: Any) -> None:
    from django.apps import apps

    if not apps.is_installed("opengov.procurement"):
        return
    from opengov.procurement import selectors as procurement_selectors
    from opengov.procurement import services as procurement_services

    if procurement_selectors.record_by_ocid(CONTRACT_OCID) is None:
        procurement_services.releases_store(
            actor=actor, releases=[contract_release(), owner_release()], source="donations demo"
        )


def _registry(actor: Any) -> None:
    from opengov.registry import selectors as registry_selectors
    from opengov.registry import services as registry_services

    for number, name, fields in COMPANIES:
        org = registry_selectors.organisation_by_business_number(number)
        if org is None:
            org = registry_services.organisation_resolve(
                actor=actor, business_number=number, name=name, context="donations demo"
            )
        registry_services.organisation_update(actor=actor, organisation=org, **fields)


def load(*, stdout: Any) -> None:
    """Import the demo filings, date the elections and run the verification rules."""
    from opengov.accounts.models import User

    from . import services
    from .models import Election

    stdout.write("donations: demo filings and findings")
    actor = (
        User.objects.filter(is_moderator=True, is_active=True).order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    if actor is None:
        stdout.write("  skipped: no operator (load the accounts demo first)")
        return
    _registry(actor)
    _procurement(actor)
    _ownership(actor)
    _import(actor, "demo-cy-detail.csv", big5(HEADER, detail_rows()), "", stdout)
    _import(actor, "demo-cy-older.csv", big5(OLDER_HEADER, OLDER_ROWS), LEGISLATIVE, stdout)
    _import(actor, "demo-cy-correction.csv", big5(HEADER, CORRECTION_ROWS), "", stdout)
    _import(
        actor,
        "demo-cy-correction-list.csv",
        big5(CORRECTION_LIST_HEADER, CORRECTION_LIST_ROWS),
        "",
        stdout,
        corrections=True,
    )
    for name, (office, vote) in ELECTIONS.items():
        election = Election.objects.filter(name=name).first()
        if election is not None and election.vote_date != vote:
            services.election_update(actor=actor, election=election, office=office, vote_date=vote)
    counts = services.findings_refresh(actor=actor)
    stdout.write(f"  findings: {counts}")
