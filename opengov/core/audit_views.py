"""Public pages of the audit log's Merkle tree: signed checkpoints, the key, and proofs.

Anyone can save a checkpoint (`/audit/checkpoint`), later ask for a consistency proof from
it to a newer one, and check with any RFC 9162 / C2SP tool that the log only grew; or ask
for the inclusion proof of an event listed on /activity/.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import audit, tlog
from .models import AuditEvent, LogCheckpoint

MAX_INDEX = 2**62


def _b64(value: bytes) -> str:
    return base64.b64encode(bytes(value)).decode()


class _BadParam(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _int(request: HttpRequest, name: str, default: Callable[[], int] | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        if default is None:
            raise _BadParam(name, _("This parameter is required."))
        return default()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19 or int(raw) > MAX_INDEX:
        raise _BadParam(name, _("Give a whole number from 0."))
    return int(raw)


def _error(exc: _BadParam, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": "invalid", "message": str(exc), "field": exc.field}}, status=status
    )


def _text(body: str, max_age: int) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(data: dict, max_age: int) -> JsonResponse:
    response = JsonResponse(data)
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint (issued now if the log has grown), or the one at ?size=."""
    if "size" in request.GET:
        try:
            size = _int(request, "size")
        except _BadParam as exc:
            return _error(exc)
        found = LogCheckpoint.objects.filter(log=audit.AUDIT_LOG, size=size).first()
        if found is None:
            return _error(_BadParam("size", _("No checkpoint was issued at this size.")), 404)
        return _text(found.note, 86400)
    return _text(audit.checkpoint().note, 60)


@require_safe
def key(request: HttpRequest) -> HttpResponse:
    """The verifier key of the audit log's checkpoints (C2SP signed-note vkey)."""
    return _text(tlog.log_verifier(audit.AUDIT_LOG).vkey + "\n", 3600)


def checkpoints(request: HttpRequest) -> HttpResponse:
    """Every checkpoint issued, newest first, with the key and how to check them."""
    latest = audit.checkpoint()
    page = Paginator(
        LogCheckpoint.objects.filter(log=audit.AUDIT_LOG).order_by("-size", "-id"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_checkpoints.html",
        {
            "page": page,
            "latest": latest,
            "vkey": tlog.log_verifier(audit.AUDIT_LOG).vkey,
            "origin": tlog.origin(audit.AUDIT_LOG),
        },
    )


def _default_size() -> int:
    return audit.checkpoint().size


@require_safe
def inclusion_proof(request: HttpRequest) -> JsonResponse:
    """The proof that event `index` (its leaf) is in the tree of `size` leaves (default:
    the latest checkpoint). Public events come with their leaf data."""
    try:
        index = _int(request, "index")
        size = _int(request, "size", default=_default_size)
        current = tlog.tree_size(audit.AUDIT_LOG)
        if size > current:
            raise _BadParam("size", _("The log is not that large yet."))
        if index >= size:
            raise _BadParam("index", _("There is no event at this index in a tree of this size."))
    except _BadParam as exc:
        return _error(exc)
    proof = tlog.inclusion_proof(audit.AUDIT_LOG, index, size)
    data = {
        "log": tlog.origin(audit.AUDIT_LOG),
        "index": index,
        "size": size,
        "leaf_hash": _b64(tlog.leaf_hash_at(audit.AUDIT_LOG, index)),
        "root": _b64(tlog.root(audit.AUDIT_LOG, size)),
        "proof": [_b64(p) for p in proof],
    }
    event = AuditEvent.objects.filter(leaf_index=index, public=True).first()
    if event is not None:
        data["event"] = audit.canonical(event).decode()
    return _json(data, 3600)


@require_safe
def consistency_proof(request: HttpRequest) -> JsonResponse:
    """The proof that the tree at `from` leaves is a prefix of the tree at `to` (default:
    the latest checkpoint)."""
    try:
        old = _int(request, "from")
        new = _int(request, "to", default=_default_size)
        if new > tlog.tree_size(audit.AUDIT_LOG):
            raise _BadParam("to", _("The log is not that large yet."))
        if old > new:
            raise _BadParam("from", _("The older size must not be larger than the newer one."))
    except _BadParam as exc:
        return _error(exc)
    return _json(
        {
            "log": tlog.origin(audit.AUDIT_LOG),
            "from": old,
            "to": new,
            "from_root": _b64(tlog.root(audit.AUDIT_LOG, old)),
            "to_root": _b64(tlog.root(audit.AUDIT_LOG, new)),
            "proof": [_b64(p) for p in tlog.consistency_proof(audit.AUDIT_LOG, old, new)],
        },
        3600,
    )
