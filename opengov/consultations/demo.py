"""Demo data of consultations: an open amendment draft of the Ministry of Digital Affairs with
comments, and a closed NDC policy consultation with its published report. Idempotent; skips
quietly when the accounts demo (agencies, officials, citizens) is absent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from opengov.core import clock

DOMAIN = "demo.opengov.tw"
OPEN_TITLE = "電子簽章法部分條文修正草案"
CLOSED_TITLE = "開放政府國家行動方案（第三期）公民參與承諾草案"

# The open draft's title and summaries in the new-immigrant languages, as its agency gives them.
DRAFT_TRANSLATIONS = {
    "vi": {
        "title": "Dự thảo sửa đổi một số điều của Luật Chữ ký điện tử",
        "summary": (
            "Để đáp ứng sự phát triển của kinh tế số và phù hợp với các quy chuẩn quốc tế về chữ "
            "ký điện tử, Bộ Phát triển Kỹ thuật số soạn thảo dự thảo sửa đổi một số điều của luật "
            "này, xác lập nguyên tắc không phân biệt đối xử với văn bản điện tử và công nhận "
            "chứng thư nước ngoài."
        ),
        "easy_read_summary": (
            "Chính phủ muốn sửa luật về chữ ký điện tử.\n\n"
            "Sau khi sửa, văn bản trên mạng có giá trị như văn bản giấy.\n\n"
            "Chứng thư điện tử của nước ngoài cũng dùng được ở Đài Loan."
        ),
    },
    "id": {
        "title": "Rancangan perubahan sebagian pasal Undang-Undang Tanda Tangan Elektronik",
        "easy_read_summary": (
            "Pemerintah ingin mengubah undang-undang tanda tangan elektronik.\n\n"
            "Setelah diubah, dokumen daring sama sahnya dengan dokumen kertas."
        ),
    },
    "th": {
        "title": "ร่างแก้ไขบางมาตราของกฎหมายลายมือชื่ออิเล็กทรอนิกส์",
        "easy_read_summary": (
            "รัฐบาลต้องการแก้กฎหมายลายมือชื่ออิเล็กทรอนิกส์\n\nหลังแก้แล้ว เอกสารออนไลน์มีผลเหมือนเอกสารกระดาษ"
        ),
    },
}

AMENDMENT_FILE = Path(__file__).parent / "data" / "demo_amendment.md"

OPEN_COMMENTS = [
    ("citizen1", 3, "support", "支持不歧視原則，企業可以全面導入電子合約，減少紙本往返。"),
    ("citizen2", 3, "suggestion", "建議明定高齡者及數位弱勢者仍可選擇書面，避免被迫使用電子文件。"),
    ("citizen3", 4, "oppose", "外國憑證機構的認許標準應先公開，否則安全風險難以評估。"),
    ("citizen5", None, "support", "整體方向正確，期待施行細則同步預告。"),
]

POLICY_SUMMARY = """國家發展委員會就開放政府國家行動方案第三期「公民參與」面向之承諾草案，
徵詢各界意見：

