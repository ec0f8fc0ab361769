"""Demo data of procurement, run through the real services: contracting processes as OCDS
releases (an ordinary population, and processes built to raise each red flag of the engine),
two PCC notices in their "section:field" form, a large-procurement works contract held by the
registry's demo builder (for the donations screen), the red flags run over all of it, and an
integrity-platform project with milestones, monitors' notes and a question answered.

The companies and agencies are fictional. Idempotent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from opengov.core.identifiers import business_number_ok

PREFIX = "ocds-kj3ygj"
DEMO = f"{PREFIX}-demo"
DOMAIN = "demo.opengov.tw"

#: the registry demo's companies (registry.demo.COMPANIES) that take part here
BUILD = "90000023"  # 示範營造: shares the address of 示範控股 and a director (R044)
HOLDING = "90000001"  # 示範控股

BUYERS = [
    ("3.80.11", "臺北市政府工務局"),
    ("3.13.30", "交通部公路局"),
    ("3.15.2", "經濟部水利署"),
    ("3.79.5", "新北市政府養護工程處"),
    ("3.76.47", "高雄市政府工務局"),
    ("3.82.3", "臺中市政府建設局"),
    ("3.10.4", "衛生福利部"),
]
SUSPICIOUS_BUYER = ("3.99.1", "示範鄉公所")


def _numbers(count: int, start: int = 91000000) -> list[str]:
    """`count` valid fictional business numbers from `start` on."""
    found = []
    n = start
    while len(found) < count:
        if business_number_ok(str(n)):
            found.append(str(n))
        n += 1
    return found


_N = _numbers(40)
REGULAR = {
    f"S{i}": (_N[i], f"示範{name}股份有限公司")
    for i, name in enumerate(("土木", "機電", "資訊", "顧問", "建材", "環境", "交通"), start=1)
}
VARIED = ("H", (_N[10], "示範萬事通有限公司"))  # R048: many unrelated classes
LOSER = ("L", (_N[11], "示範陪標企業社"))  # R025: bids everywhere, rarely wins
ROTA = {k: (_N[12 + i], f"示範輪流{k}有限公司") for i, k in enumerate("ABC")}  # i083
OTHERS = {
    k: (_N[15 + i], f"示範{name}有限公司")
    for i, (k, name) in enumerate(
        (
            ("P", "同價甲"),
            ("Q", "同價乙"),
            ("D1", "失格甲"),
            ("D2", "失格乙"),
            ("D3", "失格丙"),
            ("T1", "同電話甲"),
            ("T2", "同電話乙"),
            ("F", "熟客"),
            ("G", "直接"),
            ("E", "估價"),
        )
    )
}
SMALL = {f"M{i}": (_N[25 + i], f"示範中小企業{i}號") for i in range(1, 13)}  # ordinary rivals
PHONE = "(02)2700-1234"
CLASSES = ("45", "72", "43", "81", "77", "80", "22")  # first level (CPV-like), by supplier


def _org(key: str) -> tuple[str, str]:
    for table in (REGULAR, ROTA, OTHERS, SMALL):
        if key in table:
            return table[key]
    if key == "H":
        return VARIED[1]
    if key == "L":
        return LOSER[1]
    if key == "BUILD":
        return BUILD, "示範營造有限公司"
    if key == "HOLDING":
        return HOLDING, "示範控股股份有限公司"
    raise KeyError(key)


def _pid(key: str) -> str:
    return f"TW-MOEA-{_org(key)[0]}"


def _party(key: str, roles: list[str]) -> dict[str, Any]:
    number, name = _org(key)
    party: dict[str, Any] = {
        "id": _pid(key),
        "name": name,
        "identifier": {"scheme": "TW-MOEA", "id": number, "legalName": name},
        "roles": roles,
    }
    if key in ("T1", "T2"):
        party["contactPoint"] = {"telephone": PHONE}
    return party


def _day(base: dt.date, days: int) -> str:
    return f"{(base + dt.timedelta(days=days)).isoformat()}T09:00:00+08:00"


def process(
    n: str,
    *,
    buyer: tuple[str, str],
    winner: str | None,
    bids: list[tuple[str, float, str]],  # (company key, amount, status)
    opened: dt.date,
    period_days: int = 30,
    method: str = "open",
    category: str = "works",
    estimate: float | None = None,
    classes: tuple[str, ...] = ("45",),
    title: str = "",
    late: str | None = None,
    award_amount: float | None = None,
    performance_days: int = 365,
) -> dict[str, Any]:
    """One process as a single release (tender, bids, award and contract)."""
    ocid = f"{DEMO}-{n}"
    end = opened + dt.timedelta(days=period_days)
    awarded = end + dt.timedelta(days=10)
    buyer_id = f"TW-PCC-UNIT-{buyer[0]}"
    keys = {k for k, _a, _s in bids} | ({winner} if winner else set())
    parties = [
        {
            "id": buyer_id,
            "name": buyer[1],
            "identifier": {"scheme": "TW-PCC-UNIT", "id": buyer[0], "legalName": buyer[1]},
            "roles": ["buyer", "procuringEntity"],
        }
    ]
    for key in sorted(keys):
        roles = ["tenderer"] + (["supplier"] if key == winner else [])
        parties.append(_party(key, roles))
    winning = next((a for k, a, s in bids if k == winner), award_amount)
    amount = award_amount if award_amount is not None else winning
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-1",
        "date": _day(awarded, 0),
        "tag": ["tender", "award", "contract"],
        "initiationType": "tender",
        "parties": parties,
        "buyer": {"id": buyer_id, "name": buyer[1]},
        "tender": {
            "id": f"{ocid}-tender",
            "title": title or f"示範採購案 {n}",
            "status": "complete",
            "procurementMethod": method,
            "procurementMethodDetails": {
                "open": "公開招標",
                "selective": "選擇性招標",
                "limited": "限制性招標",
                "direct": "限制性招標(未經公開評選或公開徵求)",
            }[method],
            "mainProcurementCategory": category,
            "tenderPeriod": {"startDate": _day(opened, 0), "endDate": _day(end, 0)},
            "items": [
                {"id": str(i + 1), "classification": {"scheme": "CPV", "id": f"{c}000000"}}
                for i, c in enumerate(classes)
            ],
        },
        "bids": {
            "details": [
                {
                    "id": f"{ocid}-bid-{i + 1}",
                    "date": late
                    if (late and k == winner)
                    else _day(opened, min(5, period_days - 1)),
                    "status": status,
                    "tenderers": [{"id": _pid(k), "name": _org(k)[1]}],
                    "value": {"amount": a, "currency": "TWD"},
                }
                for i, (k, a, status) in enumerate(bids)
            ]
        },
    }
    if estimate is not None:
        release["tender"]["value"] = {"amount": estimate, "currency": "TWD"}
    if winner:
        release["awards"] = [
            {
                "id": f"{ocid}-award",
                "status": "active",
                "date": _day(awarded, 0),
                "value": {"amount": amount, "currency": "TWD"},
                "suppliers": [{"id": _pid(winner), "name": _org(winner)[1]}],
                "items": [
                    {"id": str(i + 1), "classification": {"scheme": "CPV", "id": f"{c}000000"}}
                    for i, c in enumerate(classes)
                ],
            }
        ]
        start = awarded + dt.timedelta(days=15)
        release["contracts"] = [
            {
                "id": f"{ocid}-contract",
                "awardID": f"{ocid}-award",
                "title": title or f"示範採購案 {n}",
                "status": "active",
                "value": {"amount": amount, "currency": "TWD"},
                "dateSigned": _day(start, -1),
                "period": {
                    "startDate": _day(start, 0),
                    "endDate": _day(start, performance_days),
                },
            }
        ]
    return release


def population() -> list[dict[str, Any]]:
    """Ordinary processes: each regular supplier wins 20 (and the varied one 20), with two
    losing bids 5–8 % and 11–14 % above, now and then a disqualified highest bid; the loser
    bids in many and wins one. They give the fences (quartiles) something to compare."""
    releases = []
    base = dt.date(2021, 1, 4)
    keys = list(REGULAR)
    count = 0
    for s_index, supplier in enumerate([*keys, "H"]):
        for j in range(20):
            count += 1
            others = [k for k in keys if k != supplier]
            second = others[(j + s_index) % len(others)]
            third = "L" if count % 3 == 0 else others[(j + s_index + 3) % len(others)]
            amount = 1_000_000 + 37_013 * ((count * 7) % 23) + 1_009 * j
            diff2 = 0.05 + 0.0031 * ((count * 5) % 11)
            diff3 = 0.11 + 0.0029 * ((count * 3) % 13)
            status3 = "disqualified" if count % 4 == 0 else "valid"
            classes = (
                (CLASSES[s_index],)
                if supplier != "H"
                else (f"{10 + (j % 14)}",)  # many unrelated first-level classes
            )
            releases.append(
                process(
                    f"p{count:03d}",
                    buyer=BUYERS[(count * 3 + j) % len(BUYERS)],
                    winner=supplier,
                    bids=[
                        (supplier, amount, "valid"),
                        (second, round(amount * (1 + diff2)), "valid"),
                        (third, round(amount * (1 + diff3)), status3),
                    ],
                    opened=base + dt.timedelta(days=11 * count),
                    category=("works", "goods", "services")[count % 3],
                    estimate=round(amount * 1.12),
                    classes=classes,
                )
            )
    # the loser wins once (R025: many bids, a win ratio far below the others')
    releases.append(
        process(
            "p-loser-win",
            buyer=BUYERS[0],
            winner="L",
            bids=[("L", 880_000, "valid"), ("S1", 936_001, "valid"), ("S2", 990_017, "valid")],
            opened=dt.date(2025, 3, 3),
            estimate=1_000_000,
        )
    )
    for j in range(12):  # and loses a dozen more
        amount = 700_000 + 10_007 * j
        releases.append(
            process(
                f"p-loser-{j:02d}",
                buyer=BUYERS[(j + 2) % len(BUYERS)],
                winner=keys[j % len(keys)],
                bids=[
                    (keys[j % len(keys)], amount, "valid"),
                    ("L", round(amount * 1.0613), "valid"),
                ],
                opened=dt.date(2025, 1, 6) + dt.timedelta(days=9 * j),
                estimate=round(amount * 1.13),
                classes=(CLASSES[j % len(keys)],),
            )
        )
    # small companies that meet in threes and each win one in three
    small = list(SMALL)
    for k in range(len(small)):
        trio = [small[(k + i) % len(small)] for i in range(3)]
        amount = 400_000 + 9_973 * k
        releases.append(
            process(
                f"m{k + 1:02d}",
                buyer=BUYERS[(k + 4) % len(BUYERS)],
                winner=trio[0],
                bids=[
                    (trio[0], amount, "valid"),
                    (trio[1], round(amount * 1.0531), "valid"),
                    (trio[2], round(amount * 1.1173), "valid"),
                ],
                opened=dt.date(2024, 9, 2) + dt.timedelta(days=13 * k),
                estimate=round(amount * 1.14),
                classes=("50",),
                category="services",
            )
        )
    return releases


def flagged() -> list[dict[str, Any]]:
    """Processes built to raise each flag (the comment names it)."""
    d = dt.date(2025, 6, 2)
    b0, b1, b2 = BUYERS[0], BUYERS[1], BUYERS[2]
    out = [
        # R003 short submission period: 6 days
        process(
            "r003",
            buyer=b0,
            winner="S1",
            period_days=6,
            opened=d,
            estimate=2_000_000,
            bids=[("S1", 1_500_000, "valid"), ("S2", 1_583_117, "valid")],
            title="短等標期之路燈維護",
        ),
        # R018 a single bid in an open procedure
        process(
            "r018",
            buyer=b1,
            winner="S2",
            opened=d,
            estimate=3_000_000,
            bids=[("S2", 2_480_000, "valid")],
            title="僅一家投標之橋梁檢測",
        ),
        # R024 the second-lowest bid 0.2 % above the winner's
        process(
            "r024",
            buyer=b2,
            winner="S3",
            opened=d,
            estimate=5_000_000,
            bids=[("S3", 4_300_000, "valid"), ("S4", 4_308_600, "valid")],
            title="次低標價差極小之資訊系統",
        ),
        # R058 the winner 45 % below the next bid
        process(
            "r058",
            buyer=b0,
            winner="S4",
            opened=d,
            estimate=9_000_000,
            bids=[("S4", 5_000_000, "valid"), ("S5", 7_250_000, "valid")],
            title="低價搶標之污水下水道",
        ),
        # R028 two tenderers with the same price
        process(
            "r028",
            buyer=b1,
            winner="S5",
            opened=d,
            estimate=2_200_000,
            bids=[("S5", 1_900_000, "valid"), ("P", 2_010_000, "valid"), ("Q", 2_010_000, "valid")],
            title="同價投標之校舍修繕",
        ),
        # R030 the winner's bid arrived after the deadline
        process(
            "r030",
            buyer=b2,
            winner="S6",
            opened=d,
            period_days=20,
            late=_day(d, 23),
            estimate=4_000_000,
            bids=[("S6", 3_500_000, "valid"), ("S7", 3_713_019, "valid")],
            title="逾時投標得標之堤防工程",
        ),
        # R035 every bid but the winner's disqualified
        process(
            "r035",
            buyer=b0,
            winner="S7",
            opened=d,
            estimate=6_000_000,
            bids=[
                ("S7", 5_400_000, "valid"),
                ("S1", 5_301_007, "disqualified"),
                ("S2", 5_351_003, "disqualified"),
            ],
            title="他家全遭淘汰之號誌更新",
        ),
        # R036 the lowest bid disqualified while the award stands
        process(
            "r036",
            buyer=b1,
            winner="S1",
            opened=d,
            estimate=7_000_000,
            bids=[
                ("S1", 6_500_000, "valid"),
                ("S3", 6_100_000, "disqualified"),
                ("S4", 6_870_011, "valid"),
            ],
            title="最低標遭淘汰之隧道照明",
        ),
        # i085 two bids exactly 5 % apart
        process(
            "i085",
            buyer=b2,
            winner="S2",
            opened=d,
            estimate=1_500_000,
            bids=[("S2", 1_234_567, "valid"), ("S3", 1_296_295.35, "valid")],
            title="報價恰差百分之五之設備採購",
            category="goods",
        ),
        # i171 the award within 0.3 % of the estimate
        process(
            "i171",
            buyer=b0,
            winner="E",
            opened=d,
            estimate=8_000_000,
            bids=[("E", 7_980_000, "valid"), ("S6", 8_476_003, "valid")],
            title="決標金額貼近預算之清潔勞務",
            category="services",
        ),
        # R044 two tenderers sharing an address and a director in the registry (示範營造,
        # 示範控股), and two sharing a telephone number
        process(
            "r044",
            buyer=b1,
            winner="BUILD",
            opened=d,
            estimate=30_000_000,
            bids=[
                ("BUILD", 27_000_000, "valid"),
                ("HOLDING", 28_413_003, "valid"),
                ("S1", 29_100_007, "valid"),
            ],
            title="投標廠商地址相同之道路拓寬",
        ),
        process(
            "r044-phone",
            buyer=b2,
            winner="T1",
            opened=d,
            estimate=3_300_000,
            bids=[("T1", 3_000_000, "valid"), ("T2", 3_170_011, "valid")],
            title="投標廠商電話相同之景觀工程",
        ),
        # large procurement (巨額採購): works of NT$250 million by 示範營造, in performance
        # from 2025 to 2027 (the donations screen finds it)
        process(
            "large",
            buyer=BUYERS[2],
            winner="BUILD",
            opened=dt.date(2025, 1, 6),
            estimate=280_000_000,
            performance_days=900,
            bids=[("BUILD", 250_000_000, "valid"), ("S1", 263_117_000, "valid")],
            title="示範滯洪池新建工程",
        ),
    ]
    # R038 a buyer that disqualifies most bids, twice; D1 and D2 disqualified both times
    for i in range(2):
        out.append(
            process(
                f"r038-{i}",
                buyer=SUSPICIOUS_BUYER,
                winner="S5",
                opened=d + dt.timedelta(days=40 * i),
                estimate=1_200_000,
                bids=[
                    ("S5", 1_000_000 + i * 7, "valid"),
                    ("D1", 1_043_001, "disqualified"),
                    ("D2", 1_077_013, "disqualified"),
                    ("D3", 1_090_111, "disqualified"),
                ],
                title=f"多數投標遭淘汰之零星工程 {i + 1}",
            )
        )
    # i077 four awards to one supplier from one buyer within a year
    for i in range(4):
        out.append(
            process(
                f"i077-{i}",
                buyer=BUYERS[3],
                winner="F",
                opened=d + dt.timedelta(days=60 * i),
                estimate=900_000,
                bids=[("F", 800_000 + 1_013 * i, "valid"), ("S6", 861_107 + 997 * i, "valid")],
                title=f"同一廠商連續得標之維護案 {i + 1}",
            )
        )
    # i083 the same three bidders take turns winning
    for i, winner in enumerate("ABC"):
        amounts = {k: 1_000_000 + 53_011 * ((j - i) % 3) for j, k in enumerate("ABC")}
        out.append(
            process(
                f"i083-{i}",
                buyer=BUYERS[4],
                winner=winner,
                opened=d + dt.timedelta(days=30 * i),
                estimate=1_250_000,
                bids=[(k, amounts[k], "valid") for k in "ABC"],
                title=f"三家輪流得標之清運 {i + 1}",
            )
        )
    # i180 two non-competitive awards to one supplier from one buyer within three years
    for i, method in enumerate(("direct", "limited")):
        out.append(
            process(
                f"i180-{i}",
                buyer=BUYERS[5],
                winner="G",
                method=method,
                opened=dt.date(2024, 3, 4) + dt.timedelta(days=200 * i),
                estimate=1_800_000,
                bids=[("G", 1_650_000 + 10_001 * i, "valid")],
                title=f"限制性招標重複委託 {i + 1}",
            )
        )
    return out


PCC_NOTICES = [
    {
        "機關資料:機關代碼": "3.80.11",
        "機關資料:機關名稱": "臺北市政府工務局",
        "採購資料:標案案號": "DEMO-113-001",
        "採購資料:標案名稱": "示範公園 人行步道改善工程",
        "採購資料:標的分類": "<工程類>513 土木工程及建築物",
        "採購資料:預算金額": "3,200,000元",
        "招標資料:招標方式": "公開招標",
        "招標資料:公告日": "113/05/07",
        "領投開標:截止投標": "113/05/28 17:00",
    },
    {
        "機關資料:機關代碼": "3.80.11",
        "機關資料:機關名稱": "臺北市政府工務局",
        "已公告資料:標案案號": "DEMO-113-001",
        "已公告資料:標案名稱": "示範公園 人行步道改善工程",
        "已公告資料:標的分類": "<工程類>513 土木工程及建築物",
        "已公告資料:招標方式": "公開招標",
        "投標廠商:投標廠商家數": "2",
        "投標廠商:投標廠商1:廠商代碼": BUILD,
        "投標廠商:投標廠商1:廠商名稱": "示範營造有限公司",
        "投標廠商:投標廠商1:是否得標": "是",
        "投標廠商:投標廠商2:廠商代碼": _N[1],
        "投標廠商:投標廠商2:廠商名稱": "示範土木股份有限公司",
        "投標廠商:投標廠商2:是否得標": "否",
        "決標品項:第1品項:得標廠商1:得標廠商": "示範營造有限公司",
        "決標品項:第1品項:得標廠商1:決標金額": "2,980,000元",
        "決標品項:第1品項:未得標廠商1:未得標廠商": "示範土木股份有限公司",
        "決標品項:第1品項:未得標廠商1:標價金額": "3,150,000元",
        "決標資料:決標日期": "113/06/11",
        "決標資料:決標公告日期": "113/06/13",
        "決標資料:總決標金額": "2,980,000元",
        "決標資料:履約起迄日期": "113/07/01-113/12/31",
    },
]


def releases() -> list[dict[str, Any]]:
    """Every demo release."""
    return [*population(), *flagged()]


def load(*, stdout: Any) -> None:
    """Store the demo processes, run the red flags, and set up an integrity project."""
    from opengov.accounts import selectors as account_selectors

    from . import services
    from .models import IntegrityProject, Record

    stdout.write("procurement: contracting processes, red flags, an integrity project")
    users = get_user_model().objects
    pcc = users.filter(email=f"official.pcc@{DOMAIN}").first()
    aac = users.filter(email=f"official.aac@{DOMAIN}").first()
    if pcc is None or aac is None:
        stdout.write("  skipped: the PCC and AAC officials (accounts demo) are missing")
        return
    if not Record.objects.filter(ocid__startswith=DEMO).exists():
        services.releases_store(actor=pcc, releases=releases(), source="demo")
        services.notices_import(actor=pcc, notices=PCC_NOTICES, source="demo")
        services.parties_link(actor=pcc)
        hits = services.flags_refresh(actor=pcc)
        stdout.write(f"  {Record.objects.count()} processes, {hits} red flags")
    else:
        stdout.write("  processes already loaded")
    if IntegrityProject.objects.filter(slug="demo-detention-pond").exists():
        return
    agency = account_selectors.agency_by_code("moea") or account_selectors.agency_by_code("pcc")
    project = services.project_create(
        actor=aac,
        slug="demo-detention-pond",
        title="示範滯洪池新建工程",
        agency=agency,
        summary=(
            "廉政署、檢察署、審計部、工程會與公民團體共同關注之重大工程。"
            "This major works contract is followed on the procurement integrity platform."
        ),
        budget=280_000_000,
        ocids=[f"{DEMO}-large", f"{DEMO}-r044"],
        published=True,
    )
    citizen = users.filter(email=f"citizen1@{DOMAIN}").first()
    monitor = users.filter(email=f"citizen5@{DOMAIN}").first()
    if monitor is not None:
        services.monitor_add(
            actor=aac,
            project=project,
            user=monitor,
            role="civil_society",
            organisation="示範監督聯盟",
        )
        services.note_add(actor=monitor, project=project, body="第一次工地訪視：進度符合預定。")
    services.milestone_add(
        actor=aac,
        project=project,
        title="決標",
        due_on=dt.date(2025, 2, 15),
        done_on=dt.date(2025, 2, 15),
    )
    services.milestone_add(
        actor=aac, project=project, title="主體工程完工", due_on=dt.date(2027, 6, 30)
    )
    if citizen is not None:
        question = services.question_ask(
            actor=citizen, project=project, body="請問本案是否有履約保證金？"
        )
        services.question_answer(
            actor=aac, question=question, answer="有，依契約第十四條繳納履約保證金。"
        )
    stdout.write("  integrity project demo-detention-pond with a monitor, milestones and a Q&A")
