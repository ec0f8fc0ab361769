"""Forms of the registry pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opengov.core.forms import ServiceErrorMixin

from .models import ImportRun, MatchDecision


class ImportForm(ServiceErrorMixin, forms.Form):
    """Upload of a company registry open-data file."""

    dataset = forms.ChoiceField(label=_("Dataset"), choices=ImportRun.Dataset.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or JSON from the company registry's open data, UTF-8 or Big5."),
    )
    as_of = forms.DateField(
        label=_("Data as of"),
        required=False,
        help_text=_("The date the file describes (YYYY-MM-DD); today when empty."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DecisionForm(ServiceErrorMixin, forms.Form):
    """A reviewer's decision on a queued match."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=MatchDecision.Decision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class SearchForm(forms.Form):
    """Search of organisations and people."""

    q = forms.CharField(label=_("Business number or name"), required=False, max_length=100)


class AsOfForm(forms.Form):
    """The date to show an organisation as it was."""

    on = forms.DateField(
        label=_("As it was on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