- 擴大公共政策網路參與平臺之使用；
- 推動青年參與政策制定；
- 建立政策諮詢結果之回應機制。
"""

POLICY_ARTICLES = """第一條　擴大公共政策網路參與平臺之使用，各部會每年至少辦理二場線上諮詢。
說明：提升政策形成階段之民眾參與。
第二條　推動青年參與政策制定，設置青年諮詢委員會。
說明：落實青年政策參與。
第三條　各機關應於諮詢結束後六十日內公布意見處理情形。
說明：建立回應機制。
"""

CLOSED_COMMENTS = [
    ("citizen1", 1, "support", "每年二場太少，建議每季至少一場。"),
    ("citizen2", 2, "suggestion", "青年諮詢委員會應納入原住民族青年代表。"),
    ("citizen4", 2, "suggestion", "建議青年委員中應有東部及離島代表。"),
    ("citizen3", 3, "support", "六十日內公布處理情形很好，應適用所有機關。"),
]


def _people() -> dict[str, Any] | None:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    emails = {f"citizen{i}": f"citizen{i}@{DOMAIN}" for i in range(1, 6)}
    emails |= {"moda": f"official.moda@{DOMAIN}", "ndc": f"official.ndc@{DOMAIN}"}
    found = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    people = {key: found.get(email) for key, email in emails.items()}
    if people["moda"] is None or people["ndc"] is None:
        return None
    return people


def _comment(services: Any, consultation: Any, people: dict, rows: list) -> list:
    comments = []
    for who, position, stance, body in rows:
        author = people.get(who)
        if author is None:
            continue
        article = consultation.articles.get(position=position) if position else None
        comments.append(
            services.comment_create(
                actor=author, consultation=consultation, article=article, body=body, stance=stance
            )
        )
    return comments


def load(*, stdout: Any) -> None:
    """Create the two demo consultations unless they exist."""
    from opengov.accounts.models import Agency
    from opengov.core.services import content_translation_set

    from . import services
    from .models import Consultation, Decision, FinalStatus, Kind, Topic

    people = _people()
    agencies = {a.code: a for a in Agency.objects.filter(code__in=["moda", "ndc"])}
    if people is None or len(agencies) < 2:
        stdout.write("consultations: skipped (load the accounts demo first)")
        return
    stdout.write("consultations: an open amendment draft and a reported policy consultation")
    if not Consultation.objects.filter(title=OPEN_TITLE).exists():
        draft = services.consultation_create(
            actor=people["moda"],
            agency=agencies["moda"],
            kind=Kind.DRAFT_REGULATION,
            topic=Topic.TRADE,
            foreign_residents_may_comment=True,
            title=OPEN_TITLE,
            summary=(
                "為因應數位經濟發展，並與國際電子簽章規範接軌，數位發展部擬具本法部分條文"
                "修正草案，確立電子文件之不歧視原則，並承認外國憑證。"
            ),
            legal_basis="行政程序法第一百五十四條第一項",
            contact="數位發展部法制處，電話 (02) 0000-0000，電子郵件 law@moda.example",
            easy_read_summary=(
                "政府想修改電子簽章的法律。\n\n"
                "修改後，網路上的文件和紙本文件一樣有效。\n\n"
                "外國的電子憑證也可以在臺灣使用。"
            ),
        )
        for language, fields in DRAFT_TRANSLATIONS.items():
            for field, text in fields.items():
                content_translation_set(
                    actor=people["moda"], obj=draft, field=field, language=language, text=text
                )
        amendment = AMENDMENT_FILE.read_bytes()
        services.articles_import(
            actor=people["moda"],
            consultation=draft,
            data=amendment,
            # the file's first line is the table's title, which no article holds
            accept_unplaced=[u.line for u in services.draft_parse(amendment).unplaced],
        )
        draft = services.consultation_publish(actor=people["moda"], consultation=draft)
        _comment(services, draft, people, OPEN_COMMENTS)
    if Consultation.objects.filter(title=CLOSED_TITLE).exists():
        return
    today = clock.today()
    start = clock.start_of_local_day(today - dt.timedelta(days=45)) + dt.timedelta(hours=10)
    try:
        clock.set_now(start)
        policy = services.consultation_create(
            actor=people["ndc"],
            agency=agencies["ndc"],
            kind=Kind.POLICY,
            title=CLOSED_TITLE,
            summary=POLICY_SUMMARY,
            legal_basis="開放政府國家行動方案",
            contact="國家發展委員會資訊管理處",
            closes_on=today - dt.timedelta(days=15),
        )
        services.articles_import(actor=people["ndc"], consultation=policy, data=POLICY_ARTICLES)
        policy = services.consultation_publish(actor=people["ndc"], consultation=policy)
        clock.set_now(start + dt.timedelta(days=3))
        comments = _comment(services, policy, people, CLOSED_COMMENTS)
        clock.set_now(start + dt.timedelta(days=32))
        by_article = {c.article.position: [] for c in comments}
        for c in comments:
            by_article[c.article.position].append(c)
        decisions = {
            1: (Decision.PARTLY_ADOPTED, "考量各部會量能，修正為每年至少四場。"),
            2: (
                Decision.ADOPTED,
                "併同處理：青年諮詢委員會將納入原住民族、東部及離島之青年代表。",
            ),
            3: (Decision.NOTED, "敬悉，將於行動方案中適用於所有部會。"),
        }
        for position, group in by_article.items():
            decision, reason = decisions[position]
            services.comments_respond(
                actor=people["ndc"],
                consultation=policy,
                comments=group,
                decision=decision,
                reason=reason,
            )
        services.article_set_final(
            actor=people["ndc"],
            article=policy.articles.get(position=1),
            status=FinalStatus.AMENDED,
            text="擴大公共政策網路參與平臺之使用，各部會每年至少辦理四場線上諮詢。",
        )
        services.article_set_final(
            actor=people["ndc"],
            article=policy.articles.get(position=2),
            status=FinalStatus.AMENDED,
            text="推動青年參與政策制定，設置青年諮詢委員會，並納入原住民族、東部及離島青年代表。",
        )
        services.report_publish(
            actor=people["ndc"],
            consultation=policy,
            summary="本次諮詢共收到 4 則意見，均已逐一回應；第一條及第二條依意見修正。",
        )
    finally:
        clock.set_now(None)
