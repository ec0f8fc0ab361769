"""Forms of the open data pages (they parse; services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Frequency, Theme

ENCODINGS = [
    ("auto", _("Detect (UTF-8 or Big5)")),
    ("utf-8", "UTF-8"),
    ("utf-8-sig", _("UTF-8 with BOM")),
    ("big5", "Big5"),
]


FILE_HELP = _(
    "A table: one row per record, one plain value per cell. JSON is a list of objects (or of "
    "lists, the first one naming the columns); nested objects or lists in a cell are refused."
)


class _FieldsMixin(forms.Form):
    encoding = forms.ChoiceField(label=_("Text encoding"), choices=ENCODINGS, initial="auto")
    fields = forms.CharField(
        label=_("Field descriptions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One column per line: name | type | required or optional | description. Types: "
            "string, integer, number, boolean, date, datetime. Leave empty to infer the types "
            "(or, for a new version, to keep the current fields)."
        ),
    )
    note = forms.CharField(label=_("What changed"), required=False, max_length=500)


class MetadataForm(forms.Form):
    """A dataset's description (DCAT-AP / data.gov.tw metadata)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea)
    keywords = forms.CharField(
        label=_("Keywords"), required=False, help_text=_("Separated by commas.")
    )
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    update_frequency = forms.ChoiceField(label=_("Update frequency"), choices=Frequency.choices)
    contact_name = forms.CharField(
        label=_("Contact point"), max_length=100, help_text=_("An office, not a person.")
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    temporal_start = forms.DateField(
        label=_("Temporal coverage from"), required=False, widget=forms.DateInput({"type": "date"})
    )
    temporal_end = forms.DateField(
        label=_("Temporal coverage to"), required=False, widget=forms.DateInput({"type": "date"})
    )
    spatial = forms.CharField(label=_("Spatial coverage"), required=False, max_length=200)
    licence = forms.ChoiceField(label=_("Licence"))

    METADATA = (
        "title",
        "description",
        "keywords",
        "theme",
        "update_frequency",
        "contact_name",
        "contact_email",
        "temporal_start",
        "temporal_end",
        "spatial",
        "licence",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["licence"].choices = [(k, v.title) for k, v in rules.LICENCES.items()]
        self.fields["licence"].initial = rules.default_licence()


class DatasetForm(MetadataForm, _FieldsMixin):
    """A new agency dataset and its first file."""

    agency = forms.ChoiceField(label=_("Publisher"))
    name = forms.SlugField(
        label=_("Identifier"),
        max_length=100,
        help_text=_("Lower-case letters, digits and hyphens; used in the dataset's address."),
    )
    file = forms.FileField(label=_("Data file (CSV, JSON or XLSX)"), help_text=FILE_HELP)

    field_order = ["agency", "name", *MetadataForm.METADATA, "file", "encoding", "fields", "note"]

    def __init__(self, *args, agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.code, a.name) for a in agencies]


class VersionForm(_FieldsMixin):
    """A new version of an existing dataset."""

    file = forms.FileField(label=_("Data file (CSV, JSON or XLSX)"), help_text=FILE_HELP)
    field_order = ["file", "encoding", "fields", "note"]


class ShowcaseForm(forms.Form):
    """An application built on the platform's data."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea)
    url = forms.URLField(
        label=_("Address of the application"), max_length=500, assume_scheme="https"
    )
    datasets = forms.CharField(
        label=_("Datasets used"),
        help_text=_("Identifiers of the datasets, separated by commas."),
    )


class ModerationForm(forms.Form):
    """A moderator's decision on a showcase."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Publish")), ("reject", _("Do not publish"))]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
