"""DCAT-AP descriptions of the catalogue and its datasets (rdflib graphs, JSON-LD or Turtle).

Mandatory DCAT-AP properties carried: catalogue title, description, publisher, datasets;
dataset title and description; distribution access URL. Recommended ones too: contact point,
distributions, keywords, publisher, spatial and temporal coverage, theme; distribution
format, licence, download URL, media type. The catalogue pages like ckanext-dcat's, with
Hydra paging properties, so harvesters can walk it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from .models import Theme
from .selectors import Entry, platform_name

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
THEMES = "http://publications.europa.eu/resource/authority/data-theme"
LANGUAGES = "http://publications.europa.eu/resource/authority/language/"
FREQUENCIES = "http://publications.europa.eu/resource/authority/frequency/"
FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
FREQUENCY_CODES = {
    "continuous": "CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "annual": "ANNUAL",
    "yearly": "ANNUAL",
    "irregular": "IRREG",
    "never": "NEVER",
}
#: format -> (EU file type, IANA media type or None). JSON Lines has no registered media type,
#: so its distributions state the file type alone.
MEDIA_TYPES = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
    "jsonl": ("JSON_LINES", None),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
FORMATS = {"jsonld": ("json-ld", "application/ld+json"), "ttl": ("turtle", "text/turtle")}


def absolute(path: str) -> str:
    """An absolute URL on this site."""
    return settings.SITE_URL + path


def dataset_page(entry: Entry) -> URIRef:
    """The dataset's page (its landing page, a foaf:Document)."""
    return URIRef(absolute(reverse("open_data:dataset", args=[entry.name])))


def dataset_uri(entry: Entry) -> URIRef:
    """The dataset's URI: its page's `#dataset` (the thing, apart from the page about it)."""
    return URIRef(dataset_page(entry) + "#dataset")


def _typed(graph: Graph, node: URIRef | BNode, rdf_type: URIRef) -> URIRef | BNode:
    """`node`, stated to be of `rdf_type` (DCAT-AP's range shapes ask every resource's class)."""
    graph.add((node, RDF.type, rdf_type))
    return node


def download_url(entry: Entry, fmt: str) -> str:
    """The stable URL of the latest version in `fmt`."""
    if fmt in ("csv", "json", "jsonl"):
        return absolute(reverse("open_data:download", args=[entry.name, fmt]))
    return absolute(reverse("open_data:version_original", args=[entry.name, int(entry.version)]))


def _graph() -> Graph:
    graph = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("hydra", HYDRA),
        ("adms", ADMS),
    ):
        graph.bind(prefix, ns)
    return graph


def _theme(graph: Graph, code: str) -> URIRef:
    """A data theme of the EU authority table, with its label in both languages."""
    node = _typed(graph, URIRef(f"{THEMES}/{code}"), SKOS.Concept)
    graph.add((node, SKOS.inScheme, URIRef(THEMES)))
    for language, tag in (("en", "en"), ("zh-hant", "zh-Hant")):
        with translation.override(language):
            graph.add((node, SKOS.prefLabel, Literal(str(Theme(code).label), lang=tag)))
    return node


def _agent(graph: Graph, code: str, name: str) -> URIRef:
    node = URIRef(absolute(reverse("open_data:catalogue") + f"?publisher={code}"))
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, Literal(name)))
    graph.add((node, DCTERMS.identifier, Literal(code)))
    return node


