"""Forms read their limits from the profile, as the services do."""

from opengov.procurement.forms import QuestionForm


def test_question_form_follows_the_profile_limit(settings):
    settings.OPENGOV_JURISDICTION_OVERRIDES = {"procurement": {"question_max_chars": 5}}
    assert QuestionForm({"body": "12345"}).is_valid()
    assert not QuestionForm({"body": "123456"}).is_valid()
    settings.OPENGOV_JURISDICTION_OVERRIDES = {"procurement": {"question_max_chars": 6}}
    assert QuestionForm({"body": "123456"}).is_valid()
