"""Uploaded files: unguessable storage names, and one way of sending them after a permission
check.

Nothing under MEDIA_ROOT is served directly (there is no `/media/` route): every upload is sent
by a view of its app that first fetches the owning object through the app's permission-scoped
queryset (a draft proposal's attachment only to those who may see the draft), then calls
`file_response()`. Storage names are random tokens (`RandomName`), so a name seen once says
nothing about any other file; the original name is kept in the database and given back in
`Content-Disposition`.

In production the web server can send the bytes itself: `settings.FILE_SERVE_HEADER` chooses
`x-accel-redirect` (nginx: an `internal` location at `settings.FILE_ACCEL_PREFIX` aliased to
MEDIA_ROOT) or `x-sendfile` (Apache mod_xsendfile, lighttpd); empty (the default) streams the
file from Django.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
import urllib.parse
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

#: Types a browser may show in the page (everything else is downloaded).
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}$")
_TOKEN_BYTES = 24

SERVE_HEADERS = ("", "x-accel-redirect", "x-sendfile")


def random_name(prefix: str, filename: str) -> str:
    """`prefix/<random token><.ext>`: the extension of `filename` (lower case) is kept, the
    rest of the name is not."""
    suffix = PurePosixPath(filename or "").suffix.lower()
    extension = suffix if _EXTENSION.fullmatch(suffix) else ""
    return f"{prefix.strip('/')}/{secrets.token_urlsafe(_TOKEN_BYTES)}{extension}"


def is_random_name(name: str) -> bool:
    """Whether a stored name is already a random one (as `random_name` makes them)."""
    stem = PurePosixPath(name or "").stem
    return len(stem) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", stem) is not None


@deconstructible
class RandomName:
    """`upload_to` for a FileField: a random storage name under `prefix`."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, instance: Any, filename: str) -> str:
        return random_name(self.prefix, filename)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def move_to_random_name(storage: Storage, name: str, prefix: str) -> str:
    """Copy a stored file to a random name under `prefix`, delete the old one, return the new
    name (used by the migrations that renamed earlier uploads). A missing file keeps its
    name; one already random is left alone."""
    if not name or is_random_name(name) or not storage.exists(name):
        return name
    with storage.open(name, "rb") as fh:
        new = storage.save(random_name(prefix, name), File(fh))
    storage.delete(name)
    return new


def _content_type(name: str, given: str | None) -> str:
    if given:
        return given
    guessed, _encoding = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def file_response(
    field_file: Any,
    *,
    filename: str,
    content_type: str | None = None,
    public: bool = False,
) -> HttpResponse:
    """Send a stored upload the caller has checked the viewer may see.

    `filename` (the original name) goes in Content-Disposition; PDF, PNG and JPEG open in the
    browser, everything else downloads. `public` files may be kept by shared caches; others
    only by the viewer's browser. The response may not run script (`sandbox`) nor be
    sniffed into another type.
    """
    if not field_file or not field_file.name:
        raise Http404
    kind = _content_type(filename or field_file.name, content_type)
    inline = kind in INLINE_TYPES
    mode = (getattr(settings, "FILE_SERVE_HEADER", "") or "").lower()
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type=kind)
        prefix = settings.FILE_ACCEL_PREFIX.rstrip("/") + "/"
        response["X-Accel-Redirect"] = prefix + urllib.parse.quote(field_file.name)
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=kind)
        response["X-Sendfile"] = field_file.path
    else:
        try:
            handle = field_file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=kind)
        response["Content-Length"] = str(field_file.size)
    response["Content-Disposition"] = content_disposition_header(
        not inline, filename or PurePosixPath(field_file.name).name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-cache"
    if not public:
        response["Vary"] = "Cookie, Authorization"
    return response
