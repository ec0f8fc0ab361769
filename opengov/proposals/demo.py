"""Demo data of proposals: a handful of realistic proposals in Chinese, one in each state
(open, awaiting response, extended, overdue, responded, failed, rejected, in review), run
through the real services with the clock set back. Idempotent; skips quietly when the
accounts demo (agencies, officials, citizens) is absent.

So that a demo needs no thousands of people, proposals that pass are published with a
demonstration threshold of 5 (stored on each proposal and shown on its page).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test.utils import override_settings

from opengov.core import clock

DOMAIN = "demo.opengov.tw"
DEMO_THRESHOLD = 5

# (key, proposer, agencies, tags, title, content, benefits)
PROPOSALS: list[tuple[str, str, list[str], list[str], str, str, str]] = [
    ("open", "citizen1", ["moda"], ["數位", "通訊"],
     "偏鄉公共場所免費Wi-Fi擴大涵蓋",
     "目前 iTaiwan 熱點多集中在都會區，偏鄉衛生所、圖書館與客運站常收不到訊號。\n"
     "建議數位發展部盤點偏鄉公共場所，三年內補足熱點，並公開各熱點的可用率。",
     "縮小城鄉數位落差；民眾在候車或就醫時可使用線上服務；可用率公開便於監督。"),
    ("awaiting", "citizen2", ["mohw"], ["醫療", "長照"],
     "長照交通接送服務開放跨縣市預約",
     "長照交通接送目前只能在戶籍所在縣市預約，家屬住外縣市時無法代為安排就醫接送。\n"
     "建議建立全國共用的預約系統，讓長者可跨縣市預約往返醫院。",
     "減少家屬請假接送的負擔；避免長者因交通不便而延誤就醫。"),
    ("extended", "citizen3", ["moi"], ["交通", "安全"],
     "校園周邊道路全面劃設行人庇護島與標線型人行道",
     "許多國小周邊道路沒有人行道，學童上下學須與汽機車爭道。\n"
     "建議內政部修訂設計規範，要求校園周邊 300 公尺內道路劃設標線型人行道。",
     "降低學童交通事故；建立行人優先的道路文化。"),
    ("overdue", "citizen4", ["mol"], ["勞動"],
     "外送員職業災害保險由平台全額負擔",
     "外送員多以承攬關係工作，職業災害保險須自行投保。\n"
     "建議勞動部要求外送平台為所有外送員全額投保職業災害保險。",
     "保障外送員發生事故時的醫療與生活；平台承擔應有的雇主責任。"),
    ("responded", "citizen5", ["moe"], ["教育"],
     "國中小營養午餐全面免費",
     "各縣市營養午餐補助標準不一，部分家庭仍須負擔午餐費。\n"
     "建議中央編列預算，國中小營養午餐全面免費，並訂定食材品質標準。",
     "減輕家庭負擔；確保每位學童獲得均衡營養；縮小縣市差距。"),
    ("failed", "citizen1", ["moi"], ["交通"],
     "全國機車停車格改為免費",
     "部分城市機車停車格收費，造成通勤族負擔。建議全國機車停車格一律免費。",
     "減輕通勤族負擔。"),
    ("rejected", "citizen2", ["moea"], ["廣告"],
     "推薦本公司節能燈泡給所有公家機關採購",
     "本公司燈泡省電 30%，歡迎洽詢 0800-000-000。",
     "省電。"),
    ("review", "citizen3", ["moc", "moe"], ["文化", "教育"],
     "公立博物館對學生全年免費開放",
     "建議文化部與教育部合作，公立博物館對持學生證者全年免費。",
     "鼓勵學生親近藝文；提升博物館使用率。"),
]  # fmt: skip

REASONS = ["支持！", "我家附近也有這個問題。", "希望政府正視。", "", "很實際的建議。"]
COMMENTS = [
    ("citizen2", "建議同時公布各熱點的連線速度，不只是有沒有訊號。"),
    ("citizen4", "山區衛生所真的很需要，看診時要上傳資料常常失敗。"),
]


def _user(User: Any, name: str):
    return User.objects.filter(email=f"{name}@{DOMAIN}").first()


def load(*, stdout) -> None:
    """Create the demo proposals once (skipped when they, or the accounts demo, exist)."""
    from django.contrib.auth import get_user_model

    from opengov.accounts.models import Agency

    from . import services
    from .models import Proposal

    User = get_user_model()
    citizens = {f"citizen{i}": _user(User, f"citizen{i}") for i in range(1, 6)}
    operator = _user(User, "operator")
    needed = {code for _k, _p, codes, *_rest in PROPOSALS for code in codes}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=needed)}
    officials = {code: _user(User, f"official.{code}") for code in needed}
    if not all(citizens.values()) or operator is None or len(agencies) != len(needed):
        stdout.write("  proposals: accounts demo not loaded, skipped")
        return
    if Proposal.objects.filter(title=PROPOSALS[0][4]).exists():
        stdout.write("  proposals: demo already loaded")
        return

    real_now = clock.now()
    try:
        with override_settings(
            OPENGOV_RATE_LIMITS_ENABLED=False,
            OPENGOV_JURISDICTION_OVERRIDES={"proposals": {"cosign_threshold": DEMO_THRESHOLD}},
        ):
            _load(services, citizens, operator, officials, real_now, stdout)
    finally:
        clock.set_now(None)


def _at(now: dt.datetime, days_ago: float) -> None:
    clock.set_now(now - dt.timedelta(days=days_ago))


def _create(services, citizens, row, now: dt.datetime, days_ago: float):
    _key, proposer, codes, tags, title, content, benefits = row
    _at(now, days_ago)
    return services.proposal_create(
        actor=citizens[proposer],
        title=title,
        content=content,
        benefits=benefits,
        agencies=codes,
        tags=tags,
        submit=True,
        address="198.51.100.7",
    )


def _sign(services, proposal, signers, now, start_days_ago: float, step: float) -> None:
    for i, signer in enumerate(signers):
        if signer.pk == proposal.proposer_id:
            continue
        _at(now, start_days_ago - i * step)
        services.signature_create(
            actor=signer,
            proposal=proposal,
            reason=REASONS[i % len(REASONS)],
            address=f"203.0.113.{10 + i}",
        )


def _load(services, citizens, operator, officials, now, stdout) -> None:
    rows = {row[0]: row for row in PROPOSALS}
    people = list(citizens.values())

    # open for co-signing, with reasons and a discussion
    p = _create(services, citizens, rows["open"], now, 12)
    _at(now, 10)
    p = services.proposal_publish(actor=operator, proposal=p, message="符合提案規範，已公開附議。")
    p.threshold = 5000  # this one shows the real rule
    p.save(update_fields=["threshold"])
    _sign(services, p, people[1:4], now, 9, 2)
    for name, body in COMMENTS:
        _at(now, 5)
        services.comment_create(actor=citizens[name], proposal=p, body=body)

    # passed, awaiting the response
    p = _create(services, citizens, rows["awaiting"], now, 30)
    _at(now, 28)
    p = services.proposal_publish(actor=operator, proposal=p)
    _sign(services, p, people, now, 25, 3)

    # passed, deadline extended with a public notice
    p = _create(services, citizens, rows["extended"], now, 75)
    _at(now, 72)
    p = services.proposal_publish(actor=operator, proposal=p)
    _sign(services, p, people, now, 70, 2)
    p.refresh_from_db()
    _at(now, 20)
    due = p.response_due.astimezone(clock.local_zone()).date()
    services.extension_create(
        actor=officials["moi"],
        proposal=p,
        progress="已邀集地方政府與專家學者召開兩次研商會議，正在修訂《市區道路及附屬工程設計規範》草案。",
        new_due=due + dt.timedelta(days=60),
    )

    # passed, response overdue
    p = _create(services, citizens, rows["overdue"], now, 100)
    _at(now, 98)
    p = services.proposal_publish(actor=operator, proposal=p)
    _sign(services, p, people, now, 96, 1)

    # passed and answered point by point
    p = _create(services, citizens, rows["responded"], now, 90)
    _at(now, 88)
    p = services.proposal_publish(actor=operator, proposal=p)
    _sign(services, p, people, now, 86, 2)
    _at(now, 40)
    services.response_publish(
        actor=officials["moe"],
        proposal=p,
        summary="教育部感謝提議。營養午餐屬地方自治事項，本部將以專案補助方式逐步推動，"
        "並於明年度起調高偏遠地區補助基準。",
        easy_read_summary="我們會先幫偏遠地區的學校付午餐錢。\n明年起補助會變多。",
        points=[
            {
                "answers": "content:2",
                "position": "partly_adopted",
                "explanation": "全面免費需地方配合；本部先補助偏遠及非山非市地區學校。",
                "planned_actions": "修正「國民中小學營養午餐補助要點」",
                "planned_date": (now + dt.timedelta(days=120)).date(),
            },
            {
                "answers": "content:2",
                "position": "adopted",
                "explanation": "食材品質標準將納入學校午餐衛生管理辦法。",
                "planned_actions": "邀集衛福部、農業部研商",
                "planned_date": (now + dt.timedelta(days=60)).date(),
            },
            {
                "answers": "content:1",
                "position": "under_study",
                "explanation": "中央全額負擔之財源仍在評估。",
                "planned_actions": "委託研究",
            },
        ],
    )
    _at(now, 39)
    services.feedback_create(
        actor=citizens["citizen5"], proposal=p, rating=3, comment="有進展，但希望有時程表。"
    )

    # the window passed below the threshold
    p = _create(services, citizens, rows["failed"], now, 80)
    _at(now, 78)
    p = services.proposal_publish(actor=operator, proposal=p)
    _sign(services, p, people[2:3], now, 77, 1)

    # rejected with a published ground
    p = _create(services, citizens, rows["rejected"], now, 6)
    _at(now, 5)
    services.proposal_reject(
        actor=operator,
        proposal=p,
        grounds=["advertising"],
        message="提案內容為商業廣告，依平臺規範不予公開。",
    )

    # waiting in the review queue
    _create(services, citizens, rows["review"], now, 1)
    clock.set_now(None)
    stdout.write(f"  proposals: {len(PROPOSALS)} demo proposals in every state")
