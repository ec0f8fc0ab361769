"""Forms of the spaces pages. They only parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengov.core.forms import ServiceErrorMixin

from . import selectors
from .models import AgeBand, Audience, Channel, Gender, MilestoneStatus, Need, SpaceKind, SpaceRole

DATE = forms.DateInput(attrs={"type": "date"})
TRISTATE = (("", _("Not stated")), ("yes", _("Yes")), ("no", _("No")))


def _place_field(label: Any, *, required: bool = False) -> forms.Field:
    return forms.ChoiceField(label=label, required=required, choices=[])


class _PlaceMixin:
    """Fills the choices of place fields (counties and townships with official codes)."""

    place_fields: tuple[str, ...] = ("place",)
    county_only: tuple[str, ...] = ()

    def _fill_places(self) -> None:
        for name in self.place_fields:
            field = self.fields[name]  # type: ignore[attr-defined]
            blank = ("", _("Any") if not field.required else "—")
            field.choices = [
                blank,
                *selectors.place_choices(townships=name not in self.county_only),
            ]


class SpaceFilterForm(_PlaceMixin, forms.Form):
    """Filters of the list of spaces."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *SpaceKind.choices]
    )
    audience = forms.ChoiceField(
        label=_("Audience"), required=False, choices=[("", _("Any")), *Audience.choices]
    )
    place = _place_field(_("Place"))
    county_only = ("place",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill_places()


class StatementForm(_PlaceMixin, ServiceErrorMixin, forms.Form):
    """What a person chooses to state about themselves; every part optional."""

    age_band = forms.ChoiceField(
        label=_("Age band"), required=False, choices=[("", _("Not stated")), *AgeBand.choices]
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("Not stated")), *Gender.choices]
    )
    new_immigrant = forms.ChoiceField(
        label=_("I am a new immigrant"), required=False, choices=TRISTATE
    )
    indigenous = forms.ChoiceField(
        label=_("I belong to an indigenous people"), required=False, choices=TRISTATE
    )
    hakka = forms.ChoiceField(label=_("I identify as Hakka"), required=False, choices=TRISTATE)
    place = _place_field(_("Where I live"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill_places()
        self.fields["place"].choices[0] = ("", _("Not stated"))

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as `services.statement_set` takes it."""
        data = self.cleaned_data
        tri = {"": None, "yes": True, "no": False}
        return {
            "age_band": data["age_band"],
            "gender": data["gender"],
            "new_immigrant": tri[data["new_immigrant"]],
            "indigenous": tri[data["indigenous"]],
            "hakka": tri[data["hakka"]],
            "place": selectors.place_by_code(data["place"]) if data["place"] else None,
        }


class ProposeForm(ServiceErrorMixin, forms.Form):
    """A proposal submitted in a space."""

    title = forms.CharField(label=_("Title"), max_length=80)
    content = forms.CharField(
        label=_("Content or suggestion"), max_length=5000, widget=forms.Textarea
    )
    benefits = forms.CharField(
        label=_("Benefits and impact"), max_length=3000, widget=forms.Textarea
    )


class RulesForm(ServiceErrorMixin, forms.Form):
    """A space's own co-signature threshold and window, within the allowed range."""

    preset = forms.ChoiceField(label=_("Preset"), required=False)
    cosign_threshold = forms.IntegerField(
        label=_("Co-signatures to pass"), required=False, min_value=0, max_value=10**9
    )
    cosign_window_days = forms.IntegerField(
        label=_("Co-signature window (days)"), required=False, min_value=0, max_value=10**6
    )
    rules_source = forms.CharField(label=_("Source of these rules"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from . import rules

        self.fields["preset"].choices = [("", _("None"))] + [
            (key, source) for key, _t, _d, source in rules.rules().local_presets
        ]


class EventForm(_PlaceMixin, ServiceErrorMixin, forms.Form):
    """A meeting, workshop, hotline session or paper-form round held in the space."""

    title = forms.CharField(label=_("Title"), max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    place = _place_field(_("Place"))
    description = forms.CharField(
        label=_("Description"), required=False, max_length=3000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill_places()


class OfflineInputForm(ServiceErrorMixin, forms.Form):
    """Input gathered offline, entered into one of the space's proposals or consultations."""

    target_kind = forms.ChoiceField(
        label=_("Entered into"),
        choices=(("proposal", _("Proposal")), ("consultation", _("Consultation"))),
    )
    target = forms.UUIDField(label=_("Identifier of the proposal or consultation"))
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Channel.choices if c[0] != "online"]
    )
    event = forms.ChoiceField(label=_("Event"), required=False)
    people = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=1_000_000)
    summary = forms.CharField(label=_("What was said"), max_length=5000, widget=forms.Textarea)

    def __init__(self, *args: Any, space: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        events = list(space.events.all()[:100]) if space is not None else []
        self.fields["event"].choices = [("", _("None"))] + [
            (str(e.public_id), f"{e.held_on:%Y-%m-%d} {e.title}") for e in events
        ]


class AttachForm(ServiceErrorMixin, forms.Form):
    """Hold one of the agency's consultations in the space."""

    consultation = forms.UUIDField(label=_("Identifier of the consultation"))


class RoleForm(ServiceErrorMixin, forms.Form):
    """Name a person moderator or official of the space."""

    email = forms.EmailField(label=_("E-mail address of the person"))
    role = forms.ChoiceField(label=_("Role"), choices=SpaceRole.Role.choices)


class BoardFilterForm(_PlaceMixin, forms.Form):
    """Filters of the revitalisation board."""

    place = _place_field(_("Place"))
    need = forms.ChoiceField(
        label=_("Need"), required=False, choices=[("", _("Any")), *Need.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill_places()


class ProjectForm(_PlaceMixin, ServiceErrorMixin, forms.Form):
    """A local team's revitalisation project."""

    place = _place_field(_("Place"), required=True)
    team = forms.CharField(label=_("Team"), max_length=120)
    title = forms.CharField(label=_("Title"), max_length=120)
    problem = forms.CharField(label=_("Problem"), max_length=3000, widget=forms.Textarea)
    plan = forms.CharField(label=_("Plan"), max_length=5000, widget=forms.Textarea)
    needs = forms.MultipleChoiceField(
        label=_("What the project needs"),
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_detail = forms.CharField(
        label=_("What exactly is needed"), required=False, max_length=3000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fill_places()


class OfferForm(ServiceErrorMixin, forms.Form):
    """What an agency or business offers a project."""

    need = forms.ChoiceField(label=_("For the need"), choices=Need.choices)
    organisation = forms.CharField(
        label=_("Agency or business"),
        required=False,
        max_length=200,
        help_text=_("An official's offer is made in the name of their agency when left blank."),
    )
    description = forms.CharField(label=_("Offer"), max_length=3000, widget=forms.Textarea)


class MilestoneForm(ServiceErrorMixin, forms.Form):
    """A milestone of a project."""

    title = forms.CharField(label=_("Milestone"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)


class ProgressForm(ServiceErrorMixin, forms.Form):
    """A progress report on a milestone."""

    status = forms.ChoiceField(label=_("Status"), choices=MilestoneStatus.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("What was done"), max_length=3000, widget=forms.Textarea)
