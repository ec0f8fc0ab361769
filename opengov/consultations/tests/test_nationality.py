"""Who may comment: nationals on every consultation, foreign residents where invited, and a
person who has stated nothing is asked to (Executive Yuan practice; a profile rule)."""

from __future__ import annotations

import json

import pytest

from opengov.accounts.tests.factories import UserFactory
from opengov.consultations import rules, services
from opengov.consultations.models import Comment
from opengov.core.errors import Forbidden

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "residency,invited,expected",
    [
        ("national", False, None),
        ("national", True, None),
        ("foreign_resident", True, None),
        ("foreign_resident", False, "foreign_residents_not_invited"),
        ("", True, "nationality_not_stated"),
        ("", False, "nationality_not_stated"),
    ],
)
def test_rule(residency, invited, expected):
    assert rules.nationality_refusal(residency, invited) == expected


def test_rule_follows_the_profile(profile):
    profile(consultations={"comment_requires_nationality": False})
    assert rules.nationality_refusal("", False) is None
    assert rules.nationality_refusal("foreign_resident", False) is None


def _comment(user, consultation):
    return services.comment_create(
        actor=user, consultation=consultation, body="意見 <script>x</script>", stance="suggestion"
    )


def test_foreign_resident_refused_where_not_invited_and_nothing_changes(open_consultation):
    resident = UserFactory(residency="foreign_resident")
    with pytest.raises(Forbidden) as info:
        _comment(resident, open_consultation)
    assert info.value.code == "foreign_residents_not_invited"
    assert not Comment.objects.exists()


def test_foreign_resident_comments_where_invited(start, make_consultation):
    invited = make_consultation(topic="trade", foreign_residents_may_comment=True)
    comment = _comment(UserFactory(residency="foreign_resident"), invited)
    assert comment.pk and invited.comments.count() == 1


def test_unstated_nationality_is_asked_for_through_the_api(client, open_consultation):
    person = UserFactory(residency="")
    client.force_login(person)
    response = client.post(
        f"/api/v1/consultations/{open_consultation.public_id}/comments",
        json.dumps({"stance": "support", "body": "贊成"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "nationality_not_stated"
    assert not Comment.objects.exists()
    person.residency = "national"
    person.save(update_fields=["residency"])
    response = client.post(
        f"/api/v1/consultations/{open_consultation.public_id}/comments",
        json.dumps({"stance": "support", "body": "贊成"}),
        content_type="application/json",
    )
    assert response.status_code == 201
