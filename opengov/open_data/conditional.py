"""Conditional GET for public reads: validators (ETag, Last-Modified) and 304 answers.

Only validators that are right are sent. An uploaded version never changes, so its downloads
get a strong ETag derived from its checksum; documents built in memory (DCAT, CKAN) get one
from the bytes sent. Registry datasets are produced live by their exporter and nothing cheap
tells when their rows last changed, so their downloads carry no validator at all.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

#: Changes whenever the bytes written for the same stored data change (a writer changed),
#: so that validators handed out before no longer match.
REPRESENTATION = "2"


def strong_etag(*parts: str) -> str:
    """A strong entity tag from the parts that fully determine a representation."""
    text = "\x1f".join([REPRESENTATION, *parts])
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40] + '"'


def body_etag(content: bytes) -> str:
    """A strong entity tag of the exact bytes of a response body."""
    return '"' + hashlib.sha256(content).hexdigest()[:40] + '"'


def answer(
    request: HttpRequest,
    response: HttpResponseBase,
    *,
    etag: str,
    last_modified: Any = None,
) -> HttpResponseBase:
    """Set the validators on `response`; return a 304 (or 412) instead when the request's
    preconditions say so, else `response` itself."""
    response["ETag"] = etag
    timestamp = None
    if last_modified is not None:
        timestamp = int(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    answered = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    if answered is not response and "Access-Control-Allow-Origin" in response:
        answered["Access-Control-Allow-Origin"] = response["Access-Control-Allow-Origin"]
    return answered


def answer_with_body(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """`answer` with an ETag of the response's own (in-memory) body."""
    return answer(request, response, etag=body_etag(response.content))
