"""The platform's languages: the ones it ships, the ones it is ready for, and their catalogues.

A language is *shipped* when it is in `settings.LANGUAGES`: the switcher offers it and every
app must then have a complete catalogue for it (`catalogue_problems` lists what is missing;
`core/tests/test_translations.py` fails on any). Django's `LANG_INFO` knows Vietnamese,
Indonesian and Thai but not Taiwan's Hakka or the Formosan languages; `EXTRA_LANG_INFO` adds
them (registered when the core app is ready), so shipping one is two steps: a catalogue per app
(`locale/<ll>/LC_MESSAGES/django.po`, same msgids as the zh_Hant one) and a line in
`settings.LANGUAGES`. See docs/ARCHITECTURE.md, "Languages".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf.locale import LANG_INFO
from django.utils.translation import to_locale

# Languages the platform is ready for but Django does not describe. Codes are ISO 639-3
# (Django takes any code it finds in LANG_INFO); `name_local` is how speakers name the
# language, as the Hakka Affairs Council and the Council of Indigenous Peoples write it.
EXTRA_LANG_INFO: dict[str, dict[str, object]] = {
    "hak": {"bidi": False, "code": "hak", "name": "Hakka", "name_local": "客語"},
    "ami": {"bidi": False, "code": "ami", "name": "Amis", "name_local": "Pangcah"},
    "tay": {"bidi": False, "code": "tay", "name": "Atayal", "name_local": "Tayal"},
    "pwn": {"bidi": False, "code": "pwn", "name": "Paiwan", "name_local": "Pinayuanan"},
    "bnn": {"bidi": False, "code": "bnn", "name": "Bunun", "name_local": "Bunun"},
    "trv": {"bidi": False, "code": "trv", "name": "Truku", "name_local": "Truku"},
}

# The BCP 47 tag a page in this language carries in `lang` (script and region where the
# code alone does not say how the text is written). Other codes are their own tag.
LANGUAGE_TAGS: dict[str, str] = {
    "zh-hant": "zh-Hant-TW",
    "hak": "hak-Hant-TW",
}

# Number of plural forms per language (gettext Plural-Forms); Chinese, Vietnamese,
# Indonesian, Thai and the Formosan languages do not inflect nouns for number.
PLURAL_FORMS: dict[str, int] = {"en": 2}

# The catalogue every other one is compared with: each app keeps one, its msgids are the
# source strings the code uses.
REFERENCE_LOCALE = "zh_Hant"
SOURCE_LANGUAGE = "en"

_PLACEHOLDER = re.compile(
    r"%%|%\([A-Za-z_0-9]+\)[sdif]|%[sdif]|\{[A-Za-z_0-9]*\}|&[a-z]+;"
    r"|</?(?:a|abbr|b|br|code|em|i|kbd|li|ol|p|small|span|strong|time|ul)\b[^>]*>"
)


def register_extra_languages() -> None:
    """Make `get_language_info` know the languages in `EXTRA_LANG_INFO` (idempotent)."""
    for code, info in EXTRA_LANG_INFO.items():
        LANG_INFO.setdefault(code, info)


def language_tag(code: str) -> str:
    """The BCP 47 tag for a Django language code, for `lang` attributes."""
    return LANGUAGE_TAGS.get(code.lower(), code)


def placeholders(text: str) -> list[str]:
    """The placeholders, markup and `%%` escapes of a message, sorted: a translation must
    keep exactly these (`%(name)s`, `{name}`, HTML tags, entities)."""
    return sorted(_PLACEHOLDER.findall(text))


@dataclass(frozen=True)
class CatalogueProblem:
    """One thing wrong with one message of one catalogue."""

    path: str
    msgid: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}: {self.msgid[:70]!r}"


def reference_catalogues(root: Path) -> list[Path]:
    """Every app's reference (zh_Hant) catalogue under `root` (the `opengov` package)."""
    return sorted(root.glob(f"**/locale/{REFERENCE_LOCALE}/LC_MESSAGES/django.po"))


def catalogue_for(reference: Path, code: str) -> Path:
    """Where the catalogue of language `code` lives beside a reference catalogue."""
    return reference.parents[2] / to_locale(code) / "LC_MESSAGES" / "django.po"


def catalogue_problems(root: Path, codes: list[str]) -> list[CatalogueProblem]:
    """What keeps the catalogues of `codes` under `root` from being complete: a missing
    catalogue, a message missing, untranslated or fuzzy, a plural form left empty, a wrong
    number of plural forms, or a translation whose placeholders differ from the source."""
    import polib

    problems: list[CatalogueProblem] = []
    for reference in reference_catalogues(root):
        wanted = {
            (entry.msgctxt, entry.msgid): entry
            for entry in polib.pofile(str(reference))
            if not entry.obsolete
        }
        for code in codes:
            if code == SOURCE_LANGUAGE:
                continue
            path = catalogue_for(reference, code)
            shown = str(path.relative_to(root.parent))
            if not path.exists():
                problems.append(CatalogueProblem(shown, "", "no catalogue"))
                continue
            catalogue = polib.pofile(str(path))
            found = {(e.msgctxt, e.msgid): e for e in catalogue if not e.obsolete}
            nplurals = PLURAL_FORMS.get(code, 1)
            for key, source in wanted.items():
                entry = found.get(key)
                if entry is None:
                    problems.append(CatalogueProblem(shown, source.msgid, "missing"))
                    continue
                if "fuzzy" in entry.flags:
                    problems.append(CatalogueProblem(shown, source.msgid, "fuzzy"))
                if source.msgid_plural:
                    forms = [entry.msgstr_plural.get(i, "") for i in range(nplurals)]
                    if len(entry.msgstr_plural) != nplurals:
                        problems.append(
                            CatalogueProblem(shown, source.msgid, f"not {nplurals} plural forms")
                        )
                    expected = set(placeholders(source.msgid_plural))
                    for form in forms:
                        if not form.strip():
                            problems.append(CatalogueProblem(shown, source.msgid, "untranslated"))
                        elif set(placeholders(form)) != expected:
                            problems.append(
                                CatalogueProblem(shown, source.msgid, "placeholders differ")
                            )
                    continue
                if not entry.msgstr.strip():
                    problems.append(CatalogueProblem(shown, source.msgid, "untranslated"))
                elif placeholders(entry.msgstr) != placeholders(source.msgid):
                    problems.append(CatalogueProblem(shown, source.msgid, "placeholders differ"))
    return problems