def add_dataset(graph: Graph, entry: Entry) -> URIRef:
    """Describe one dataset and its distributions in `graph`."""
    node = dataset_uri(entry)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(entry.id)))
    graph.add((node, DCTERMS.title, Literal(entry.title)))
    graph.add((node, DCTERMS.description, Literal(entry.description)))
    graph.add((node, DCTERMS.publisher, _agent(graph, entry.publisher_code, entry.publisher_name)))
    graph.add((node, DCAT.landingPage, _typed(graph, dataset_page(entry), FOAF.Document)))
    graph.add((node, DCTERMS.issued, Literal(entry.created.isoformat(), datatype=XSD.dateTime)))
    graph.add((node, DCTERMS.modified, Literal(entry.modified.isoformat(), datatype=XSD.dateTime)))
    graph.add((node, OWL.versionInfo, Literal(entry.version)))
    for keyword in entry.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword)))
    if entry.theme:
        graph.add((node, DCAT.theme, _theme(graph, entry.theme)))
    code = FREQUENCY_CODES.get(entry.update_frequency.lower())
    if code:
        frequency = _typed(graph, URIRef(FREQUENCIES + code), DCTERMS.Frequency)
        graph.add((node, DCTERMS.accrualPeriodicity, frequency))
    # Labelled blank nodes, so the same dataset serialises to the same bytes (its ETag holds).
    key = hashlib.sha256(entry.id.encode()).hexdigest()[:16]
    contact = BNode(f"contact{key}")
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(entry.contact_name or entry.publisher_name)))
    if entry.contact_email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{entry.contact_email}")))
    if entry.spatial:
        place = BNode(f"place{key}")
        graph.add((node, DCTERMS.spatial, place))
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((place, SKOS.prefLabel, Literal(entry.spatial)))
    if entry.temporal_start or entry.temporal_end:
        period = BNode(f"period{key}")
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if entry.temporal_start:
            graph.add(
                (
                    period,
                    DCAT.startDate,
                    Literal(entry.temporal_start.isoformat(), datatype=XSD.date),
                )
            )
        if entry.temporal_end:
            graph.add(
                (period, DCAT.endDate, Literal(entry.temporal_end.isoformat(), datatype=XSD.date))
            )
    licence_uri = URIRef(entry.licence.url) if entry.licence.url else None
    if licence_uri is not None:
        graph.add((licence_uri, RDF.type, DCTERMS.LicenseDocument))
        graph.add((licence_uri, DCTERMS.title, Literal(entry.licence.title)))
        graph.add((licence_uri, DCTERMS.identifier, Literal(entry.licence.id)))
    dictionary = _typed(
        graph,
        URIRef(absolute(reverse("open_data:dictionary", args=[entry.name]))),
        DCTERMS.Standard,
    )
    attribution = entry.attribution()
    rights = None
    if attribution:
        rights = _typed(graph, BNode(f"rights{key}"), DCTERMS.RightsStatement)
        graph.add((rights, RDFS.label, Literal(attribution)))
    for fmt in entry.formats:
        distribution = URIRef(download_url(entry, fmt))
        file_type, media_type = MEDIA_TYPES[fmt]
        graph.add((node, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.accessURL, dataset_page(entry)))
        graph.add((distribution, DCAT.downloadURL, distribution))
        graph.add((distribution, DCTERMS.title, Literal(f"{entry.title} ({file_type})")))
        file_type_node = _typed(graph, URIRef(FILE_TYPES + file_type), DCTERMS.MediaTypeOrExtent)
        graph.add((distribution, DCTERMS.format, file_type_node))
        if media_type:
            media = _typed(graph, URIRef(IANA_MEDIA_TYPES + media_type), DCTERMS.MediaType)
            graph.add((distribution, DCAT.mediaType, media))
        graph.add((distribution, DCTERMS.conformsTo, dictionary))
        if licence_uri is not None:
            graph.add((distribution, DCTERMS.license, licence_uri))
        if rights is not None:
            graph.add((distribution, DCTERMS.rights, rights))
    return node


def dataset_graph(entry: Entry) -> Graph:
    """A graph describing one dataset."""
    graph = _graph()
    add_dataset(graph, entry)
    return graph


def catalogue_graph(
    entries: Iterable[Entry], *, page: int, page_size: int, total: int, base_path: str
) -> Graph:
    """One page of the catalogue, with Hydra paging (first, last, next, previous)."""
    graph = _graph()
    homepage = _typed(graph, URIRef(absolute(reverse("open_data:catalogue"))), FOAF.Document)
    catalogue = URIRef(homepage + "#catalog")
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal(_("Open data catalogue"))))
    graph.add(
        (
            catalogue,
            DCTERMS.description,
            Literal(_("Datasets published by agencies and by the Open Government Platform.")),
        )
    )
    graph.add((catalogue, DCTERMS.publisher, _agent(graph, "platform", platform_name())))
    graph.add((catalogue, FOAF.homepage, homepage))
    scheme = _typed(graph, URIRef(THEMES), SKOS.ConceptScheme)
    graph.add((scheme, DCTERMS.title, Literal("Data theme", lang="en")))
    graph.add((catalogue, DCAT.themeTaxonomy, scheme))
    for code in ("ZHO", "ENG"):
        language = _typed(graph, URIRef(LANGUAGES + code), DCTERMS.LinguisticSystem)
        graph.add((catalogue, DCTERMS.language, language))
    for entry in entries:
        graph.add((catalogue, DCAT.dataset, add_dataset(graph, entry)))
    last = max(1, -(-total // page_size))
    paging = URIRef(absolute(f"{base_path}?page={page}"))
    graph.add((paging, RDF.type, HYDRA.PagedCollection))
    graph.add((paging, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    graph.add((paging, HYDRA.itemsPerPage, Literal(page_size, datatype=XSD.integer)))
    graph.add((paging, HYDRA.firstPage, Literal(absolute(f"{base_path}?page=1"))))
    graph.add((paging, HYDRA.lastPage, Literal(absolute(f"{base_path}?page={last}"))))
    if page < last:
        graph.add((paging, HYDRA.nextPage, Literal(absolute(f"{base_path}?page={page + 1}"))))
    if page > 1:
        graph.add((paging, HYDRA.previousPage, Literal(absolute(f"{base_path}?page={page - 1}"))))
    return graph


def serialize(graph: Graph, fmt: str) -> tuple[str, str]:
    """(body, content type) of the graph in `fmt` ("jsonld" or "ttl")."""
    rdf_format, content_type = FORMATS[fmt]
    return graph.serialize(format=rdf_format), content_type
