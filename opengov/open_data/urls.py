"""Pages of open_data: catalogue, datasets, downloads, DCAT-AP, uploads, showcase."""

from django.urls import path, register_converter

from . import views


class DownloadFormat:
    """csv, json or jsonl."""

    regex = "csv|jsonl|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class RdfFormat:
    """jsonld or ttl."""

    regex = "jsonld|ttl"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DownloadFormat, "dlfmt")
register_converter(RdfFormat, "rdffmt")

app_name = "open_data"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("catalog.<rdffmt:fmt>", views.catalogue_dcat, name="catalogue_dcat"),
    path("new/", views.dataset_new, name="dataset_new"),
    path("showcase/", views.showcases, name="showcases"),
    path("showcase/submit/", views.showcase_submit, name="showcase_submit"),
    path("showcase/moderation/", views.showcase_moderation, name="showcase_moderation"),
    path("datasets/<slug:name>/", views.dataset, name="dataset"),
    path("datasets/<slug:name>/dictionary/", views.dictionary, name="dictionary"),
    path("datasets/<slug:name>/new-version/", views.version_new, name="version_new"),
    path("datasets/<slug:name>/edit/", views.dataset_edit, name="dataset_edit"),
    path("datasets/<slug:name>/download.<dlfmt:fmt>", views.download, name="download"),
    path("datasets/<slug:name>/dcat.<rdffmt:fmt>", views.dataset_dcat, name="dataset_dcat"),
    path(
        "datasets/<slug:name>/versions/<int:number>/download.<dlfmt:fmt>",
        views.version_download,
        name="version_download",
    ),
    path(
        "datasets/<slug:name>/versions/<int:number>/original",
        views.version_original,
        name="version_original",
    ),
]
