"""Rules of the open data catalogue: licences and their attribution, search and download limits.

Numbers come from `jurisdiction().open_data`; nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from opengov.core.jurisdiction import jurisdiction


@dataclass(frozen=True)
class Licence:
    """An open licence: SPDX-style id, title, URL, and the attribution statement it requires."""

    id: str
    title: str
    url: str
    statement: str
    od_conformance: str = "approved"


#: Licences the catalogue knows. OGDL-Taiwan-1.0: Open Government Data License, version 1.0
#: (政府資料開放授權條款－第1版), Art. 4 requires attribution naming the provider, the year,
#: the dataset and its version, and this statement.
LICENCES: dict[str, Licence] = {
    "OGDL-Taiwan-1.0": Licence(
        id="OGDL-Taiwan-1.0",
        title="政府資料開放授權條款－第1版 (Open Government Data License, version 1.0)",
        url="https://data.gov.tw/license",
        statement=(
            "此開放資料依政府資料開放授權條款 (Open Government Data License) 進行公眾釋出，"
            "使用者於遵守本條款各項規定之前提下，得利用之。"
            "政府資料開放授權條款：https://data.gov.tw/license"
        ),
    ),
    "OGL-UK-3.0": Licence(
        id="OGL-UK-3.0",
        title="Open Government Licence v3.0",
        url="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        statement="Contains public sector information licensed under the Open Government "
        "Licence v3.0.",
    ),
    "CC-BY-4.0": Licence(
        id="CC-BY-4.0",
        title="Creative Commons Attribution 4.0",
        url="https://creativecommons.org/licenses/by/4.0/",
        statement="Licensed under CC BY 4.0: https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC0-1.0": Licence(
        id="CC0-1.0",
        title="CC0 1.0 Universal (public domain dedication)",
        url="https://creativecommons.org/publicdomain/zero/1.0/",
        statement="",
    ),
}


def default_licence() -> str:
    """The licence a dataset gets unless its publisher picks another (OGDL in Taiwan)."""
    return jurisdiction().open_data.default_licence


def licence(licence_id: str) -> Licence:
    """The licence with this id; an unknown id is shown as itself, with no statement."""
    return LICENCES.get(licence_id) or Licence(
        id=licence_id, title=licence_id, url="", statement=""
    )


def attribution(*, licence_id: str, publisher: str, year: int, title: str, version: str) -> str:
    """The attribution text a re-user must show (OGDL v1.0 Art. 4: provider, year, dataset
    name and version, and the licence statement)."""
    lic = licence(licence_id)
    head = _("%(publisher)s %(year)s %(title)s (version %(version)s)") % {
        "publisher": publisher,
        "year": year,
        "title": title,
        "version": version,
    }
    return f"{head}. {lic.statement}".strip() if lic.statement else head


@dataclass(frozen=True)
class Capped:
    """A requested row count after the limit: the rows to return and, if capped, why."""

    rows: int
    message: str = ""


def search_rows(requested: int | None) -> Capped:
    """Rows of one package_search page: the default when absent, at most `search_max_rows`
    (CKAN Action API `ckan.search.rows_max`, 1000)."""
    rules = jurisdiction().open_data
    if requested is None:
        return Capped(rules.search_default_rows)
    if requested > rules.search_max_rows:
        return Capped(
            rules.search_max_rows,
            _("rows is limited to %(max)d; %(max)d rows returned (use start to page).")
            % {"max": rules.search_max_rows},
        )
    return Capped(max(0, requested))


def download_limit(*, keyed: bool) -> tuple[int, int]:
    """(downloads allowed, window in seconds) for a caller with or without an API key."""
    rules = jurisdiction().open_data
    per_window = rules.keyed_downloads_per_hour if keyed else rules.anonymous_downloads_per_hour
    return per_window, rules.download_window_seconds


def accepted_encodings() -> tuple[str, ...]:
    """Text encodings an upload may come in (UTF-8, UTF-8 with BOM, Big5 in Taiwan)."""
    return jurisdiction().open_data.upload_encodings


def upload_too_large(size: int) -> bool:
    """True when an upload exceeds the size the platform accepts."""
    return size > jurisdiction().open_data.upload_max_bytes
