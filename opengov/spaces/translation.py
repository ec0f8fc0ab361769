"""Space names and descriptions are translated per field (institutional content)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Place, Space


@register(Space)
class SpaceTranslationOptions(TranslationOptions):
    """A space's name and description."""

    fields = ("name", "description")


@register(Place)
class PlaceTranslationOptions(TranslationOptions):
    """A place's name (the official Chinese name; English where known)."""

    fields = ("name",)
