"""Demo data of referendums: a case at each stage of its legal life, run through the real
services with the clock set back, with real certificate signatures from a demonstration CA
(its CRL and OCSP responder run on 127.0.0.1 while the demo loads) and paper roster entries.

So that a demo needs no hundreds of thousands of people, the cases are opened with the
electorate set to 200 (1 proposer, 3 signatures needed; stored on each case and shown on its
page). The demonstration CA's root is not trusted by the running platform: signing the demo
cases for real needs `REFERENDUM_TRUST_ROOTS`. Idempotent; skipped without the accounts demo.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test.utils import override_settings

from opengov.core import clock
from opengov.core.identifiers import national_id_check_digit

DOMAIN = "demo.opengov.tw"
DEMO_ELECTORATE = 200

# (stage to reach, lead citizen, main text, reasons)
CASES: list[tuple[str, str, str, str]] = [
    (
        "proposal",
        "citizen1",
        "你是否同意國家應設立氣候變遷調適基金？",
        "極端氣候造成的災損逐年增加，設立專責基金可穩定支應調適工程與受災補償。",
    ),
    (
        "review",
        "citizen2",
        "你是否同意原住民族語言列為國家考試選考科目？",
        "推動語言復振，讓族語能力在公職體系中被看見。",
    ),
    (
        "correction",
        "citizen3",
        "你是否同意全面禁止一次性塑膠餐具？",
        "減少海洋塑膠垃圾；主文範圍待中選會確認。",
    ),
    (
        "awaiting_code",
        "citizen4",
        "你是否同意公共運輸票價由中央統一補貼？",
        "縮小城鄉交通負擔差距。",
    ),
    (
        "collecting",
        "citizen5",
        "你是否同意擴大公民投票電子連署至地方性公投？",
        "電子連署降低參與成本，並可透過公開的日誌讓任何人驗證連署人數。",
    ),
    (
        "checking",
        "citizen1",
        "你是否同意政府資料預設開放並以開放授權釋出？",
        "資料開放促進創新與監督。",
    ),
    (
        "top_up",
        "citizen2",
        "你是否同意設立國家人權博物館分館於東部？",
        "讓東部民眾就近認識人權歷史。",
    ),
    (
        "established",
        "citizen3",
        "你是否同意國中小營養午餐由中央全額補助？",
        "減輕家庭負擔並確保學童營養。",
    ),
    ("not_established", "citizen4", "你是否同意廢除機車兩段式左轉規定？", "提升機車通行效率。"),
    ("abandoned", "citizen5", "你是否同意每年增加一天國定假日？", "增進勞工休息權益。"),
    ("rejected", "citizen1", "你是否同意本案？", "主文不明確，僅供示範駁回。"),
]


def demo_id(n: int) -> str:
    """A valid national ID number for demonstration signer number `n`."""
    prefix = f"F2{n:07d}"
    return prefix + national_id_check_digit(prefix)


def _user(User: Any, name: str):
    return User.objects.filter(email=f"{name}@{DOMAIN}").first()


def load(*, stdout) -> None:
    """Create the demo cases once (skipped when they, or the accounts demo, exist)."""
    from django.contrib.auth import get_user_model

    from .models import Case

    User = get_user_model()
    citizens = {f"citizen{i}": _user(User, f"citizen{i}") for i in range(1, 6)}
    official = _user(User, "official.cec")
    if not all(citizens.values()) or official is None:
        stdout.write("  referendums: accounts demo not loaded, skipped")
        return
    if Case.objects.filter(main_text=CASES[0][2]).exists():
        stdout.write("  referendums: demo already loaded")
        return
    from .testpki import LocalCA

    real_now = clock.now()
    ca = LocalCA(now=clock.now, name="opengov demonstration citizen CA").start()
    try:
        with override_settings(
            OPENGOV_JURISDICTION_OVERRIDES={
                "referendums": {"last_presidential_electorate": DEMO_ELECTORATE}
            },
            REFERENDUM_AGENCY_CODES=("cec",),
        ):
            _load(ca, citizens, official, real_now, stdout)
    finally:
        clock.set_now(None)
        ca.stop()


class _Signer:
    def __init__(self, ca: Any) -> None:
        self.ca = ca
        self.next = 1

    def sign(self, case: Any, stage: str) -> None:
        from . import services

        n = self.next
        self.next += 1
        holder = self.ca.issue(demo_id(n))
        package = holder.package(case_id=str(case.public_id), stage=stage, when=clock.now())
        services.signature_submit(
            actor=None, case=case, package=package, roots=[self.ca.root_der()]
        )


def _load(ca: Any, citizens: dict, official: Any, now: dt.datetime, stdout) -> None:
    from . import services

    signer = _Signer(ca)
    roll_rows = ["national_id,birth_date,registered_since,under_guardianship,national"]
    for n in range(1, 80):
        guardian = "true" if n % 23 == 0 else "false"
        roll_rows.append(f"{demo_id(n)},1975-05-0{1 + n % 9},2001-02-03,{guardian},true")

    def at(days_ago: float) -> None:
        clock.set_now(now - dt.timedelta(days=days_ago))

    # one voter roll (everyone on it is eligible on any day the demo uses), for every
    # household check of proposers (Art. 10) and signers (Art. 13)
    at(400)
    services.roll_import(
        actor=official, data="\n".join(roll_rows) + "\n", reference_date=clock.today()
    )
    for index, (stage, lead_name, main_text, reasons) in enumerate(CASES):
        lead = citizens[lead_name]
        start = 400 if stage in ("established", "not_established", "abandoned") else 120
        at(start)
        case = services.case_create(
            actor=lead, main_text=main_text, reasons=reasons, national_id=demo_id(500 + index)
        )
        signer.sign(case, "proposal")
        if stage == "proposal":
            continue
        at(start - 2)
        case = services.case_file(actor=lead, case=case)
        if stage == "review":
            continue
        at(start - 20)
        if stage == "correction":
            clock.set_now(now - dt.timedelta(days=5))
            services.case_request_correction(
                actor=official, case=case, note="主文請限於單一議題，並明確敘述。"
            )
            continue
        if stage == "rejected":
            services.case_decide(
                actor=official, case=case, approve=False, note="主文不明確，無法使投票人理解。"
            )
            continue
        # the household offices check the proposers before the CEC approves (Art. 10)
        case = services.case_check_proposers(actor=official, case=case)
        if stage == "abandoned":
            services.case_decide(actor=official, case=case, approve=True)
            at(start - 40)
            services.case_settle(case=case)
            continue
        if stage == "awaiting_code":
            at(3)
        case = services.case_decide(actor=official, case=case, approve=True)
        if stage == "awaiting_code":
            continue
        at(start - 22)
        case = services.case_collect_code(actor=lead, case=case)
        if stage == "collecting":
            at(10)
        else:
            at(start - 30)
        signers = {"top_up": 2, "not_established": 2}.get(stage, 3)
        for _ in range(signers):
            signer.sign(case, "petition")
        first = signer.next
        paper = "national_id,signed_on,page\n" + "".join(
            f"{demo_id(first + k)},{clock.today().isoformat()},{k + 1}\n" for k in range(2)
        )
        paper += f"{demo_id(first - 1)},{clock.today().isoformat()},9\n"  # also signed online
        signer.next += 2
        services.paper_entries_add(actor=official, case=case, data=paper)
        services.checkpoint_publish(case=case)
        if stage == "collecting":
            continue
        at(10 if stage == "checking" else start - 60)
        case = services.case_submit(actor=lead, case=case)
        if stage == "checking":
            continue
        at(5 if stage == "top_up" else start - 70)
        short = {demo_id(first): "forged", demo_id(first + 1): "particulars_wrong"}
        case = services.case_check(
            actor=official,
            case=case,
            deletions=short if stage in ("top_up", "not_established") else {},
        )
        services.checkpoint_publish(case=case)
        if stage == "not_established":
            at(start - 110)
            services.case_settle(case=case)
        stdout.write(f"  referendum case at stage {stage}")
    clock.set_now(None)
    stdout.write("  referendums: demo cases loaded")
