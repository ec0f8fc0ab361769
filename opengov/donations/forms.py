"""Forms of the donations pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengov.core.forms import ServiceErrorMixin

from .models import Office


class DonationSearchForm(forms.Form):
    """Search of donations by donor, candidate, party, election or business number."""

    q = forms.CharField(
        label=_("Donor, candidate, party or business number"), required=False, max_length=100
    )


class ImportForm(ServiceErrorMixin, forms.Form):
    """Upload of a Control Yuan income and expenditure file."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV from the Control Yuan's disclosure platform, UTF-8 or Big5."),
    )
    election = forms.CharField(
        label=_("Election"),
        required=False,
        max_length=200,
        help_text=_("The election's name, when the file does not say it."),
    )


class CorrectionsForm(ServiceErrorMixin, forms.Form):
    """Upload of a Control Yuan correction list (更正資料)."""

    file = forms.FileField(
        label=_("Correction list"),
        help_text=_(
            "CSV, UTF-8 or Big5: one row per corrected field (更正欄位, 更正前, 更正後) or one "
            "row per corrected transaction with its corrected columns, each with its "
            "資料更正日期."
        ),
    )
    election = forms.CharField(
        label=_("Election"),
        required=False,
        max_length=200,
        help_text=_("The election's name, when the list does not say it."),
    )


def _date(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class ElectionForm(ServiceErrorMixin, forms.Form):
    """An election's office, vote date and collection window (Political Donations Act Art.
    12); the service checks the window against the profile's rules."""

    office = forms.ChoiceField(label=_("Office"), choices=Office.choices)
    vote_date = _date(_("Vote date"))
    window_start = _date(
        _("First day of the collection window"),
        _(
            "Leave both days empty for the window of Art. 12 ¶1 (from the office's months "
            "before the vote). A by-election or re-run election opens it the day after the event."
        ),
    )
    window_end = _date(
        _("Last day of the collection window"), _("The day before the vote at the latest.")
    )


class ReviewForm(ServiceErrorMixin, forms.Form):
    """An analyst's review of a finding."""

    note = forms.CharField(label=_("What you checked"), widget=forms.Textarea, max_length=4000)
