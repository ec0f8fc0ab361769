"""Forms of the ownership pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opengov.core.forms import ServiceErrorMixin

from .models import Interest

INTEREST_CHOICES = [
    ("shareholding", _("Shares or capital")),
    ("votingRights", _("Voting rights")),
    ("appointmentOfBoard", _("Appoints or removes the board")),
    ("otherInfluenceOrControl", _("Other influence or control")),
    ("seniorManagingOfficial", _("Senior managing official")),
    ("boardMember", _("Director")),
    ("boardChair", _("Chair of the board")),
]


class DeclarationForm(ServiceErrorMixin, forms.Form):
    """A company's representative declares one holder of one interest."""

    holder_kind = forms.ChoiceField(
        label=_("The holder is"),
        choices=[("person", _("a natural person")), ("entity", _("a company or other entity"))],
        widget=forms.RadioSelect,
        initial="person",
    )
    holder_name = forms.CharField(label=_("Name"), max_length=300)
    interest_type = forms.ChoiceField(label=_("Interest"), choices=INTEREST_CHOICES)
    share_exact = forms.DecimalField(
        label=_("Share (%)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("The exact share in percent; or give a range below."),
    )
    share_min = forms.DecimalField(
        label=_("Share at least (%)"), required=False, max_digits=9, decimal_places=6
    )
    share_max = forms.DecimalField(
        label=_("Share at most (%)"), required=False, max_digits=9, decimal_places=6
    )
    direct_or_indirect = forms.ChoiceField(
        label=_("Held"),
        choices=[
            (Interest.Directness.DIRECT, _("directly")),
            (Interest.Directness.INDIRECT, _("indirectly, through entities not named here")),
        ],
        initial=Interest.Directness.DIRECT,
    )
    nationality = forms.CharField(
        label=_("Nationality (country code)"),
        required=False,
        max_length=10,
        help_text=_("Persons only, e.g. TW."),
    )
    national_id = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=20,
        help_text=_(
            "Persons only. Kept as a keyed hash and a masked form, never published "
            "(Company Act Art. 22-1)."
        ),
    )
    birth_date = forms.CharField(
        label=_("Date of birth"),
        required=False,
        max_length=10,
        help_text=_("YYYY-MM-DD; never published."),
    )
    business_number = forms.CharField(
        label=_("Unified business number"),
        required=False,
        max_length=20,
        help_text=_("Entities only."),
    )


class ImportForm(ServiceErrorMixin, forms.Form):
    """Upload of a BODS 0.4 file."""

    file = forms.FileField(
        label=_("BODS 0.4 file"),
        help_text=_("A JSON array of statements, or JSON Lines (one statement a line)."),
    )


class EntityForm(ServiceErrorMixin, forms.Form):
    """An entity added to the ownership register."""

    name = forms.CharField(label=_("Name"), max_length=300)
    business_number = forms.CharField(
        label=_("Unified business number"), required=False, max_length=20
    )


class RepresentativeForm(ServiceErrorMixin, forms.Form):
    """Who may declare for an entity."""

    email = forms.EmailField(label=_("E-mail address of the representative's account"))
