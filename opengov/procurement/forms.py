"""Forms of the procurement pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import validators
from django.utils.translation import gettext_lazy as _

from opengov.core.forms import ServiceErrorMixin

from . import rules
from .models import ProjectMonitor


class ImportForm(ServiceErrorMixin, forms.Form):
    """Upload of an OCDS file."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An OCDS 1.1 release package or record package, as JSON or JSON Lines (one "
            "release, record or package per line), UTF-8."
        ),
    )
    keep_valid = forms.BooleanField(
        label=_("Keep the valid releases"),
        required=False,
        help_text=_(
            "Without this, a file with any unreadable release is refused whole; with it, the "
            "readable releases are imported and the others are listed in the report."
        ),
    )


class NoticeImportForm(ServiceErrorMixin, forms.Form):
    """Upload of PCC notices ("section:field" JSON)."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PCC tender or award notices as a JSON array (or JSON Lines) of objects whose keys "
            'are "section:field", e.g. 決標資料:總決標金額.'
        ),
    )
    keep_valid = forms.BooleanField(label=_("Keep the valid notices"), required=False)


class SearchForm(forms.Form):
    """Search of processes."""

    q = forms.CharField(label=_("Process id, title or buyer"), required=False, max_length=100)


class NoteForm(ServiceErrorMixin, forms.Form):
    """A monitor's note."""

    body = forms.CharField(label=_("Note"), widget=forms.Textarea, max_length=20000)


class QuestionForm(ServiceErrorMixin, forms.Form):
    """A public question (at most the profile's `procurement.question_max_chars`)."""

    body = forms.CharField(label=_("Your question"), widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = rules.rules().question_max_chars
        body = self.fields["body"]
        body.max_length = limit
        body.validators.append(validators.MaxLengthValidator(limit))


class AnswerForm(ServiceErrorMixin, forms.Form):
    """The agency's answer to a question."""

    question = forms.UUIDField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea, max_length=20000)


class MilestoneForm(ServiceErrorMixin, forms.Form):
    """A new milestone."""

    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    done_on = forms.DateField(
        label=_("Done on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DocumentForm(ServiceErrorMixin, forms.Form):
    """A document for a project."""

    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"))


class MonitorForm(ServiceErrorMixin, forms.Form):
    """A monitor's seat."""

    email = forms.EmailField(label=_("E-mail of the account"))
    role = forms.ChoiceField(label=_("Role"), choices=ProjectMonitor.Role.choices)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    field_aliases = {"user": "email"}


class ProjectForm(ServiceErrorMixin, forms.Form):
    """A new integrity-platform project."""

    title = forms.CharField(label=_("Title"), max_length=300)
    slug = forms.SlugField(
        label=_("Address"), max_length=80, help_text=_("Lower-case letters, digits and hyphens.")
    )
    agency = forms.CharField(label=_("Agency code"), max_length=50)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    budget = forms.IntegerField(label=_("Budget (NT$)"), min_value=0, required=False)
    ocids = forms.CharField(
        label=_("Processes (ocids, one per line)"), widget=forms.Textarea, required=False
    )
    published = forms.BooleanField(label=_("Publish now"), required=False)


class HideForm(ServiceErrorMixin, forms.Form):
    """Hiding a public question, with the reason."""

    question = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for hiding"), max_length=300)
