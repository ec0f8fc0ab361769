"""Forms of the action-plan pages. They only parse; the services decide and validate."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from opengov.accounts.models import Agency
from opengov.core.forms import apply_service_error
from opengov.core.jurisdiction import jurisdiction

from .models import (
    ActionPlan,
    Commitment,
    Completion,
    MilestoneStatus,
    OpenedGovernment,
    PlanStatus,
    PolicyArea,
    Potential,
    TaskForceMember,
    ThematicArea,
)


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
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
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
        label=_("Decided on"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def weight_from_text(text: str) -> Decimal | None:
    """A milestone weight as typed (`2.5`), or None when it is not a finite number; whether
    it is greater than zero is the service's rule."""
    try:
        weight = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    return weight if weight.is_finite() else None


class MilestoneForm(forms.Form):
    """A new milestone of a commitment (bilingual title, dates inside the commitment)."""

    title_zh_hant = forms.CharField(label=_("Title (Traditional Chinese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    weight = forms.CharField(
        label=_("Weight"),
        initial="1",
        help_text=_("A number greater than zero: its share in the commitment's progress."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def clean_weight(self) -> Decimal:
        """The weight as a decimal number."""
        weight = weight_from_text(self.cleaned_data["weight"])
        if weight is None:
            raise forms.ValidationError(_("The weight must be a number greater than zero."))
        return weight


def _date_field(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def _text(label, rows=3):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}))


class PlanForm(forms.Form):
    """A plan's number, short name, bilingual title and summary, dates, status and new
    thematic areas."""

    number = forms.IntegerField(label=_("Plan number"), min_value=1)
    slug = forms.CharField(
        label=_("Short name"),
        max_length=64,
        help_text=_("Used in the address, e.g. nap3: letters, digits and hyphens."),
    )
    title_zh_hant = forms.CharField(label=_("Title (Traditional Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    summary_zh_hant = _text(_("Summary (Traditional Chinese)"))
    summary_en = _text(_("Summary (English)"))
    start_date = _date_field(_("Start date"))
    end_date = _date_field(_("End date"))
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices)
    new_areas = forms.CharField(
        label=_("Add thematic areas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the Chinese name, then optionally “|” and the English name."),
    )

    def __init__(self, *args, plan: ActionPlan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        areas = list(plan.areas.order_by("order", "id")) if plan is not None else []
        if areas:
            self.fields["remove_areas"] = forms.MultipleChoiceField(
                label=_("Remove thematic areas"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (str(a.pk), f"{a.name_zh_hant} · {a.name_en}" if a.name_en else a.name_zh_hant)
                    for a in areas
                ],
                help_text=_("An area still used by a commitment cannot be removed."),
            )
            names = list(self.fields)
            names.remove("new_areas")
            self.order_fields(names)  # removals first, then additions
        self.has_areas = bool(areas)

    def clean_new_areas(self) -> list[tuple[str, str]]:
        out = []
        for line in self.cleaned_data.get("new_areas", "").splitlines():
            if not line.strip():
                continue
            zh, _sep, en = line.partition("|")
            if not zh.strip():
                raise forms.ValidationError(_("Each line needs a Chinese name before “|”."))
            out.append((zh.strip()[:200], en.strip()[:200]))
        return out


COMMITMENT_TEXT_LABELS = (
    ("actors_government", _("Other actors: government")),
    ("actors_civil_society", _("Other actors: civil society")),
    ("actors_private_sector", _("Other actors: private sector")),
    ("problem", _("The public problem")),
    ("description", _("What the commitment is")),
    ("how_it_helps", _("How it will help")),
    ("budget", _("Budget")),
    ("other_plans", _("Links to other plans")),
)


class CommitmentForm(forms.Form):
    """Every field of the OGP commitment template, bilingual where the model is translated,
    with the values claimed and a justification for each."""

    number = forms.IntegerField(label=_("Commitment number"), min_value=1)
    title_zh_hant = forms.CharField(label=_("Title (Traditional Chinese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    lead_agency = forms.ModelChoiceField(
        label=_("Lead agency"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        empty_label="—",
    )
    area = forms.ModelChoiceField(
        label=_("Thematic area"), queryset=ThematicArea.objects.none(), required=False
    )
    start_date = _date_field(_("Start date"))
    end_date = _date_field(_("End date"))
    policy_areas = forms.MultipleChoiceField(
        label=_("OGP policy areas"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sdgs = forms.CharField(
        label=_("Sustainable Development Goals"),
        required=False,
        max_length=100,
        help_text=_("Goal numbers from 1 to 17, separated by commas."),
    )
    is_draft = forms.BooleanField(label=_("Still a draft"), required=False, initial=True)

    #: the sections of the page: (heading, field names); filled in __init__
    sections: list[tuple[str, list[str]]]

    def __init__(self, *args, plan: ActionPlan, manager: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["lead_agency"].queryset = Agency.objects.filter(active=True).order_by("path")
        self.fields["area"].queryset = plan.areas.order_by("order", "id")
        self.fields["policy_areas"].choices = [
            (a.slug, a.name) for a in PolicyArea.objects.order_by("order", "slug")
        ]
        texts = []
        for base, label in COMMITMENT_TEXT_LABELS:
            for lang, lang_label in (("zh_hant", _("Traditional Chinese")), ("en", _("English"))):
                name = f"{base}_{lang}"
                self.fields[name] = _text(
                    format_lazy(_("{} ({})"), label, lang_label),
                    rows=4 if base in ("problem", "description", "how_it_helps") else 2,
                )
                texts.append(name)
        values = []
        for code, name in value_choices():
            self.fields[f"value_{code}"] = forms.BooleanField(
                label=format_lazy(_("Relevant to {}"), name), required=False
            )
            self.fields[f"justification_{code}"] = _text(
                format_lazy(_("Why it is relevant to {} (Traditional Chinese)"), name), rows=2
            )
            self.fields[f"justification_{code}_en"] = _text(
                format_lazy(_("Why it is relevant to {} (English)"), name), rows=2
            )
            values += [f"value_{code}", f"justification_{code}", f"justification_{code}_en"]
        head = ["number", "title_zh_hant", "title_en", "lead_agency", "area", "start_date"]
        head += ["end_date", "is_draft"]
        if not manager:
            for name in ("number", "lead_agency", "area"):
                del self.fields[name]
                head.remove(name)
        self.sections = [
            (_("The commitment"), head),
            (_("The template"), texts),
            (_("Relevance to the values"), values),
            (_("Tags"), ["policy_areas", "sdgs"]),
        ]

    def add_service_error(self, exc) -> None:
        """A service's refusal beside its field; a missing justification names the value."""
        if exc.code == "justification_required" and exc.field in self.fields:
            code = exc.field.removeprefix("justification_")
            name = dict(value_choices()).get(code, code)
            self.add_error(
                exc.field,
                _("Say briefly why the commitment is relevant to “%(value)s”.") % {"value": name},
            )
            return
        apply_service_error(self, exc)

    def section_fields(self):
        return [(title, [self[n] for n in names]) for title, names in self.sections]

    def value_list(self) -> list[dict[str, str]]:
        """The values claimed, each with its justification, as the services take them."""
        data = self.cleaned_data
        return [
            {
                "value": code,
                "justification_zh_hant": data.get(f"justification_{code}", ""),
                "justification_en": data.get(f"justification_{code}_en", ""),
            }
            for code, _name in value_choices()
            if data.get(f"value_{code}")
        ]

    def service_fields(self) -> dict:
        """The cleaned fields under the services' names (values and tags apart)."""
        data = self.cleaned_data
        out = {
            name: data[name]
            for name in self.fields
            if not name.startswith(("value_", "justification_")) and name != "policy_areas"
        }
        return out

    @staticmethod
    def initial_for(commitment: Commitment) -> dict:
        initial: dict = {
            "number": commitment.number,
            "lead_agency": commitment.lead_agency,
            "area": commitment.area,
            "start_date": commitment.start_date,
            "end_date": commitment.end_date,
            "sdgs": commitment.sdgs,
            "is_draft": commitment.is_draft,
            "policy_areas": [a.slug for a in commitment.policy_areas.all()],
        }
        for base in ("title", *(b for b, _label in COMMITMENT_TEXT_LABELS)):
            for lang in ("zh_hant", "en"):
                initial[f"{base}_{lang}"] = getattr(commitment, f"{base}_{lang}")
        for v in commitment.values.all():
            initial[f"value_{v.value}"] = True
            initial[f"justification_{v.value}"] = v.justification_zh_hant
            initial[f"justification_{v.value}_en"] = v.justification_en
        return initial


class MemberForm(forms.Form):
    """Seat a registered person on the task force."""

    email = forms.EmailField(
        label=_("E-mail address of the person"),
        help_text=_("The person must already have an account."),
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=TaskForceMember.Sector.choices, widget=forms.RadioSelect
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    is_co_convener = forms.BooleanField(label=_("Co-convener"), required=False)
