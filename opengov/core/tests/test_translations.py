"""Every shipped language is complete; pages carry the right language tags and switcher."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info

from opengov.core.languages import (
    EXTRA_LANG_INFO,
    catalogue_problems,
    language_tag,
    placeholders,
    reference_catalogues,
)

ROOT = Path(settings.BASE_DIR) / "opengov"
SHIPPED = [code for code, _name in settings.LANGUAGES]


def test_the_new_immigrant_languages_are_shipped():
    assert {"zh-hant", "en", "vi", "id", "th"} <= set(SHIPPED)


def test_every_app_has_a_reference_catalogue():
    apps = {path.parts[-5] for path in reference_catalogues(ROOT)}
    assert {"opengov", "core", "accounts", "proposals", "consultations"} <= apps


@pytest.mark.parametrize("code", [code for code in SHIPPED if code != "en"])
def test_every_message_is_translated_with_its_placeholders(code):
    problems = catalogue_problems(ROOT, [code])
    assert not problems, "\n".join(str(p) for p in problems[:50])


def _catalogue(tmp_path, rows, plural=None):
    """A one-app tree with a zh_Hant reference and a Vietnamese catalogue."""
    for locale, entries in (("zh_Hant", rows), ("vi", plural or rows)):
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
        for entry in entries:
            po.append(entry)
        path = tmp_path / "app" / "locale" / locale / "LC_MESSAGES" / "django.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(path))
    return tmp_path


def test_an_untranslated_message_is_reported(tmp_path):
    root = _catalogue(tmp_path, [polib.POEntry(msgid="Save", msgstr="")])
    (problem,) = catalogue_problems(root, ["vi"])
    assert problem.problem == "untranslated"
    assert problem.msgid == "Save"


def test_a_lost_placeholder_is_reported(tmp_path):
    root = _catalogue(
        tmp_path,
        [polib.POEntry(msgid="Hello %(name)s", msgstr="Xin chào")],
    )
    (problem,) = catalogue_problems(root, ["vi"])
    assert problem.problem == "placeholders differ"


def test_a_missing_message_and_a_missing_catalogue_are_reported(tmp_path):
    root = _catalogue(tmp_path, [polib.POEntry(msgid="Save", msgstr="x")])
    vi = tmp_path / "app" / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(vi))
    po.append(polib.POEntry(msgid="Other", msgstr="y"))
    po.remove(po.find("Save"))
    po.save(str(vi))
    problems = {p.problem for p in catalogue_problems(root, ["vi", "th"])}
    assert problems == {"missing", "no catalogue"}


def test_an_empty_plural_form_is_reported(tmp_path):
    entry = polib.POEntry(msgid="%(n)s item", msgid_plural="%(n)s items", msgstr_plural={0: ""})
    root = _catalogue(tmp_path, [entry])
    (problem,) = catalogue_problems(root, ["vi"])
    assert problem.problem == "untranslated"


def test_placeholders_cover_formats_markup_and_percent_escapes():
    text = 'Hi %(name)s, {count} <strong>%(x)d</strong> 5 %% &amp; "<token>"'
    assert placeholders(text) == sorted(
        ["%(name)s", "{count}", "<strong>", "%(x)d", "</strong>", "%%", "&amp;"]
    )


def test_hakka_and_formosan_languages_are_described_but_not_shipped():
    assert get_language_info("hak")["name_local"] == "客語"
    assert get_language_info("ami")["name_local"] == "Pangcah"
    assert not set(EXTRA_LANG_INFO) & set(SHIPPED)
    assert language_tag("hak") == "hak-Hant-TW"
    assert language_tag("zh-hant") == "zh-Hant-TW"
    assert language_tag("vi") == "vi"


@pytest.mark.parametrize(
    ("code", "tag", "title"),
    [
        ("vi", "vi", "Nền tảng Chính phủ Mở"),
        ("id", "id", "Platform Pemerintahan Terbuka"),
        ("th", "th", "แพลตฟอร์มรัฐบาลเปิด"),
        ("zh-hant", "zh-Hant-TW", "開放政府平台"),
    ],
)
@pytest.mark.django_db
def test_pages_speak_the_chosen_language(client, code, tag, title):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    html = client.get("/").content.decode()
    assert f'<html lang="{tag}"' in html
    assert title in html


@pytest.mark.django_db
def test_the_switcher_names_each_language_in_itself_with_its_tag(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = client.get("/").content.decode()
    assert 'aria-current="true" lang="vi">Tiếng Việt<' in html
    for code, tag, name in [
        ("zh-hant", "zh-Hant-TW", "繁體中文"),
        ("en", "en", "English"),
        ("id", "id", "Bahasa Indonesia"),
        ("th", "th", "ภาษาไทย"),
    ]:
        assert f'value="{code}" class="link-button" lang="{tag}">{name}<' in html
    assert '<nav aria-label="Ngôn ngữ"' in html


@pytest.mark.django_db
def test_choosing_a_language_sets_it(client):
    response = client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "th"
    html = client.get("/").content.decode()
    assert '<html lang="th"' in html


def test_plural_messages_use_the_one_form_of_each_language():
    for code in ("vi", "id", "th"):
        with translation.override(code):
            one = translation.ngettext("%(n)s day left", "%(n)s days left", 1) % {"n": 1}
            many = translation.ngettext("%(n)s day left", "%(n)s days left", 5) % {"n": 5}
        assert "1" in one and "5" in many
        assert one.replace("1", "5") == many
