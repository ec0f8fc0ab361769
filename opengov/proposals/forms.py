"""Forms of the proposals pages: they parse and label; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengov.accounts.selectors import active_agencies
from opengov.core.forms import ServiceErrorMixin

from . import rules
from .models import Position


def agency_choices() -> list[tuple[str, str]]:
    """Active agencies as (code, name) for a choice field."""
    return [(a.code, a.name) for a in active_agencies()]


def ground_choices() -> list[tuple[str, str]]:
    """The published grounds of the profile in force."""
    return [(g, rules.ground_label(g)) for g in rules.rules().rejection_grounds]


class ProposalForm(ServiceErrorMixin, forms.Form):
    """Propose or edit a draft."""

    title = forms.CharField(
        label=_("Title"),
        max_length=80,
        help_text=_("One sentence saying what should change (5–80 characters)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-similar": "1"}),
    )
    content = forms.CharField(
        label=_("Content or suggestion"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What is the problem, and what do you suggest? (up to 5,000 characters)"),
    )
    benefits = forms.CharField(
        label=_("Benefits and impact"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who benefits, and who else is affected? (up to 3,000 characters)"),
    )
    agencies = forms.MultipleChoiceField(
        label=_("Responsible agencies"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose up to %(n)d; the operator may change them."),
    )
    tags = forms.CharField(
        label=_("Topic tags"),
        max_length=200,
        required=False,
        help_text=_("Separated by commas, e.g. 交通, 教育"),
    )
    evidence_links = forms.CharField(
        label=_("Evidence links (optional)"),
        max_length=2600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line."),
    )
    attachment = forms.FileField(
        label=_("Evidence file (optional)"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most %(mb)d MB. Add one file each time you save."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = agency_choices()
        profile = rules.rules()
        self.fields["agencies"].help_text = self.fields["agencies"].help_text % {
            "n": profile.max_agencies
        }
        self.fields["attachment"].help_text = self.fields["attachment"].help_text % {
            "mb": profile.attachment_max_bytes // 2**20
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "content": data["content"],
            "benefits": data["benefits"],
            "agencies": data["agencies"],
            "tags": [t.strip() for t in data["tags"].replace("，", ",").split(",") if t.strip()],
            "evidence_links": [
                line.strip() for line in data["evidence_links"].splitlines() if line.strip()
            ],
        }


class CosignForm(ServiceErrorMixin, forms.Form):
    """Co-sign, with an optional short public reason."""

    reason = forms.CharField(
        label=_("Why do you support it? (optional, public)"),
        max_length=200,
        required=False,
    )


class ReviewForm(ServiceErrorMixin, forms.Form):
    """The operator's decision on a submitted proposal."""

    DECISIONS = (
        ("publish", _("Publish for co-signing")),
        ("request_changes", _("Ask the proposer for changes")),
        ("reject", _("Reject")),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    grounds = forms.MultipleChoiceField(
        label=_("Grounds (for a rejection)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("Message to the proposer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    agencies = forms.MultipleChoiceField(
        label=_("Responsible agencies"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave as they are to keep the proposer's choice."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grounds"].choices = ground_choices()
        self.fields["agencies"].choices = agency_choices()


class AgenciesForm(ServiceErrorMixin, forms.Form):
    """An operator changes the responsible agencies."""

    agencies = forms.MultipleChoiceField(
        label=_("Responsible agencies"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = agency_choices()


class ResponseForm(ServiceErrorMixin, forms.Form):
    """The agency's summary; points come from the point forms."""

    summary = forms.CharField(
        label=_("Summary of the response"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    easy_read_summary = forms.CharField(
        label=_("Easy-read summary (optional)"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The answer in short sentences and everyday words (易讀版), shown above the points."
        ),
    )


def part_choices(content: str) -> list[tuple[str, str]]:
    """The parts of a proposal a point may answer, labelled with the paragraph's beginning."""
    choices = [("", _("The proposal as a whole"))]
    for key, number, text in rules.proposal_parts(content):
        if key == rules.BENEFITS_PART:
            choices.append((key, _("Benefits and impact")))
        else:
            excerpt = text if len(text) <= 30 else text[:30] + "…"
            choices.append((key, _("Paragraph %(n)d: %(text)s") % {"n": number, "text": excerpt}))
    return choices


class PointForm(forms.Form):
    """One point of the response (left empty to skip); `parts` are the proposal's parts."""

    answers = forms.ChoiceField(label=_("Answers"), required=False, choices=[])
    position = forms.ChoiceField(
        label=_("Position"), choices=[("", "—"), *Position.choices], required=False
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    planned_actions = forms.CharField(
        label=_("Planned actions"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    planned_date = forms.DateField(
        label=_("Planned date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, parts: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["answers"].choices = parts or [("", _("The proposal as a whole"))]

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("position") or data.get("explanation"))


PointFormSet = forms.formset_factory(PointForm, extra=5, max_num=30, absolute_max=30)


class ExtensionForm(ServiceErrorMixin, forms.Form):
    """A public extension notice."""

    progress = forms.CharField(
        label=_("Progress so far (public)"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    new_due = forms.DateField(
        label=_("New response date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class MeetingForm(ServiceErrorMixin, forms.Form):
    """The call to a proposal's collaboration meeting."""

    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    place = forms.CharField(label=_("Place or online link"), max_length=300)
    details = forms.CharField(
        label=_("Agenda and how to take part"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class FeedbackForm(ServiceErrorMixin, forms.Form):
    """Rate the response."""

    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
        help_text=_("5 = fully satisfied, 1 = not at all"),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(ServiceErrorMixin, forms.Form):
    """A comment."""

    body = forms.CharField(
        label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class HideForm(ServiceErrorMixin, forms.Form):
    """A moderator hides a comment naming a ground."""

    ground = forms.ChoiceField(label=_("Ground"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = ground_choices()


class FilterForm(forms.Form):
    """Filters of the list page (all optional)."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)
    space = forms.ChoiceField(
        label=_("Participation spaces"),
        required=False,
        choices=(
            ("", _("National platform and participation spaces")),
            ("national", _("National platform only")),
        ),
    )
    since = forms.DateField(
        label=_("Published from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Published until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=(
            ("newest", _("Newest")),
            ("most_signed", _("Most co-signed")),
            ("ending_soon", _("Ending soon")),
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Any"))] + [
            (s, rules.STATE_LABELS[s]) for s in rules.PUBLIC_STATES
        ]
        self.fields["agency"].choices = [("", _("Any")), *agency_choices()]
