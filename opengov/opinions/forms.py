"""Forms of opinion mapping (validation of shape only; the services check the rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opengov.core.forms import ServiceErrorMixin

from . import rules
from .models import ConsensusResponse

#: the published wording of the moderation grounds (the same grounds, and words, as comments)
GROUND_LABELS = {
    "illegal": _("Threats, obscenity, defamation, fraud, insult or other illegality"),
    "infringes_rights": _("Infringes the rights of others"),
    "discrimination": _("Racial, religious or gender discrimination, or a personal attack"),
    "liability_or_pending_case": _("Risk of liability, or a case pending in court"),
    "unclear_or_personal": _("Unclear, or only a personal interest"),
    "virtual_persons": _("Concerns virtual or online persons or things"),
    "advertising": _("Commercial self-promotion or advertising"),
}


def ground_choices() -> list[tuple[str, str]]:
    """The profile's grounds with their wording."""
    return [(g, str(GROUND_LABELS.get(g, g))) for g in rules.moderation_grounds()]


class ConversationForm(ServiceErrorMixin, forms.Form):
    """Turning opinion mapping on."""

    field_aliases = {"article": "article_position"}

    topic = forms.CharField(label=_("Question"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    article_position = forms.TypedChoiceField(
        label=_("For"), required=False, coerce=int, empty_value=None
    )
    seed_statements = forms.CharField(
        label=_("Seed statements"),
        required=False,
        widget=forms.Textarea,
        help_text=_("One statement per line; they are shown at once."),
    )

    def __init__(self, *args, articles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article_position"].choices = [("", _("The whole consultation"))] + [
            (a.position, a.label) for a in articles
        ]

    def clean_seed_statements(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data["seed_statements"].splitlines()
            if line.strip()
        ]


class StatementForm(ServiceErrorMixin, forms.Form):
    """A participant's statement."""

    text = forms.CharField(
        label=_("Your statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One short, clear point others can agree or disagree with. Shown after moderation."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _(
            "One short point others can agree or disagree with, at most %(n)d characters. "
            "Shown after moderation."
        ) % {"n": rules.statement_max_chars()}


class VoteForm(ServiceErrorMixin, forms.Form):
    """A vote on one statement."""

    field_aliases = {"vote": "value"}

    statement = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    value = forms.ChoiceField(
        choices=[("agree", _("Agree")), ("disagree", _("Disagree")), ("pass", _("Pass / unsure"))]
    )


class ModerationForm(ServiceErrorMixin, forms.Form):
    """Show a statement, or not on a published ground."""

    action = forms.ChoiceField(choices=[("accept", _("Show")), ("reject", _("Do not show"))])
    ground = forms.ChoiceField(label=_("Ground"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [("", "—"), *ground_choices()]


class BanForm(ServiceErrorMixin, forms.Form):
    """Ban a participant on a published ground."""

    ground = forms.ChoiceField(label=_("Ground"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = ground_choices()


class ResponseForm(ServiceErrorMixin, forms.Form):
    """The agency's response to a consensus statement."""

    decision = forms.ChoiceField(label=_("Decision"), choices=ConsensusResponse.Decision.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
