"""What the permanent audit log and the public activity page keep of moderated comments:
references and grounds, never the comment's text, the report's reason or the moderator's
note."""

import json

import pytest

from opengov.consultations import services
from opengov.core import audit
from opengov.core.models import AuditEvent

pytestmark = pytest.mark.django_db

BODY = "我的電話是0912345678，請找王小明 <script>x</script>"
NOTE = "內含個資：王小明的電話"
REASON = "這則留言寫了別人的電話號碼"


def _log_text() -> str:
    rows = AuditEvent.objects.order_by("seq")
    stored = json.dumps(
        list(rows.values("actor_label", "target_id", "target_repr", "changes")),
        ensure_ascii=False,
    )
    return stored + "".join(audit.canonical(e).decode() for e in rows)


def test_hidden_comment_text_and_moderator_note_stay_out_of_the_log(
    client, open_consultation, citizen, moderator, official
):
    article = open_consultation.articles.get(position=1)
    comment = services.comment_create(
        actor=citizen, consultation=open_consultation, article=article, body=BODY, stance="oppose"
    )
    services.comment_update(actor=citizen, comment=comment, body=BODY + "！", stance="support")
    services.comment_report(actor=official, comment=comment, reason=REASON)
    services.comment_hide(actor=moderator, comment=comment, ground="unclear_or_personal", note=NOTE)
    log = _log_text()
    for text in (BODY[:20], NOTE, REASON, "王小明", "0912345678", citizen.display_name):
        assert text not in log
    hidden = AuditEvent.objects.get(verb="consultation.comment_hidden")
    assert hidden.changes == {"ground": "unclear_or_personal", "note_given": True}
    assert hidden.actor_label == "moderator" and hidden.public
    page = client.get("/activity/").content.decode()
    assert "consultation.comment_hidden" in page
    for text in ("王小明", "0912345678", "內含個資", "電話", citizen.display_name):
        assert text not in page
    assert audit.verify().ok
