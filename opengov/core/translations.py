"""Institutional content translated per field (`core.models.ContentTranslation`).

Interface strings are translated in gettext catalogues; the text agencies write (a
consultation's summary, a participation space's description) is translated per record and
per field. An app registers which fields of which model may be translated and who may write
the translations (`register_translatable`, usually in its `AppConfig.ready`); writes go
through `core.services.content_translation_set`; pages read with `translated` (the template
tag `{% translated obj "field" as t %}` gives `t.text` and `t.language` for its `lang`).

Why not more django-modeltranslation columns: see docs/ARCHITECTURE.md, "Languages".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language


@dataclass(frozen=True)
class Translatable:
    """The translatable fields of one model and who may translate a record of it."""

    fields: tuple[str, ...]
    may_translate: Callable[[Any, models.Model], bool]
    max_length: int = 20000


_registry: dict[str, Translatable] = {}


def register_translatable(
    model: type[models.Model],
    fields: tuple[str, ...],
    *,
    may_translate: Callable[[Any, models.Model], bool],
    max_length: int = 20000,
) -> None:
    """Let `fields` of `model` be translated by the users `may_translate(user, record)` allows."""
    _registry[model._meta.label_lower] = Translatable(tuple(fields), may_translate, max_length)


def translatable_for(obj: models.Model) -> Translatable | None:
    """The registration of `obj`'s model, if its fields may be translated."""
    return _registry.get(obj._meta.label_lower)


def original_language() -> str:
    """The language institutional records are written in (the platform's default)."""
    return settings.LANGUAGE_CODE


def translation_languages() -> list[tuple[str, str]]:
    """The shipped languages a record may be translated into (all but the original's)."""
    return [(code, name) for code, name in settings.LANGUAGES if code != original_language()]


@dataclass(frozen=True)
class TranslatedText:
    """A field's text in the reader's language if translated, else the original; `language`
    is the language the text is in (for the element's `lang`)."""

    text: str
    language: str
    translated: bool


def _rows(obj: models.Model) -> Any:
    from django.contrib.contenttypes.models import ContentType

    from .models import ContentTranslation

    return ContentTranslation.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )


def translated(obj: models.Model, field: str, language: str | None = None) -> TranslatedText:
    """`obj.field` in `language` (default: the active one) when translated, else the original."""
    original = TranslatedText(str(getattr(obj, field) or ""), original_language(), False)
    language = (language or get_language() or "").lower()
    entry = translatable_for(obj)
    if entry is None or field not in entry.fields or language == original_language():
        return original
    # one query per record and language, however many of its fields the page shows
    cache = obj.__dict__.setdefault("_content_translations", {})
    if language not in cache:
        cache[language] = dict(_rows(obj).filter(language=language).values_list("field", "text"))
    text = cache[language].get(field)
    return TranslatedText(text, language, True) if text else original


def translations_of(obj: models.Model) -> dict[str, dict[str, str]]:
    """Every translation of `obj`: `{language: {field: text}}`, languages and fields sorted."""
    result: dict[str, dict[str, str]] = {}
    for language, field, text in (
        _rows(obj).order_by("language", "field").values_list("language", "field", "text")
    ):
        result.setdefault(language, {})[field] = text
    return result


def translations_by_id(model: type[models.Model]) -> dict[int, dict[str, dict[str, str]]]:
    """Every translation of every record of `model` in one query (for exports):
    `{pk: {language: {field: text}}}`."""
    from django.contrib.contenttypes.models import ContentType

    from .models import ContentTranslation

    result: dict[int, dict[str, dict[str, str]]] = {}
    rows = ContentTranslation.objects.filter(
        content_type=ContentType.objects.get_for_model(model)
    ).order_by("object_id", "language", "field")
    for object_id, language, field, text in rows.values_list(
        "object_id", "language", "field", "text"
    ):
        result.setdefault(object_id, {}).setdefault(language, {})[field] = text
    return result
