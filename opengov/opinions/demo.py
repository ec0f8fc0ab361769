"""Demo data of opinion mapping: a conversation on the open demo consultation (the Ministry of
Digital Affairs' electronic-signatures amendment), seed statements from the agency, a few
moderated statements from citizens, votes of 36 demo voters in two camps with one statement
everyone agrees with, a published map and the agency's response to it. Idempotent; skips
quietly when the consultations demo is absent."""

from __future__ import annotations

from typing import Any

import numpy as np

from opengov.core import clock

DOMAIN = "demo.opengov.tw"
OPEN_TITLE = "電子簽章法部分條文修正草案"
TOPIC = "電子簽章法修正：您同意下列看法嗎？"
SEEDS = [
    "電子文件與紙本文件應有相同的法律效力。",
    "高齡者及數位弱勢者應保有選擇紙本的權利。",
    "外國憑證機構應經主管機關認許後才能在國內使用。",
    "政府機關應率先全面採用電子簽章。",
    "企業導入電子合約應有租稅或補助誘因。",
    "電子簽章的安全標準應公開並定期檢討。",
]
CITIZEN_STATEMENTS = [
    ("citizen1", "應設立電子簽章爭議的快速處理管道。"),
    ("citizen3", "外國憑證應與我國採對等承認原則。"),
]
VOTERS = 36


def _voters() -> list[Any]:
    from django.contrib.auth import get_user_model

    from opengov.accounts import services as account_services

    User = get_user_model()
    people = []
    for i in range(1, VOTERS + 1):
        email = f"voter{i:02d}@{DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = account_services.user_create(
                actor=None, email=email, password=None, display_name=f"示範投票者{i:02d}"
            )
            user.email_verified_at = clock.now()
            user.residency = "national"
            user.save(update_fields=["email_verified_at", "residency"])
        people.append(user)
    return people


def load(*, stdout: Any) -> None:
    """Create the demo conversation unless it exists."""
    from django.contrib.auth import get_user_model

    from opengov.consultations import selectors as consultation_selectors

    from . import services
    from .models import Conversation, Statement

    User = get_user_model()
    consultation = next(
        (
            c
            for c in consultation_selectors.consultation_list(q=OPEN_TITLE)
            if c.title == OPEN_TITLE
        ),
        None,
    )
    official = User.objects.filter(email=f"official.moda@{DOMAIN}").first()
    moderator = User.objects.filter(email=f"operator@{DOMAIN}").first()
    if consultation is None or official is None or consultation.state != "open":
        stdout.write("opinions: skipped (load the consultations demo first)")
        return
    if Conversation.objects.filter(consultation_public_id=consultation.public_id).exists():
        stdout.write("opinions: the demo conversation exists")
        return
    stdout.write("opinions: opinion mapping on the open amendment draft, with votes and a map")
    conversation = services.conversation_start(
        actor=official,
        consultation=consultation,
        topic=TOPIC,
        description="請對每則看法表示同意、不同意或略過；地圖顯示意見群組及各群組都同意的看法。",
        seed_statements=SEEDS,
    )
    for who, text in CITIZEN_STATEMENTS:
        author = User.objects.filter(email=f"{who}@{DOMAIN}").first()
        if author is None:
            continue
        statement = services.statement_submit(actor=author, conversation=conversation, text=text)
        if moderator is not None:
            services.statement_moderate(actor=moderator, statement=statement, accept=True)
    # two camps: "digital first" agrees with 1, 4, 5 and disagrees with 2, 3; "cautious" the
    # reverse; both agree with 6 (public security standards); the rest is noise
    rng = np.random.default_rng(2026)
    numbers = list(
        Statement.objects.filter(conversation=conversation, status="accepted").values_list(
            "number", flat=True
        )
    )
    for i, person in enumerate(_voters()):
        camp = 1 if i % 2 else -1
        for number in numbers:
            if rng.random() < 0.05:
                continue
            if number == 6:
                value = 1 if rng.random() < 0.9 else 0
            elif number in (1, 4, 5):
                value = camp if rng.random() < 0.85 else 0
            elif number in (2, 3):
                value = -camp if rng.random() < 0.85 else 0
            else:
                value = int(rng.integers(-1, 2))
            services.vote_cast(
                actor=person, conversation=conversation, statement_number=number, value=value
            )
    published = services.map_recompute(conversation=conversation)
    for item in published.result.get("consensus", [])[:1]:
        statement = Statement.objects.get(conversation=conversation, number=item["statement"])
        services.consensus_respond(
            actor=official,
            statement=statement,
            decision="adopted",
            reason="將於修正草案第四條明定安全標準之公開及每二年檢討一次。",
        )
