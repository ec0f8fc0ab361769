"""Institutional text of action plans in zh-Hant and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import ActionPlan, Commitment, CommitmentValue, Milestone, PolicyArea, ThematicArea


@register(PolicyArea)
class PolicyAreaTranslationOptions(TranslationOptions):
    """OGP policy-area names."""

    fields = ("name",)


@register(ActionPlan)
class ActionPlanTranslationOptions(TranslationOptions):
    """Plan title and summary."""

    fields = ("title", "summary")


@register(ThematicArea)
class ThematicAreaTranslationOptions(TranslationOptions):
    """Thematic area names."""

    fields = ("name",)


@register(Commitment)
class CommitmentTranslationOptions(TranslationOptions):
    """Every text field of the OGP commitment template."""

    fields = (
        "title",
        "actors_government",
        "actors_civil_society",
        "actors_private_sector",
        "problem",
        "description",
        "how_it_helps",
        "budget",
        "other_plans",
    )


@register(CommitmentValue)
class CommitmentValueTranslationOptions(TranslationOptions):
    """The justification of each value claimed."""

    fields = ("justification",)


@register(Milestone)
class MilestoneTranslationOptions(TranslationOptions):
    """Milestone titles."""

    fields = ("title",)
