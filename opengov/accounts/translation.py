"""Fields translated per language with django-modeltranslation."""

from modeltranslation.translator import TranslationOptions, register

from .models import Agency


@register(Agency)
class AgencyTranslationOptions(TranslationOptions):
    """Agency names in zh-Hant and English."""

    fields = ("name", "abbreviation")
