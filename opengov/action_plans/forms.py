"""Forms of the action-plan pages. They only parse; the services decide and validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opengov.core.jurisdiction import jurisdiction

from .models import Completion, MilestoneStatus, OpenedGovernment, Potential


def value_choices() -> list[tuple[str, str]]:
    """The open-government values of the profile in force, with their names."""
    names = {
        "transparency": _("Transparency"),
        "civic_participation": _("Civic participation"),
        "public_accountability": _("Public accountability"),
        "inclusion": _("Inclusion"),
    }
    return [(v, names.get(v, v)) for v in jurisdiction().action_plans.values]


class ProgressUpdateForm(forms.Form):
    """A lead-agency official's report on a milestone."""

    progress = forms.IntegerField(
        label=_("Progress (%)"), help_text=_("A whole number from 0 to 100.")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Follow from the progress")), *list(MilestoneStatus.choices)],
    )
    reported_on = forms.DateField(
        label=_("Date of the report"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for today."),
    )
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea, required=False)
    links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One http(s) address per line."),
    )

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("links", "").splitlines()]


class CommentForm(forms.Form):
    """A civil-society task-force member's comment on an update."""

    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}))


def _justification(label):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AssessmentForm(forms.Form):
    """An independent reviewer's IRM assessment."""

    verifiable = forms.ChoiceField(
        label=_("Verifiable"),
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
        required=False,
        help_text=_("Not verifiable: the commitment is not assessed further."),
    )
    verifiable_justification = _justification(_("Why (verifiable)"))
    relevance = forms.MultipleChoiceField(
        label=_("Open-government relevance"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    relevance_justification = _justification(_("Why (relevance)"))
    potential = forms.ChoiceField(
        label=_("Potential for results"),
        required=False,
        choices=[("", "—"), *list(Potential.choices)],
    )
    potential_justification = _justification(_("Why (potential for results)"))
    completion = forms.ChoiceField(
        label=_("Completion"), required=False, choices=[("", "—"), *list(Completion.choices)]
    )
    completion_justification = _justification(_("Why (completion)"))
    opened_government = forms.ChoiceField(
        label=_("Did it open government?"),
        required=False,
        choices=[("", "—"), *list(OpenedGovernment.choices)],
    )
    opened_government_justification = _justification(_("Why (did it open government)"))
    publish = forms.BooleanField(
        label=_("Publish on the commitment page"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relevance"].choices = value_choices()


class FollowUpForm(forms.Form):
    """A task-force follow-up decision (列管 / 解除列管)."""

    on_list = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("yes", _("Keep on the follow-up list")),
            ("no", _("Take off the follow-up list")),
        ],
        widget=forms.RadioSelect,
    )
    meeting = forms.CharField(label=_("Meeting"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    decided_on = forms.DateField(
        label=_("Decided on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def mark_errors(form: forms.Form) -> forms.Form:
    """Point each invalid field at its error message (aria-invalid, aria-describedby)."""
    for name in form.errors:
        if name in form.fields:
            field = form[name]
            widget = form.fields[name].widget
            ids = [f"{field.auto_id}-error"]
            if form.fields[name].help_text:
                ids.append(f"{field.auto_id}_helptext")
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = " ".join(ids)
    return form


def add_service_error(form: forms.Form, exc) -> None:
    """Put a service's refusal next to the field it names (or on top of the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))
    mark_errors(form)


class MilestoneForm(forms.Form):
    """A new milestone of a commitment (bilingual title, dates inside the commitment)."""

    title_zh_hant = forms.CharField(label=_("Title (Traditional Chinese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    weight = forms.CharField(
        label=_("Weight"),
        initial="1",
        help_text=_("A number greater than zero: its share in the commitment's progress."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
